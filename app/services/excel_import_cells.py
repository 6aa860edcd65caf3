"""A county sheet's cells read into the form's fields: codes, year-months, numbers, yes/no
and text, each refused with a reason the county can act on (an ID number Excel stored as
a number has lost digits)."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.codes import (
    CodeEnum,
    Education,
    EmployerNature,
    EnrolmentType,
    Ethnicity,
    Gender,
    IdentityCategory,
    MajorRelation,
    PoliticalStatus,
    RegistrationType,
)
from app.domain.yearmonth import YearMonth
from app.services.excel_export import EXTRA_COLUMN
from app.services.excel_import_sheet import (
    EXTRA_JSON_COLUMN,
    EXTRA_PREFIX,
    IGNORED_COLUMN,
    SEQ_COLUMN,
    SheetData,
    is_blank,
    text_of,
)
from app.services.exchange import clean_text

_CODE_FIELDS: dict[str, type[CodeEnum]] = {
    "registration_type": RegistrationType, "enrolment_type": EnrolmentType, "gender": Gender,
    "ethnicity": Ethnicity, "political_status": PoliticalStatus,
    "identity_category": IdentityCategory, "education": Education,
    "major_relation": MajorRelation, "employer_nature": EmployerNature,
}
_YM_FIELDS = frozenset({"birth_ym", "graduation", "cert_date", "training_end"})
_INT_FIELDS = frozenset({"credit_work_years", "professional_years", "score_knowledge",
                         "score_skill", "score_overall"})
_BOOL_FIELDS = frozenset({"party_or_military_school"})
_LOST_DIGITS_FIELDS = frozenset({"id_number", "employer_credit_code"})
"""18 characters: as an Excel number they lose digits, so a number there is refused."""
TEXT_CELL_FIELDS = frozenset({"id_number", "employer_credit_code", "mobile", "phone",
                              "postal_code"})
_SCI = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)


class _CellError(ValueError):
    pass


def _excel_number(v: float) -> str:
    """How Excel shows a big number: 3.20602199001011E+17 (15 significant digits)."""
    mantissa, exp = f"{v:.14E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E+{int(exp)}" if int(exp) >= 0 else f"{mantissa}E{int(exp)}"


def _lost_digits(label: str, v: object) -> str | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and not math.isfinite(v):  # 1e400 in a cell reads as inf
        return f"{label}是一个异常的数字（{v}）：请把该列设为文本后重新填写"
    if isinstance(v, int | float):
        shown = _excel_number(float(v)) if abs(v) >= 1e11 else text_of(v)
        digits = len(str(int(v))) if float(v).is_integer() else 0
        if isinstance(v, int) and digits == 18:
            return (f"{label}被存成了数字（{v}）：Excel 只保留 15 位有效数字，"
                    "这样的号码随时会被改坏。请把该列设为文本后重新填写")
        return f"{label}被 Excel 存成了数字（{shown}），后几位已丢失：请把该列设为文本后重新填写"
    if isinstance(v, str) and _SCI.match(unicodedata.normalize("NFKC", v).strip()):
        return (f"{label}被 Excel 存成了数字（{v.strip()}），后几位已丢失："
                "请把该列设为文本后重新填写")
    return None


_CODE_CACHE: dict[tuple[type[CodeEnum], object], CodeEnum | None] = {}


def _parse_code(cls: type[CodeEnum], v: object) -> CodeEnum:
    key = (cls, v)
    try:  # a sheet says 男, 女 and 大学本科 thousands of times
        parsed = _CODE_CACHE[key]
    except (KeyError, TypeError):
        parsed = cls.parse(v)
        if len(_CODE_CACHE) < 10_000 and isinstance(v, str | int | float):
            _CODE_CACHE[key] = parsed
    if parsed is None:
        choices = "、".join(m.display for m in cls)
        raise _CellError(f"「{text_of(v)}」看不懂：请填写 {choices}")
    return parsed


def _parse_ym(v: object, today: date) -> YearMonth:
    if isinstance(v, datetime | date):
        return YearMonth(v.year, v.month)
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
        n = int(v)
        text = f"{n:04d}" if 0 <= n < 10000 else str(n)
    else:
        text = unicodedata.normalize("NFKC", text_of(v))
    try:
        return YearMonth.parse(text, today)
    except ValueError as e:
        raise _CellError(f"「{text_of(v)}」：{e}") from None


def _parse_int(v: object) -> int:
    if isinstance(v, bool):
        raise _CellError(f"「{text_of(v)}」应为整数")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    s = unicodedata.normalize("NFKC", text_of(v)).removesuffix("年").strip()
    try:
        return int(s)
    except ValueError:
        raise _CellError(f"「{text_of(v)}」应为整数") from None


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无", "不"}


def _parse_bool(v: object) -> bool:
    if isinstance(v, bool):
        return v
    s = unicodedata.normalize("NFKC", text_of(v)).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise _CellError(f"「{text_of(v)}」应填 是 或 否")


def _parse_text(name: str, v: object) -> str:
    if name in _LOST_DIGITS_FIELDS and (type(v) is not str or "e" in v or "E" in v):
        lost = _lost_digits(FIELD_LABELS[name], v)
        if lost:
            raise _CellError(lost)
    s = text_of(v)
    if name == "name":  # normalize_name keeps compatibility ideographs as written
        return s
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    if "  " in s or "\t" in s:
        s = re.sub(r"[ \t]+", " ", s)
    return s.strip()


@dataclass
class ConvertedRow:
    """One data row read into the form's fields, with what could not be read."""

    data: ApplicantData
    provided: set[str]  # fields the row fills (blank cells are not "provided")
    errors: list[str]
    bad: set[str]  # fields whose cell could not be read (already in errors)


