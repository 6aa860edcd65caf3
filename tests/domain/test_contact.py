"""Mobile and landline numbers, postal codes, e-mail addresses and names as people type them."""

from __future__ import annotations

import pytest

from app.domain.contact import (
    check_email,
    check_landline,
    check_mobile,
    check_name,
    check_postal_code,
    format_phone,
    normalize_email,
    normalize_name,
    normalize_phone,
    parse_landline,
)
from app.domain.problems import Problem, Severity


def kinds(problems: list[Problem]) -> list[tuple[str, Severity]]:
    return [(p.field, p.severity) for p in problems]


# ---------------------------------------------------------------------------- mobile


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("0086-139-1234-5678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("\u300013912345678\u3000", "13912345678"),
        ("15951235761", "15951235761"),
        ("19851235761", "19851235761"),
        ("16651235761", "16651235761"),
    ],
)
def test_valid_mobiles_in_every_spelling(raw: str, normalized: str) -> None:
    assert normalize_phone(raw) == normalized
    assert check_mobile(raw) == []


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1391234567", "现在是10位"),
        ("139123456789", "现在是12位"),
        ("12912345678", "13–19开头"),
        ("10912345678", "13–19开头"),
        ("23912345678", "13–19开头"),
        ("1391234567a", "「a」"),
        ("0513-85215704", "固定电话"),
        ("85215704", "现在是8位"),
        ("13912345678/13812345678", "只填一个"),
    ],
)
def test_bad_mobiles(raw: str, fragment: str) -> None:
    problems = check_mobile(raw)
    assert kinds(problems) == [("mobile", Severity.ERROR)]
    assert fragment in problems[0].message


def test_mobile_required_or_not() -> None:
    assert kinds(check_mobile("")) == [("mobile", Severity.ERROR)]
    assert check_mobile("  ", required=False) == []
    assert check_mobile("", field="m", required=True)[0].field == "m"


# ---------------------------------------------------------------------------- landline


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("0513-85215704", "0513-85215704"),  # the 市信用办's number in the notice
        ("85215704", "85215704"),  # local Nantong number, as the notice writes it
        ("89152211", "89152211"),
        ("(0513)85215704", "0513-85215704"),
        ("（0513）85215704", "0513-85215704"),
        ("0513 8521 5704", "0513-85215704"),
        ("051385215704", "0513-85215704"),
        ("0513-85215704-8001", "0513-85215704-8001"),
        ("0513-85215704转8001", "0513-85215704-8001"),
        ("+86 513 8521 5704", "0513-85215704"),
        ("010-62345678", "010-62345678"),
        ("021-62345678", "021-62345678"),
        ("0512-6523456", "0512-6523456"),  # other four-digit area codes allow 7 digits
        ("025-84567890", "025-84567890"),
        ("０５１３－８５２１５７０４", "0513-85215704"),
    ],
)
def test_valid_landlines(raw: str, shown: str) -> None:
    assert check_landline(raw) == []
    assert format_phone(raw) == shown


@pytest.mark.parametrize(
    "raw",
    [
        "13912345678",
        "+86 139 1234 5678",
        "4008123123",
        "800-810-8888",
        "85215704/13912345678",
        "0513-85215704、89152211",
    ],
)
def test_other_valid_phone_box_contents(raw: str) -> None:
    assert check_landline(raw) == []


def test_blank_phone_is_fine_unless_required() -> None:
    assert check_landline("") == []
    assert kinds(check_landline("", required=True)) == [("phone", Severity.ERROR)]


