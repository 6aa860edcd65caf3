"""Unified social credit codes (GB 32100) of employers, as the summary sheet 附件5 needs them."""

from __future__ import annotations

import unicodedata

from app.domain.problems import Problem, error, warning

CREDIT_CODE_LENGTH = 18
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# The letters GB 32100 leaves out because they look like digits or each other; when
# one is typed, the person almost always meant the look-alike.
_LOOKALIKES = {"I": "1", "O": "0", "S": "5", "V": "U", "Z": "2"}
_DROP = str.maketrans(
    "",
    "",
    " \t\r\n\u00a0\u200b\u202f\u3000\ufeff-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d",
)

REGISTRATION_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
"""GB 32100 table 1: the first character of a code, the registering authority."""


def normalize_credit_code(raw: str) -> str:
    """18 upper-case ASCII characters, without the spaces and hyphens people type."""
    return unicodedata.normalize("NFKC", raw or "").translate(_DROP).upper()


def credit_check_char(first17: str) -> str:
    """GB 32100 check character (weighted MOD 31 over the code's own alphabet)."""
    if len(first17) != 17 or any(c not in _INDEX for c in first17):
        raise ValueError("credit_check_char needs 17 characters of the GB 32100 alphabet")
    total = sum(_INDEX[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def registration_authority(code: str) -> str | None:
    """The registering authority a code's first character names, e.g. "民政" for 5."""
    normalized = normalize_credit_code(code)
    return REGISTRATION_AUTHORITIES.get(normalized[:1]) if normalized else None


def is_valid_credit_code(raw: str) -> bool:
    return not any(p.is_error for p in check_credit_code(raw))


def check_credit_code(
    raw: str, field: str = "employer_credit_code", required: bool = False
) -> list[Problem]:
    """Check a typed unified social credit code.

    Letters are allowed everywhere the alphabet has them: authority codes such as N
    (农业) or Y (其他) start genuine codes, so the first eight characters are not
    required to be digits.
    """
    code = normalize_credit_code(raw)
    if not code:
        if required:
            return [error(field, "请填写18位统一社会信用代码（见营业执照或登记证书）")]
        return []
    if len(code) != CREDIT_CODE_LENGTH:
        return [
            error(
                field,
                f"统一社会信用代码应为18位，现在是{len(code)}位：请对照营业执照或登记证书核对",
            )
        ]
    bad = [(i, c) for i, c in enumerate(code, start=1) if c not in _INDEX]
    if bad:
        i, c = bad[0]
        hint = f"，这里可能是「{_LOOKALIKES[c]}」" if c in _LOOKALIKES else ""
        return [
            error(
                field,
                f"统一社会信用代码第{i}位是「{c}」，代码中不会出现这个字符{hint}"
                "（代码从不使用字母 I、O、S、V、Z）：请核对",
            )
        ]
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return [
            error(
                field,
                f"统一社会信用代码校验位不对：按前17位最后一位应为 {expected}，"
                "请对照营业执照核对是否抄错",
            )
        ]
    if not code[2:8].isdigit():
        return [
            warning(field, "统一社会信用代码第3–8位应为行政区划代码（6位数字）：请核对"),
        ]
    return []
