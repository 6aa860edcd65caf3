"""Unified social credit codes: GB 32100 check characters, letter authority codes, slips."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import uscc

from app.domain.creditcode import (
    ALPHABET,
    check_credit_code,
    credit_check_char,
    is_valid_credit_code,
    normalize_credit_code,
    registration_authority,
)
from app.domain.problems import Severity

FIELD = "employer_credit_code"


def with_check(body: str) -> str:
    """A code completed by python-stdnum's check character: an independent oracle."""
    return body + uscc.calc_check_digit(body)


def test_alphabet_leaves_out_look_alike_letters() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example printed in GB 32100-2015
        "91100000100003962T",  # 中国工商银行股份有限公司
        "91330100716105852F",  # 阿里巴巴（中国）有限公司
        "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
        "91110108551385082Q",  # 小米科技有限责任公司
    ],
)
def test_published_codes_pass(code: str) -> None:
    assert credit_check_char(code[:17]) == code[17]
    assert check_credit_code(code) == []


def test_check_char_agrees_with_stdnum_on_random_bodies() -> None:
    rng = random.Random(32100)
    for _ in range(5000):
        body = "".join(rng.choice(ALPHABET) for _ in range(17))
        assert credit_check_char(body) == uscc.calc_check_digit(body), body


AUTHORITY_BODIES = [
    "91320602MA1MXXXX1",  # 工商, 企业, 崇川区 (MA: new-style registration number)
    "92320684MA1P12345",  # 工商, 个体工商户, 海门
    "93320623MA1Q0K7L8",  # 工商, 农民专业合作社, 如东
    "11320600014227577",  # 机构编制, 机关
    "12320600466001234",  # 机构编制, 事业单位
    "51320600509876543",  # 民政, 社会团体
    "52320682MJ0987654",  # 民政, 民办非企业单位
    "53320000MJ5432109",  # 民政, 基金会
    "81320600MC1234567",  # 工会
    "N1320681MF2345678",  # 农业, 组级集体经济组织
    "N2320612MF1234567",  # 农业, 村级集体经济组织
    "Y1320600MG1234567",  # 其他
    "31320600MD0123456",  # 司法行政, 律师事务所
    "A1320000MB0000001",  # 中央军委改革和编制办公室
]


@pytest.mark.parametrize("body", AUTHORITY_BODIES)
def test_codes_starting_with_letters_or_any_authority_pass(body: str) -> None:
    code = with_check(body)
    assert check_credit_code(code) == []
    assert is_valid_credit_code(code)


@pytest.mark.parametrize("body", AUTHORITY_BODIES)
def test_stdnum_would_reject_letter_authorities_but_we_do_not(body: str) -> None:
    code = with_check(body)
    if not body[:8].isdigit():
        with pytest.raises(Exception):  # noqa: B017 - any stdnum validation error
            uscc.validate(code)
    assert check_credit_code(code) == []


@pytest.mark.parametrize(
    ("first", "authority"),
    [
        ("9", "工商（市场监管）"),
        ("5", "民政"),
        ("1", "机构编制"),
        ("N", "农业"),
        ("Y", "其他"),
        ("8", "工会"),
    ],
)
def test_registration_authority(first: str, authority: str) -> None:
    assert registration_authority(first + "1320600MA1234567") == authority


def test_registration_authority_of_blank_is_none() -> None:
    assert registration_authority("") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91350100m000100y43", "91350100M000100Y43"),
        (" 91350100 M000100 Y43 ", "91350100M000100Y43"),
        ("913501-00M000-100Y43", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("91350100\u3000M000100Y43", "91350100M000100Y43"),
        ("\t91350100M000100Y43\n", "91350100M000100Y43"),
    ],
)
def test_normalize_and_accept_typing_variants(raw: str, expected: str) -> None:
    assert normalize_credit_code(raw) == expected
    assert check_credit_code(raw) == []


@pytest.mark.parametrize("blank", ["", "  ", "\u3000"])
def test_blank_is_fine_unless_required(blank: str) -> None:
    assert check_credit_code(blank) == []
    problems = check_credit_code(blank, required=True)
    assert [(p.field, p.severity) for p in problems] == [(FIELD, Severity.ERROR)]
    assert "18位" in problems[0].message


@pytest.mark.parametrize(
    ("raw", "length"),
    [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("913501", 6)],
)
def test_wrong_length_says_how_many(raw: str, length: int) -> None:
    problems = check_credit_code(raw)
    assert len(problems) == 1 and problems[0].is_error
    assert f"{length}位" in problems[0].message


@pytest.mark.parametrize(
    ("raw", "position", "bad", "hint"),
    [
        ("91350100MO00100Y43", 10, "O", "0"),
        ("913501OOM000100Y43", 7, "O", "0"),
        ("91350100M0001I0Y43", 14, "I", "1"),
        ("91350100M000100S43", 16, "S", "5"),
        ("91350100M000100V43", 16, "V", "U"),
        ("91350100M000100Z43", 16, "Z", "2"),
    ],
)
def test_letters_never_used_are_named_with_a_hint(
    raw: str, position: int, bad: str, hint: str
) -> None:
    problems = check_credit_code(raw)
    assert len(problems) == 1 and problems[0].is_error
    message = problems[0].message
    assert f"第{position}位" in message and f"「{bad}」" in message
    assert f"可能是「{hint}」" in message
    assert "I、O、S、V、Z" in message


def test_typed_o_instead_of_zero_in_a_real_code() -> None:
    real = "91100000100003962T"
    typed = real.replace("0", "O", 1)
    assert "可能是「0」" in check_credit_code(typed)[0].message


def test_chinese_character_in_code() -> None:
    problems = check_credit_code("91350100M00010中Y43")
    assert problems and problems[0].is_error and "「中」" in problems[0].message


def test_every_wrong_check_character_is_caught() -> None:
    code = "91350100M000100Y43"
    for wrong in ALPHABET:
        if wrong == code[-1]:
            continue
        problems = check_credit_code(code[:17] + wrong)
        assert len(problems) == 1 and problems[0].is_error
        assert "校验位" in problems[0].message and "应为 3" in problems[0].message


def test_swapped_neighbours_are_caught() -> None:
    code = "91440300708461136T"
    swapped = code[:10] + code[11] + code[10] + code[12:]
    assert swapped != code
    assert check_credit_code(swapped)[0].is_error


def test_non_digit_region_part_is_a_warning() -> None:
    code = with_check("9132A602MA1MXXXX1")
    problems = check_credit_code(code)
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "3–8" in problems[0].message


def test_custom_field() -> None:
    assert check_credit_code("123", field="code")[0].field == "code"


def test_credit_check_char_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        credit_check_char("91350100M000100Y")
    with pytest.raises(ValueError):
        credit_check_char("91350100MO00100Y4")