@pytest.mark.parametrize(
    ("raw", "severity", "fragment"),
    [
        ("8521570", Severity.WARNING, "7位"),
        ("0513-8521570", Severity.ERROR, "0513后面应是8位"),
        ("0513-852157045", Severity.ERROR, "0513后面应是8位"),
        ("1391234567", Severity.ERROR, "像是手机号码"),
        ("010-12345678", Severity.ERROR, "格式不对"),  # local numbers never start with 1
        ("021-6234567", Severity.ERROR, "格式不对"),  # 3-digit area codes take 8 digits
        ("12345", Severity.ERROR, "格式不对"),
        ("电话85215704", Severity.ERROR, "格式不对"),
    ],
)
def test_bad_landlines(raw: str, severity: Severity, fragment: str) -> None:
    problems = check_landline(raw)
    assert kinds(problems) == [("phone", severity)]
    assert fragment in problems[0].message


def test_each_number_in_a_list_is_checked() -> None:
    problems = check_landline("85215704/0513-8521570")
    assert len(problems) == 1 and "0513-8521570" in problems[0].message


@pytest.mark.parametrize(
    ("raw", "area", "number", "ext"),
    [
        ("0513-85215704", "0513", "85215704", ""),
        ("85215704", "", "85215704", ""),
        ("0513-85215704 分机 12", "0513", "85215704", "12"),
        ("0513-85215704 ext.12", "0513", "85215704", "12"),
    ],
)
def test_parse_landline(raw: str, area: str, number: str, ext: str) -> None:
    parsed = parse_landline(raw)
    assert parsed is not None
    assert (parsed.area_code, parsed.number, parsed.extension) == (area, number, ext)


@pytest.mark.parametrize("raw", ["13912345678", "0000000", "abc", ""])
def test_parse_landline_refuses_non_landlines(raw: str) -> None:
    assert parse_landline(raw) is None


# ---------------------------------------------------------------------------- postal code


@pytest.mark.parametrize(
    "raw", ["226000", "226100", "226600", "226200", " 226001 ", "２２６０００"]
)
def test_nantong_postal_codes(raw: str) -> None:
    assert check_postal_code(raw) == []


@pytest.mark.parametrize("raw", ["210000", "100000", "215300", "225300", "227000", "126000"])
def test_postal_codes_elsewhere_are_a_warning(raw: str) -> None:
    problems = check_postal_code(raw)
    assert kinds(problems) == [("postal_code", Severity.WARNING)]
    assert problems[0].message == "不是南通的邮编(226开头)，请核对"


@pytest.mark.parametrize("raw", ["22600", "2260000", "22600a", "２２６００"])
def test_malformed_postal_codes(raw: str) -> None:
    assert kinds(check_postal_code(raw)) == [("postal_code", Severity.ERROR)]


def test_postal_code_blank() -> None:
    assert check_postal_code("") == []
    assert kinds(check_postal_code("", required=True)) == [("postal_code", Severity.ERROR)]


# ---------------------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("12345678@qq.com", "12345678@qq.com"),
        ("zhang.san@163.com", "zhang.san@163.com"),
        ("Zhang_San@QQ.COM", "Zhang_San@qq.com"),
        ("12345678＠qq.com", "12345678@qq.com"),
        ("１２３４５６７８＠ｑｑ．ｃｏｍ", "12345678@qq.com"),
        ("12345678@qq。com", "12345678@qq.com"),
        (" 12345678@qq.com ", "12345678@qq.com"),
        ("xy@ntdrc.nantong.gov.cn", "xy@ntdrc.nantong.gov.cn"),
        ("a+tag@example.org", "a+tag@example.org"),
        ("abc@yeah.net", "abc@yeah.net"),
    ],
)
def test_valid_emails(raw: str, normalized: str) -> None:
    assert normalize_email(raw) == normalized
    assert check_email(raw) == []


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        ("12345678@qq.con", "qq.com"),
        ("12345678@qq.cm", "qq.com"),
        ("12345678@qq.co", "qq.com"),
        ("abc@163.cm", "163.com"),
        ("abc@163.con", "163.com"),
        ("abc@126.om", "126.com"),
        ("abc@gmial.com", "gmail.com"),
        ("abc@hotmial.com", "hotmail.com"),
        ("abc@sina.cmo", "sina.com"),
        ("abc@yeah.com", "yeah.net"),
        ("abc@company.con", "company.com"),
    ],
)
def test_common_typos_are_a_warning_with_suggestion(raw: str, suggestion: str) -> None:
    problems = check_email(raw)
    assert kinds(problems) == [("email", Severity.WARNING)]
    assert f"是不是 {suggestion}" in problems[0].message


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("12345678qq.com", "@"),
        ("abc@@qq.com", "@"),
        ("abc@qq", "后缀"),
        ("abc@qqcom", "是不是 qq.com"),
        ("abc@163com", "是不是 163.com"),
        ("张三@qq.com", "「张」"),
        ("a..b@qq.com", "格式不对"),
        (".ab@qq.com", "格式不对"),
        ("abc@-qq.com", "格式不对"),
        ("abc@qq.c", "格式不对"),
    ],
)
def test_bad_emails(raw: str, fragment: str) -> None:
    problems = check_email(raw)
    assert kinds(problems) == [("email", Severity.ERROR)]
    assert fragment in problems[0].message


