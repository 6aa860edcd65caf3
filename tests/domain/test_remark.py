"""Bank-transfer remarks: writing them as the notice asks, reading them back as typed."""

from __future__ import annotations

import pytest

from app.domain.codes import EnrolmentType
from app.domain.remark import (
    ParsedRemark,
    RemarkKind,
    parse_remark,
    remark_kind,
    remark_matches,
    remark_mismatch,
    transfer_remark,
)

NEW, AUDIT, RESIT = EnrolmentType.NEW, EnrolmentType.RETAKE_AUDIT, EnrolmentType.RESIT


@pytest.mark.parametrize(
    ("name", "enrolment", "remark"),
    [
        ("张三", NEW, "南通张三助理信用管理师"),  # the notice's own example
        ("张三", RESIT, "南通张三补考助理"),  # "南通+补考人姓名+补考助理"
        ("阿依古丽·买买提", NEW, "南通阿依古丽·买买提助理信用管理师"),
        ("阿依古丽•买买提", RESIT, "南通阿依古丽·买买提补考助理"),
        (" 欧阳 娜娜 ", NEW, "南通欧阳娜娜助理信用管理师"),
    ],
)
def test_transfer_remark(name: str, enrolment: EnrolmentType, remark: str) -> None:
    assert transfer_remark(name, enrolment) == remark
    assert " " not in remark and "+" not in remark


NAMES = ["张三", "陆薇", "欧阳娜娜", "阿依古丽·买买提", "买买提·艾力", "王䶮", "张𠀀", "郑\uf9dc"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("enrolment", [NEW, RESIT])
def test_round_trip(name: str, enrolment: EnrolmentType) -> None:
    remark = transfer_remark(name, enrolment)
    assert parse_remark(remark) == ParsedRemark(name, remark_kind(enrolment))
    assert remark_matches(remark, name, enrolment)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("南通+张三+助理信用管理师", ParsedRemark("张三", RemarkKind.TRAINEE)),
        ("南通＋张三＋助理信用管理师", ParsedRemark("张三", RemarkKind.TRAINEE)),
        ("南通 张三 助理信用管理师", ParsedRemark("张三", RemarkKind.TRAINEE)),
        ("南通\u3000张三\u3000助理信用管理师", ParsedRemark("张三", RemarkKind.TRAINEE)),
        ("  南通张三助理信用管理师  ", ParsedRemark("张三", RemarkKind.TRAINEE)),
        ("南通、张三、补考助理", ParsedRemark("张三", RemarkKind.RESIT)),
        ("南通+补考人张三+补考助理", ParsedRemark("补考人张三", RemarkKind.RESIT)),
        ("南通 + 张 三 + 补考助理", ParsedRemark("张三", RemarkKind.RESIT)),
        ("南通张三补考助理信用管理师", ParsedRemark("张三", RemarkKind.RESIT)),
        ("南通阿依古丽•买买提助理信用管理师", ParsedRemark("阿依古丽·买买提", RemarkKind.TRAINEE)),
        ("南通＋阿依古丽・买买提＋补考助理", ParsedRemark("阿依古丽·买买提", RemarkKind.RESIT)),
    ],
)
def test_tolerated_spellings(text: str, expected: ParsedRemark) -> None:
    assert parse_remark(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "张三助理信用管理师",  # no 南通
        "南通张三",  # no suffix
        "南通助理信用管理师",  # no name
        "南通补考助理",  # no name
        "南通+ +助理信用管理师",
        "苏州张三助理信用管理师",
        "南通张三信用管理师",
        "南通张三助理",
        "南通123助理信用管理师",  # digits are not a name
        "南通张三助理信用管理师学费",  # something after the suffix
        "学费",
    ],
)
def test_not_following_the_rule_gives_none(text: str) -> None:
    assert parse_remark(text) is None


@pytest.mark.parametrize(
    ("text", "name", "enrolment", "matches"),
    [
        ("南通张三助理信用管理师", "张三", NEW, True),
        ("南通张三助理信用管理师", "张三", AUDIT, False),  # only attends: owes nothing
        ("南通张三补考助理", "张三", AUDIT, False),
        ("南通张三助理信用管理师", "张三", RESIT, False),  # a trainee remark for a re-sitter
        ("南通张三补考助理", "张三", RESIT, True),
        ("南通张三补考助理", "张三", NEW, False),
        ("南通李四助理信用管理师", "张三", NEW, False),  # someone else
        ("南通张三丰助理信用管理师", "张三", NEW, False),
        ("南通张助理信用管理师", "张三", NEW, False),
        ("南通助理信用管理师", "张三", NEW, False),  # no one
        ("南通+张三+助理信用管理师", "张三", NEW, True),
        ("南通阿依古丽买买提助理信用管理师", "阿依古丽·买买提", NEW, True),  # bank dropped ·
        ("南通阿依古丽·买买提助理信用管理师", "阿依古丽•买买提", NEW, True),
        ("南通 张 三 补考助理", "张三", RESIT, True),
        ("南通张三助理信用管理师", "", NEW, False),
    ],
)
def test_remark_matches(text: str, name: str, enrolment: EnrolmentType, matches: bool) -> None:
    assert remark_matches(text, name, enrolment) is matches


def test_remark_kind() -> None:
    assert remark_kind(NEW) is RemarkKind.TRAINEE
    assert remark_kind(AUDIT) is None
    assert remark_kind(RESIT) is RemarkKind.RESIT


def test_last_years_failure_who_sits_the_exam_writes_the_resit_remark() -> None:
    """Old behaviour: "2020未通过·听课" who owed 330 was told 南通X助理信用管理师, and a bank
    line following the notice (南通X补考助理) did not match them. Now that person is
    上年未通过·补考, whose remark is the notice's 补考 one; who only attends has none."""
    assert transfer_remark("谭燕勇", RESIT) == "南通谭燕勇补考助理"
    assert remark_matches("南通谭燕勇补考助理", "谭燕勇", RESIT)
    assert transfer_remark("谭燕勇", AUDIT) == ""


@pytest.mark.parametrize(
    ("text", "name", "enrolment", "reason"),
    [
        ("南通+谭燕+助理信用管理师", "谭燕勇", NEW,
         "备注写的是「谭燕」，不是「谭燕勇」（应为「南通谭燕勇助理信用管理师」）"),
        ("", "谭燕勇", NEW, "没有转账备注（应为「南通谭燕勇助理信用管理师」）"),
        ("培训费", "谭燕勇", NEW, "备注「培训费」不合规定格式「南通谭燕勇助理信用管理师」"),
        ("南通谭燕勇助理信用管理师", "谭燕勇", RESIT,
         "备注「南通谭燕勇助理信用管理师」是参训的写法，谭燕勇是上年未通过·补考，"
         "应为「南通谭燕勇补考助理」"),
        ("南通谭燕勇助理信用管理师", "谭燕勇", AUDIT,
         "谭燕勇是上年未通过·只听课，无需缴费：这笔转账不是应缴的费用"),
    ],
)
def test_a_mismatch_says_why(text: str, name: str, enrolment: EnrolmentType,
                             reason: str) -> None:
    assert remark_mismatch(text, name, enrolment) == reason
    assert not remark_matches(text, name, enrolment)