CellParser = Callable[[object], object]


def column_plan(sheet: SheetData, today: date) -> list[tuple[int, str, CellParser | None]]:
    """For each column that is imported: its index, its key, and how to read its cells
    (None for the columns kept in `extra`)."""
    plan: list[tuple[int, str, CellParser | None]] = []
    for col, key in sorted(sheet.columns.items()):
        parser: CellParser | None
        if key in (SEQ_COLUMN, IGNORED_COLUMN):
            continue
        if key.startswith(EXTRA_PREFIX) or key == EXTRA_JSON_COLUMN:
            parser = None
        elif key in _CODE_FIELDS:
            parser = partial(_parse_code, _CODE_FIELDS[key])
        elif key in _YM_FIELDS:
            parser = partial(_parse_ym, today=today)
        elif key in _INT_FIELDS:
            parser = _parse_int
        elif key in _BOOL_FIELDS:
            parser = _parse_bool
        else:
            parser = partial(_parse_text, key)
        plan.append((col, key, parser))
    return plan


def convert_row(plan: Sequence[tuple[int, str, CellParser | None]], values: Sequence[object]
                ) -> ConvertedRow:
    """One row's cells read by `plan` (from column_plan)."""
    d = ApplicantData()
    provided: set[str] = set()
    errors: list[str] = []
    bad: set[str] = set()
    extra: dict[str, str] = {}
    n = len(values)
    for col, key, parser in plan:
        v = values[col] if col < n else None
        if v is None or (type(v) is str and not v.strip() and is_blank(v)):
            continue
        if parser is None:
            _put_extra(extra, key, v)
            continue
        try:
            value = parser(v)
        except _CellError as e:
            errors.append(f"{FIELD_LABELS[key]}：{e}")
            bad.add(key)
            continue
        setattr(d, key, value)
        provided.add(key)
    d.extra = extra
    return ConvertedRow(d, provided, errors, bad)


def _put_extra(extra: dict[str, str], key: str, v: object) -> None:
    if key != EXTRA_JSON_COLUMN:
        extra[key[len(EXTRA_PREFIX):]] = clean_text(text_of(v))
        return
    try:
        loaded = json.loads(text_of(v))
    except ValueError:
        loaded = None
    if isinstance(loaded, dict):
        extra.update({str(k): str(x) for k, x in loaded.items()})
    else:
        extra[EXTRA_COLUMN] = text_of(v)


def same_import(a: ConvertedRow, b: ConvertedRow) -> bool:
    """Whether two rows with one ID number say the same (a row pasted twice)."""
    fields = a.provided | b.provided
    return all(getattr(a.data, f) == getattr(b.data, f) for f in fields) and \
        a.data.extra == b.data.extra

