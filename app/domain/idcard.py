"""Resident ID numbers (GB 11643): normalising, checking, and what they say about a person."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from app.domain.applicant import age_on
from app.domain.codes import Gender
from app.domain.problems import Problem, error, warning
from app.domain.regions import (
    NANTONG_REGIONS,
    SPECIAL_REGIONS,
    is_known_province,
    is_nantong,
    region_name,
)

ID_LENGTH = 18
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP = "10X98765432"
# People copy numbers out of Word, Excel and chat apps: besides ordinary spaces these
# arrive as no-break, ideographic and zero-width spaces, dashes of every width, and the
# multiplication sign that Chinese input methods offer for "X".
_DROP = str.maketrans(
    "",
    "",
    " \t\r\n\u00a0\u2000\u2001\u2002\u2003\u2009\u200b\u200c\u200d\u202f\u3000\ufeff"
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d",
)
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class IdInfo:
    """What a valid ID number says. `region_name` is None for a code we do not know."""

    number: str
    birth_date: date
    gender: Gender
    region_code: str
    region_name: str | None

    def age_on(self, on: date) -> int:
        return age_on(self.birth_date, on)


def normalize_id_number(raw: str) -> str:
    """The number as it should be stored: 18 ASCII characters, upper-case X, no separators."""
    s = unicodedata.normalize("NFKC", raw or "").translate(_DROP)
    return s.replace("×", "X").replace("x", "X")


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_MAP[total % 11]


def _birth_date_or_none(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def birth_date_from_id(raw: str) -> date:
    """Birth date in digits 7–14. Raises ValueError if there is no valid date there."""
    number = normalize_id_number(raw)
    if len(number) != ID_LENGTH or not number[6:14].isdigit():
        raise ValueError(f"not an 18-character ID number: {raw!r}")
    d = _birth_date_or_none(number)
    if d is None:
        raise ValueError(f"no valid birth date in ID number: {raw!r}")
    return d


def gender_from_id(raw: str) -> Gender:
    """Odd 17th digit: male; even: female. Raises ValueError if there is no digit there."""
    number = normalize_id_number(raw)
    if len(number) != ID_LENGTH or not number[16].isdigit():
        raise ValueError(f"not an 18-character ID number: {raw!r}")
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


def age_at(info_or_birth: IdInfo | date, on: date) -> int:
    """Full years of age on `on`, from an IdInfo or a birth date."""
    birth = info_or_birth.birth_date if isinstance(info_or_birth, IdInfo) else info_or_birth
    return age_on(birth, on)


def check_id_number(
    raw: str, today: date, field: str = "id_number"
) -> tuple[IdInfo | None, list[Problem]]:
    """Check a typed ID number. Returns its IdInfo when it has no error, and the problems.

    An unknown region code is only a warning: the code table changes every year and
    ID numbers keep the code of the year they were issued.
    """
    number = normalize_id_number(raw)
    if not number:
        return None, [error(field, "请填写18位身份证号")]
    if len(number) == 15 and number.isdigit():
        return None, [
            error(field, "这是15位的第一代身份证号：请填写现在所持身份证上的18位号码"),
        ]
    if len(number) != ID_LENGTH:
        return None, [
            error(field, f"身份证号应为18位，现在是{len(number)}位：请核对是否多打或漏打"),
        ]
    for i, c in enumerate(number[:17], start=1):
        if not ("0" <= c <= "9"):
            return None, [
                error(field, f"身份证号前17位只能是数字，第{i}位是「{c}」：请核对"),
            ]
    last = number[17]
    if not ("0" <= last <= "9" or last == "X"):
        return None, [error(field, f"身份证号最后一位只能是数字或X，现在是「{last}」：请核对")]

    digits = number[6:14]
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    birth = _birth_date_or_none(number)
    if birth is None:
        return None, [
            error(field, f"身份证号第7–14位的出生日期 {shown} 不存在：请核对身份证号是否抄错"),
        ]
    if birth > today:
        return None, [
            error(field, f"身份证号中的出生日期 {shown} 晚于今天：请核对身份证号是否抄错"),
        ]
    if birth < _EARLIEST_BIRTH:
        return None, [
            error(field, f"身份证号中的出生日期 {shown} 早于1900年：请核对身份证号是否抄错"),
        ]
    if last != check_digit(number[:17]):
        # Not "the last digit should be …": any of the 18 may be the slip, and naming one
        # invites changing a right digit to fit a wrong one.
        return None, [
            error(field, "校验位不对：有数字抄错或前后颠倒，请对照证件逐位核对身份证号"),
        ]

    code6 = number[:6]
    problems: list[Problem] = []
    if code6 in SPECIAL_REGIONS:
        pass  # residence permits for HK, Macao and Taiwan residents: fine as they are
    elif not is_known_province(code6[:2]):
        problems.append(
            warning(field, f"身份证号前两位「{code6[:2]}」不是已知的省份代码：请核对前6位地区码")
        )
    elif is_nantong(code6) and code6 not in NANTONG_REGIONS:
        problems.append(
            warning(field, f"身份证号前6位「{code6}」不是已知的南通地区代码：请核对前6位")
        )
    info = IdInfo(
        number=number,
        birth_date=birth,
        gender=Gender.MALE if int(number[16]) % 2 else Gender.FEMALE,
        region_code=code6,
        region_name=region_name(code6),
    )
    return info, problems