def test_email_blank() -> None:
    assert check_email("") == []
    assert kinds(check_email("", required=True)) == [("email", Severity.ERROR)]


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("张三", "张三"),
        (" 张三 ", "张三"),
        ("张 三", "张三"),
        ("张\u3000三", "张三"),
        ("欧阳  娜娜", "欧阳娜娜"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽･买买提", "阿依古丽·买买提"),
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽．买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("阿依古丽··买买提", "阿依古丽·买买提"),
        ("TOM  SMITH", "TOM SMITH"),
        ("ＴＯＭ", "TOM"),
        ("⾦三", "金三"),  # Kangxi radical pasted from a PDF → the ordinary character
        ("\uf900三", "\uf900三"),  # compatibility ideograph kept as typed
        ("𠀀三", "𠀀三"),
    ],
)
def test_normalize_name(raw: str, normalized: str) -> None:
    assert normalize_name(raw) == normalized


@pytest.mark.parametrize(
    "raw",
    [
        "张三",
        "欧阳娜娜",
        "阿依古丽·买买提",
        "买买提·艾力·阿不都热合曼",
        "李〇",
        "王䶮",  # Extension A
        "张𠀀",  # Extension B
        "陈𪚥",  # Extension B
        "杨𫘝",  # Extension C
        "刘𫟦",  # Extension D
        "赵𬀩",  # Extension E (from 𬀩, a character in names)
        "孙𮧵",  # Extension F
        "周𰀀",  # Extension G
        "吴𱍐",  # Extension H
        "郑\uf9dc",  # compatibility ideograph
        "張三",
    ],
)
def test_valid_names(raw: str) -> None:
    assert check_name(raw) == []


@pytest.mark.parametrize(
    ("raw", "severity", "fragment"),
    [
        ("", Severity.ERROR, "请填写姓名"),
        ("   ", Severity.ERROR, "请填写姓名"),
        ("张三（曾用名张四）", Severity.ERROR, "符号"),
        ("张三!", Severity.ERROR, "符号"),
        ("·张三", Severity.ERROR, "首尾"),
        ("张三·", Severity.ERROR, "首尾"),
        ("张三A", Severity.WARNING, "字母或数字"),
        ("张三2", Severity.WARNING, "字母或数字"),
        ("TOM SMITH", Severity.WARNING, "字母或数字"),
        ("王" * 21, Severity.WARNING, "21个字"),
        ("张", Severity.WARNING, "一个字"),
    ],
)
def test_name_problems(raw: str, severity: Severity, fragment: str) -> None:
    problems = check_name(raw)
    assert kinds(problems) == [("name", severity)]
    assert fragment in problems[0].message


def test_twenty_characters_are_fine() -> None:
    assert check_name("王" * 20) == []


def test_middle_dots_do_not_count_towards_length() -> None:
    long_name = "·".join(["阿不都热合曼"] * 3) + "·买买提"  # 21 characters plus dots
    assert "21个字" in check_name(long_name)[0].message
