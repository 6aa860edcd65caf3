"""Names, phone numbers, postal codes and e-mail addresses as people type them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.domain.problems import Problem, error, warning

# ---------------------------------------------------------------------------- phones

# Separators people put inside one number: spaces of every width, dashes, brackets
# around an area code, dots.
_PHONE_DROP = str.maketrans(
    "",
    "",
    " \t\u00a0\u200b\u202f\u3000\ufeff-\u2010\u2011\u2012\u2013\u2014\u2015\u2212()[].",
)
# Several numbers in one cell ("85215704/13912345678") are checked one by one.
_PHONE_SPLIT = re.compile(r"[/、,，;；|]|\s+或\s*")
_EXTENSION = re.compile(r"^(?P<main>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})$", re.I)
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
NANTONG_AREA_CODE = "0513"


def _isdigits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _nfkc(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip()


def _strip_country_code(digits: str) -> tuple[str, bool]:
    """Remove +86/0086; returns the rest and whether a country code was there."""
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :], True
    if digits.startswith("86") and len(digits) == 13 and _MOBILE.fullmatch(digits[2:]):
        return digits[2:], True
    return digits, False


def normalize_phone(raw: str) -> str:
    """Digits only, without separators and without a +86/0086 country code.

    A landline written internationally ("+86 513 8521 5704") gets its trunk 0 back, so
    the result is what one would dial inside China.
    """
    s = _nfkc(raw).translate(_PHONE_DROP)
    s, had_country = _strip_country_code(s)
    if had_country and s and not s.startswith(("0", "1")):
        s = "0" + s
    return s


def normalize_mobile(raw: str) -> str:
    return normalize_phone(raw)


@dataclass(frozen=True, slots=True)
class Landline:
    area_code: str  # "" for a local Nantong number written without its area code
    number: str
    extension: str = ""

    def __str__(self) -> str:
        text = f"{self.area_code}-{self.number}" if self.area_code else self.number
        return f"{text}-{self.extension}" if self.extension else text


def parse_landline(raw: str) -> Landline | None:
    """Split a Chinese landline into area code, number and extension; None if it is not one.

    Area codes 010 and 02x are followed by 8 digits, the other (four-digit) ones by 7 or
    8; local numbers never start with 0 or 1.
    """
    s = _nfkc(raw)
    extension = ""
    m = _EXTENSION.match(s)
    if m:
        s, extension = m.group("main"), m.group("ext")
    else:
        # "0513-85215704-8001": a third group after the full number is an extension.
        m3 = re.fullmatch(r"(0\d{2,3})\s*-\s*(\d{7,8})\s*-\s*(\d{1,6})", s)
        if m3:
            s, extension = f"{m3.group(1)}{m3.group(2)}", m3.group(3)
    digits = normalize_phone(s)
    if not _isdigits(digits):
        return None
    if digits.startswith("0"):
        area_len = 3 if digits[1:2] in ("1", "2") else 4
        area, local = digits[:area_len], digits[area_len:]
        allowed = (8,) if area_len == 3 or area == NANTONG_AREA_CODE else (7, 8)
        if len(local) in allowed and local[0] not in "01":
            return Landline(area, local, extension)
        return None
    if len(digits) == 8 and digits[0] not in "01":
        return Landline("", digits, extension)
    return None


def format_phone(raw: str) -> str:
    """A tidy display form: "0513-85215704", "13912345678"; other text comes back stripped."""
    digits = normalize_phone(raw)
    if _MOBILE.fullmatch(digits):
        return digits
    landline = parse_landline(raw)
    return str(landline) if landline else _nfkc(raw)


def check_mobile(raw: str, field: str = "mobile", required: bool = True) -> list[Problem]:
    """An 11-digit mainland mobile number; +86/0086 and separators are tolerated."""
    if not _nfkc(raw):
        return [error(field, "请填写11位手机号码")] if required else []
    digits = normalize_phone(raw)
    if not _isdigits(digits):
        if _PHONE_SPLIT.search(_nfkc(raw)):
            return [error(field, "手机栏只填一个11位手机号码：其他号码请填在联系电话栏")]
        bad = next((c for c in digits if not _isdigits(c)), _nfkc(raw)[:1])
        return [error(field, f"手机号码只能是数字，其中有「{bad}」：请核对")]
    if digits.startswith("0"):
        return [
            error(field, "这像是固定电话号码：手机栏请填写11位手机号码，固定电话填在联系电话栏"),
        ]
    if len(digits) != 11:
        return [error(field, f"手机号码应为11位，现在是{len(digits)}位：请核对是否多打或漏打")]
    if not _MOBILE.fullmatch(digits):
        return [error(field, "手机号码应以13–19开头：请核对")]
    return []


def check_landline(raw: str, field: str = "phone", required: bool = False) -> list[Problem]:
    """A landline (with or without area code), or a mobile number, in the 联系电话 box.

    An 8-digit number without area code is a local Nantong number and fine as it is.
    """
    text = _nfkc(raw)
    if not text:
        return [error(field, "请填写联系电话")] if required else []
    problems: list[Problem] = []
    for part in (p.strip() for p in _PHONE_SPLIT.split(text)):
        if not part:
            continue
        problems.extend(_check_one_landline(part, field))
    return problems


def _check_one_landline(part: str, field: str) -> list[Problem]:
    digits = normalize_phone(part)
    if _MOBILE.fullmatch(digits) or re.fullmatch(r"[48]00\d{7}", digits, re.ASCII):
        return []
    if parse_landline(part) is not None:
        return []
    plain = _isdigits(digits)
    if plain and len(digits) == 7 and digits[0] not in "01":
        return [warning(field, f"「{part}」是7位号码，南通的固定电话是8位：外地号码请加上区号")]
    if plain and digits.startswith("1") and 9 <= len(digits) <= 13:
        return [error(field, f"「{part}」像是手机号码，但有{len(digits)}位（应为11位）：请核对")]
    if plain and digits.startswith(NANTONG_AREA_CODE):
        return [
            error(field, f"「{part}」：南通区号0513后面应是8位号码，如 0513-85215704，请核对"),
        ]
    return [
        error(field, f"联系电话「{part}」格式不对：请写成 0513-85215704（区号-号码）或手机号码"),
    ]


# ---------------------------------------------------------------------------- postal code


def check_postal_code(
    raw: str, field: str = "postal_code", required: bool = False
) -> list[Problem]:
    code = _nfkc(raw).replace(" ", "")
    if not code:
        return [error(field, "请填写6位邮政编码")] if required else []
    if not re.fullmatch(r"\d{6}", code, re.ASCII):
        return [error(field, f"邮政编码应为6位数字，现在是「{code}」：请核对")]
    if not code.startswith("226"):
        return [warning(field, "不是南通的邮编(226开头)，请核对")]
    return []


# ---------------------------------------------------------------------------- e-mail

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)
# Mail providers the office sees most, to recognise a slip in their names.
_PROVIDERS = (
    "qq.com",
    "vip.qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "188.com",
    "vip.163.com",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "139.com",
    "189.cn",
    "wo.cn",
    "aliyun.com",
    "21cn.com",
    "tom.com",
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "yahoo.com",
)
_COM_SLIPS = ("con", "cmo", "ocm", "comm", "c0m", "cpm", "vom", "xom", "coom", "comn", "cim")
_KNOWN_SLIPS = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gamil.com": "gmail.com",
    "hotmial.com": "hotmail.com",
    "hotmai.com": "hotmail.com",
    "outlok.com": "outlook.com",
    "foxmai.com": "foxmail.com",
    "foxmial.com": "foxmail.com",
    "qq.cm": "qq.com",
    "qq.co": "qq.com",
    "qq.om": "qq.com",
    "163.cm": "163.com",
    "163.co": "163.com",
    "163.om": "163.com",
    "126.cm": "126.com",
    "126.co": "126.com",
    "126.om": "126.com",
    "yeah.com": "yeah.net",
    "yeah.nte": "yeah.net",
}


def normalize_email(raw: str) -> str:
    """Full-width characters to ASCII (＠ → @, 。 → .), spaces out, domain in lower case."""
    s = unicodedata.normalize("NFKC", raw or "").replace("。", ".")
    s = re.sub(r"\s+", "", s)
    if s.count("@") == 1:
        local, domain = s.split("@")
        s = f"{local}@{domain.lower()}"
    return s


def _suggest_domain(domain: str) -> str | None:
    if domain in _PROVIDERS:
        return None
    if domain in _KNOWN_SLIPS:
        return _KNOWN_SLIPS[domain]
    head, _, tld = domain.rpartition(".")
    if tld in _COM_SLIPS:
        return f"{head}.com"
    return None


def check_email(raw: str, field: str = "email", required: bool = False) -> list[Problem]:
    email = normalize_email(raw)
    if not email:
        return [error(field, "请填写EMAIL地址")] if required else []
    example = "如 12345678@qq.com"
    odd = next((c for c in email if not c.isascii()), None)
    if odd is not None:
        return [error(field, f"EMAIL地址中有中文或全角字符「{odd}」：请用英文输入法重写")]
    if email.count("@") != 1:
        return [error(field, f"EMAIL地址应有且只有一个@：请核对，{example}")]
    domain = email.split("@")[1]
    for provider in _PROVIDERS:
        if domain == provider.replace(".", ""):
            return [error(field, f"EMAIL地址@后面少了一个点：是不是 {provider}？")]
    if "." not in domain:
        return [error(field, f"EMAIL地址@后面缺少后缀（如 qq.com、163.com）：请核对，{example}")]
    if not _EMAIL.fullmatch(email):
        return [error(field, f"EMAIL地址格式不对：请核对，{example}")]
    suggestion = _suggest_domain(domain)
    if suggestion:
        return [warning(field, f"EMAIL地址后缀「{domain}」像是写错了，是不是 {suggestion}？请核对")]
    return []


# ---------------------------------------------------------------------------- names

MIDDLE_DOT = "·"
_CJK_RANGES = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2B73F),  # C
    (0x2B740, 0x2B81F),  # D
    (0x2B820, 0x2CEAF),  # E
    (0x2CEB0, 0x2EBEF),  # F
    (0x2EBF0, 0x2EE5F),  # I
    (0x2F800, 0x2FA1F),  # compatibility supplement
    (0x30000, 0x3134F),  # G
    (0x31350, 0x323AF),  # H
)
# Dots that input methods, PDFs and Word offer in place of the standard 间隔号 U+00B7.
_DOT_LIKE = frozenset("\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u1427\u2981")
# A full stop between two Chinese characters is a mistyped 间隔号 too.
_PERIOD_LIKE = frozenset(".。｡")


def is_cjk_ideograph(ch: str) -> bool:
    """Whether `ch` is a Chinese character, rare extensions and 〇 included."""
    cp = ord(ch)
    return cp == 0x3007 or any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def _is_compat_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F


def normalize_name(raw: str) -> str:
    """The name as registered: trimmed, no spaces between Chinese characters, one kind of ·.

    Compatibility ideographs are kept as typed: normalising them (even NFC does) would
    change the character printed on the ID card; everything else goes through NFKC so
    full-width letters and Kangxi radicals pasted from PDFs become ordinary characters.
    """
    chars = [ch if _is_compat_ideograph(ch) else unicodedata.normalize("NFKC", ch) for ch in raw]
    s = re.sub(r"\s+", " ", "".join(chars)).strip()
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch in _DOT_LIKE or (ch in _PERIOD_LIKE and _cjk_around(s, i)):
            out.append(MIDDLE_DOT)
        else:
            out.append(ch)
    s = "".join(out)
    s = re.sub(r"\s*·[\s·]*", MIDDLE_DOT, s)
    # A space survives only between two non-Chinese characters ("TOM SMITH").
    kept = [
        ch
        for i, ch in enumerate(s)
        if ch != " " or not (_joins_cjk(s[i - 1 : i]) or _joins_cjk(s[i + 1 : i + 2]))
    ]
    return "".join(kept)


def _joins_cjk(ch: str) -> bool:
    return bool(ch) and (is_cjk_ideograph(ch) or ch == MIDDLE_DOT)


def _cjk_around(s: str, i: int) -> bool:
    before = s[:i].rstrip()
    after = s[i + 1 :].lstrip()
    return bool(before and after) and is_cjk_ideograph(before[-1]) and is_cjk_ideograph(after[0])


def check_name(raw: str, field: str = "name") -> list[Problem]:
    """A name as on the ID card: Chinese characters, with · for many minority names."""
    name = normalize_name(raw)
    if not name:
        return [error(field, "请填写姓名（与身份证上一致）")]
    problems: list[Problem] = []
    odd = [ch for ch in name if not (is_cjk_ideograph(ch) or ch in (MIDDLE_DOT, " "))]
    symbols = [ch for ch in odd if not ch.isascii() or not ch.isalnum()]
    latin = [ch for ch in odd if ch.isascii() and ch.isalnum()]
    if symbols:
        problems.append(
            error(field, f"姓名中有符号「{symbols[0]}」：请只填写身份证上的姓名，不加括号或备注")
        )
    if latin:
        problems.append(
            warning(field, f"姓名中有字母或数字「{latin[0]}」：请核对是否与身份证上的姓名一致")
        )
    if name.startswith(MIDDLE_DOT) or name.endswith(MIDDLE_DOT):
        problems.append(error(field, "姓名首尾不应有间隔号「·」：请核对"))
    length = len(name.replace(MIDDLE_DOT, ""))
    if length > 20:
        problems.append(warning(field, f"姓名有{length}个字，超过20个字：请核对"))
    elif length == 1 and is_cjk_ideograph(name):
        problems.append(warning(field, "姓名只有一个字：请核对是否漏填"))
    return problems
