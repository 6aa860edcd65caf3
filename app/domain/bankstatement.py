"""Reading a bank statement's cells: which column is which, amounts, dates, fingerprints."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FIELDS = ("date", "amount", "payer", "remark")
FIELD_LABELS = {"date": "日期", "amount": "金额", "payer": "付款人", "remark": "备注"}

# Header names banks use, best first. A statement with both 摘要 (the bank's own word:
# 转账, 网银转入) and 附言/备注 (what the payer typed) should be read from the latter.
HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("交易日期", "记账日期", "入账日期", "日期", "交易时间", "记账时间", "交易日"),
    "amount": ("贷方金额", "收入金额", "贷方发生额", "收入", "交易金额", "金额", "发生额"),
    "payer": ("对方户名", "付款人名称", "付款人", "付款方", "对方账户名称", "对方名称",
              "对方单位", "户名"),
    "remark": ("备注", "附言", "交易附言", "用途", "摘要", "交易摘要", "说明"),
}
DIRECTION_HEADERS = ("借贷标志", "借贷方向", "收支方向", "交易方向", "借贷", "收/支", "收支")
# A header that merely contains a field's word but means something else.
_NOT_AMOUNT = ("借", "支出", "余额", "账号", "帐号")
_TOTAL_ROW = re.compile(r"^(本页)?(合计|总计|小计)")

FIELD_ALIASES = {"日期": "date", "金额": "amount", "付款人": "payer", "备注": "remark"}
"""The Chinese names a person may use for the fields when overriding the mapping."""


def normalize_header(text: object) -> str:
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = re.sub(r"\(.*?\)", "", s)  # 金额(元), 金额（元） after NFKC
    return "".join(s.split()).strip("*:：")


def _match(field: str, header: str) -> int | None:
    """Rank of `header` among the field's names (lower is better), or None."""
    names = HEADERS[field]
    if header in names:
        return names.index(header)
    if field == "amount" and any(w in header for w in _NOT_AMOUNT):
        return None
    for i, name in enumerate(names):
        if len(name) >= 2 and name in header:
            return len(names) + i  # a looser match ranks after every exact one
    return None


def find_columns(headers: Sequence[object],
                 overrides: Mapping[str, str | int] | None = None) -> dict[str, int | None]:
    """Column index of each field (and "direction") in a header row, by name.

    `overrides` maps a field ("date"/"日期", …) to a header text or a 0-based index.
    """
    names = [normalize_header(h) for h in headers]
    out: dict[str, int | None] = {}
    for field in FIELDS:
        best: tuple[int, int] | None = None
        for col, name in enumerate(names):
            if not name:
                continue
            rank = _match(field, name)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, col)
        out[field] = best[1] if best else None
    out["direction"] = next((c for c, n in enumerate(names) if n in DIRECTION_HEADERS), None)
    for key, where in (overrides or {}).items():
        field = FIELD_ALIASES.get(key, key)
        if field not in FIELDS:
            raise ValueError(f"不认识的列「{key}」：可指定 日期、金额、付款人、备注")
        if isinstance(where, int):
            out[field] = where
            continue
        wanted = normalize_header(where)
        out[field] = names.index(wanted) if wanted in names else None
    return out


def remark_columns(headers: Sequence[object]) -> list[int]:
    """Every column that may hold the payer's words, best first."""
    names = [normalize_header(h) for h in headers]
    ranked = [(r, c) for c, n in enumerate(names) if n and (r := _match("remark", n)) is not None]
    return [c for _, c in sorted(ranked)]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != datetime.min.time() \
            else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Banks prefix cells with a tab or an apostrophe so that Excel keeps them as text.
    return " ".join(unicodedata.normalize("NFKC", str(value)).split()).strip("'")


def is_total_row(cells: Sequence[str]) -> bool:
    return any(_TOTAL_ROW.match(c) for c in cells if c)


def parse_amount_fen(value: object) -> int | None:
    """"3,130.00", "￥3130", "3130元", "+3,130.00", 3130.0 → 313000; "(3130)" is negative.
    None when the cell is not an amount."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float | Decimal):
        try:
            d = Decimal(repr(value)) if isinstance(value, float) else value
            return int((d * 100).quantize(Decimal(1), ROUND_HALF_UP))
        except InvalidOperation:
            return None
    s = unicodedata.normalize("NFKC", str(value)).strip().strip("'")
    for junk in ("¥", "元", "RMB", "CNY", " ", "\u00a0"):
        s = s.replace(junk, "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if "," in s:  # thousands separators only: "3.130,00" is not read as 3.13
        if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", s):
            return None
        s = s.replace(",", "")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", s):
        return None
    d = Decimal(s)
    fen = int((d * 100).quantize(Decimal(1), ROUND_HALF_UP))
    return -fen if negative else fen


_EXCEL_EPOCH = date(1899, 12, 30)
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value: object) -> date | None:
    """A date cell: a real date, "2021-10-12", "2021/10/12 14:03", "2021年10月12日",
    "20211012" (also with the time run on), or an Excel day number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if 20000 <= value <= 80000:  # Excel's day count (1954 – 2119)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        value = str(int(value))
    s = unicodedata.normalize("NFKC", str(value)).strip().strip("'")
    m = _YMD.match(s) or _COMPACT.match(s)
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def is_outgoing(direction: str) -> bool:
    """A 借贷标志 / 收支 cell that says money went out."""
    d = direction.strip()
    return d.upper() in ("D", "DR", "DEBIT", "-") or any(w in d for w in ("借", "支", "出"))


def _key_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def line_fingerprint(paid_on: date | None, amount_fen: int | None, payer: str, remark: str,
                     occurrence: int) -> str:
    """The same transfer read from the same statement (as .xlsx or .csv) gives the same
    fingerprint; `occurrence` tells apart identical lines of one statement."""
    key = "|".join((
        paid_on.isoformat() if paid_on else "", str(amount_fen if amount_fen is not None else ""),
        _key_text(payer), _key_text(remark), str(occurrence),
    ))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
