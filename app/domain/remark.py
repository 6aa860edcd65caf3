"""The bank-transfer remark (转账备注) of notice §八.2: writing it, and reading it back."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from app.domain.codes import EnrolmentType
from app.domain.contact import MIDDLE_DOT, is_cjk_ideograph, normalize_name

PREFIX = "南通"
TRAINEE_SUFFIX = "助理信用管理师"
RESIT_SUFFIX = "补考助理"
# People paying for a 补考 sometimes write the trainee suffix after 补考; the name part
# would otherwise swallow "补考", so it is read as a resit remark.
_RESIT_LONG_SUFFIX = "补考" + TRAINEE_SUFFIX
# The notice writes the rule as "南通+姓名+助理信用管理师" and then says the "+" is not
# wanted; people type it anyway, or a 、 or comma in its place.
_SEPARATORS = re.compile(r"[\s+、,，]+")


class RemarkKind(Enum):
    TRAINEE = "trainee"  # 新学员
    RESIT = "resit"  # 上年未通过·补考


@dataclass(frozen=True, slots=True)
class ParsedRemark:
    name: str
    kind: RemarkKind


def remark_kind(enrolment: EnrolmentType) -> RemarkKind | None:
    """The remark a person's type calls for; None for 上年未通过·只听课 (nothing to pay)."""
    if enrolment is EnrolmentType.RESIT:
        return RemarkKind.RESIT
    if enrolment is EnrolmentType.NEW:
        return RemarkKind.TRAINEE
    return None


def transfer_remark(name: str, enrolment: EnrolmentType) -> str:
    """ "南通张三助理信用管理师" or "南通张三补考助理": exactly what the payer must write;
    "" for who owes nothing (上年未通过·只听课)."""
    kind = remark_kind(enrolment)
    if kind is None:
        return ""
    return PREFIX + normalize_name(name) + (RESIT_SUFFIX if kind is RemarkKind.RESIT
                                            else TRAINEE_SUFFIX)


def _nfkc_keep_ideographs(text: str) -> str:
    # NFKC would swap compatibility ideographs in a name for their unified twins.
    return "".join(ch if is_cjk_ideograph(ch) else unicodedata.normalize("NFKC", ch) for ch in text)


def parse_remark(text: str) -> ParsedRemark | None:
    """Read a remark back into name and kind; None when it does not follow the rule."""
    s = _SEPARATORS.sub("", _nfkc_keep_ideographs(text or ""))
    if not s.startswith(PREFIX):
        return None
    body = s[len(PREFIX) :]
    if body.endswith(_RESIT_LONG_SUFFIX):
        raw_name, kind = body[: -len(_RESIT_LONG_SUFFIX)], RemarkKind.RESIT
    elif body.endswith(TRAINEE_SUFFIX):
        raw_name, kind = body[: -len(TRAINEE_SUFFIX)], RemarkKind.TRAINEE
    elif body.endswith(RESIT_SUFFIX):
        raw_name, kind = body[: -len(RESIT_SUFFIX)], RemarkKind.RESIT
    else:
        return None
    name = normalize_name(raw_name)
    if not _looks_like_name(name):
        return None
    return ParsedRemark(name, kind)


def _looks_like_name(name: str) -> bool:
    core = name.replace(MIDDLE_DOT, "")
    return bool(core) and all(
        is_cjk_ideograph(ch) or (ch.isascii() and ch.isalpha()) for ch in core
    )


def same_name(a: str, b: str) -> bool:
    """Whether two spellings name the same registered person.

    The 间隔号 is ignored: bank systems often drop it, and "阿依古丽买买提" names the same
    person as "阿依古丽·买买提".
    """
    na = normalize_name(a).replace(MIDDLE_DOT, "").replace(" ", "").casefold()
    nb = normalize_name(b).replace(MIDDLE_DOT, "").replace(" ", "").casefold()
    return bool(na) and na == nb


def remark_matches(text: str, name: str, enrolment: EnrolmentType) -> bool:
    """Whether a transfer's remark is this applicant's payment for this enrolment."""
    return remark_mismatch(text, name, enrolment) is None


def remark_mismatch(text: str, name: str, enrolment: EnrolmentType) -> str | None:
    """Why a transfer's remark is not this applicant's payment (a Chinese reason), or None
    when it is. The same rule for a payment typed in by hand and a bank-statement line."""
    expected = transfer_remark(name, enrolment)
    if not expected:
        return f"{name}是{enrolment.label}，无需缴费：这笔转账不是应缴的费用"
    if not (text or "").strip():
        return f"没有转账备注（应为「{expected}」）"
    parsed = parse_remark(text)
    if parsed is None:
        return f"备注「{text.strip()}」不合规定格式「{expected}」"
    if not same_name(parsed.name, name):
        return f"备注写的是「{parsed.name}」，不是「{normalize_name(name)}」（应为「{expected}」）"
    if parsed.kind is not remark_kind(enrolment):
        return (f"备注「{text.strip()}」是"
                f"{'补考' if parsed.kind is RemarkKind.RESIT else '参训'}的写法，"
                f"{normalize_name(name)}是{enrolment.label}，应为「{expected}」")
    return None
