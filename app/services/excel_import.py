"""Importing a county's 附件5 sheet, or ClassDesk's own full-data export: read the file,
preview what would change, then write what the person chose in one transaction.

    file = read_workbook(path, point="如皋市")          # the file only, no database
    preview = preview_import(svc, file)                # new / existing / errors / duplicates
    result = apply_import(svc, preview, default="skip")  # all chosen rows, or none
    save_error_rows(preview, out)                      # the refused rows, to send back

Each step takes `progress(done, total)` and `cancel()` so a page can run it off the UI
thread. Files from outside are untrusted: excel_guard checks them before openpyxl opens
them, and the reading stops at a row limit.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.xml
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

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
from app.domain.problems import Problem
from app.domain.validation import validate_applicant
from app.domain.yearmonth import YearMonth
from app.services.applicants import ApplicantService, normalized
from app.services.campaign import CampaignInfo
from app.services.errors import ServiceError
from app.services.excel_export import AUDIT_HEADERS, EXTRA_COLUMN, POINT_LINE_LABEL
from app.services.excel_guard import DEFAULT_LIMITS, Limits, UnsafeFileError, check_xlsx
from app.services.exchange import (
    FORMULA_START,
    AtomicFiles,
    CancelFlag,
    Progress,
    Steps,
    clean_text,
    display_width,
    in_bulk,
)
from app.services.records import ApplicantRecord

MAX_DATA_ROWS = 20_000
"""A county sends a few dozen rows, the whole class a few hundred: more is a wrong file."""
MAX_SCANNED_ROWS = DEFAULT_LIMITS.sheet_rows
"""Rows looked at in all (blank ones included) before the file is refused."""
MAX_COLUMNS = 100
HEADER_SCAN_ROWS = 20
MAX_SHEETS = 50
REASON_HEADER = "原因"
ROW_HEADER = "原表行号"


class RowKind(StrEnum):
    NEW = "new"
    EXISTING = "existing"  # same ID number in the database, with differences
    UNCHANGED = "unchanged"  # same ID number, nothing different: nothing to do
    ERROR = "error"  # refused, with reasons
    DUPLICATE = "duplicate"  # the same row again in the file: ignored

    @property
    def label(self) -> str:
        return {
            RowKind.NEW: "新增", RowKind.EXISTING: "已有·有变化", RowKind.UNCHANGED: "已有·无变化",
            RowKind.ERROR: "有错误", RowKind.DUPLICATE: "重复行",
        }[self]


# ---------------------------------------------------------------- columns
# Column keys besides ApplicantData field names.
_SEQ = "#seq"  # 序号: numbering only
_IGNORE = "#ignore"  # ClassDesk's own bookkeeping columns (状态, 创建人 …): not imported
_EXTRA_JSON = "#extra"  # the full export's 其他信息
_EXTRA = "extra:"  # prefix: a column we do not know, kept in ApplicantData.extra

_CODE_FIELDS: dict[str, type[CodeEnum]] = {
    "registration_type": RegistrationType, "enrolment_type": EnrolmentType, "gender": Gender,
    "ethnicity": Ethnicity, "political_status": PoliticalStatus,
    "identity_category": IdentityCategory, "education": Education,
    "major_relation": MajorRelation, "employer_nature": EmployerNature,
}
_YM_FIELDS = frozenset({"birth_ym", "graduation", "cert_date", "training_end"})
_INT_FIELDS = frozenset({"credit_work_years", "professional_years", "score_knowledge",
                         "score_skill", "score_overall"})
_BOOL_FIELDS = frozenset({"sits_exam", "party_or_military_school"})
_NUMBER_TEXT_FIELDS = frozenset({"mobile", "phone", "postal_code"})
"""Numbers people keep as numbers harmlessly (11 digits fit Excel's 15)."""
_LOST_DIGITS_FIELDS = frozenset({"id_number", "employer_credit_code"})
"""18 characters: as an Excel number they lose digits, so a number there is refused."""
_TEXT_FIELDS = frozenset(
    f for f in ApplicantData.field_names()
    if f not in _CODE_FIELDS and f not in _YM_FIELDS and f not in _INT_FIELDS
    and f not in _BOOL_FIELDS and f != "serial_no"
)
TEXT_CELL_FIELDS = frozenset({"id_number", "employer_credit_code", "mobile", "phone",
                              "postal_code"})

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "学员姓名", "名字"),
    "gender": ("性别",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证件号码", "证件号码", "身份证",
                  "身份证件号"),
    "education": ("学历", "最高学历", "文化程度"),
    "mobile": ("手机号码", "手机", "手机号", "移动电话"),
    "phone": ("联系电话", "固定电话", "办公电话", "座机"),
    "employer": ("单位", "工作单位", "单位名称", "工作单位名称", "所在单位", "工作单位全称"),
    "employer_credit_code": ("企业或单位统一社会信用代码", "统一社会信用代码", "信用代码",
                             "单位统一社会信用代码", "社会信用代码", "单位信用代码"),
    "registration_point": ("报名点", "县(市、区)、部门名称", "县(市、区)、部门", "县区、部门",
                           "所属县区", "县区/部门", "所属报名点"),
    "birth_ym": ("年月", "出生年月"),
    "email": ("电子邮箱", "邮箱", "email", "e-mail", "电子邮件"),
    "postal_code": ("邮政编码", "邮编"),
    "address": ("通讯地址", "地址", "联系地址"),
    "school": ("毕业学校", "毕业院校"),
    "note": ("备注",),
}
# When a sheet has no mobile column, its "联系电话" is the mobile (附件5 asks for 手机号码;
# counties often head it 联系电话).
_MOBILE_FALLBACK = ("联系电话", "联系方式", "电话", "电话号码")
_IGNORED_HEADERS = ("报名序号", *AUDIT_HEADERS, ROW_HEADER, REASON_HEADER, "问题", "照片",
                    "错误", "提醒")


def _norm_header(value: object) -> str:
    s = unicodedata.normalize("NFKC", str(value))
    s = re.sub(r"\s+", "", s).replace("*", "")
    s = re.sub(r"\((必填|选填|必须填写|可不填)\)$", "", s)
    return s.rstrip(":").lower()


def _build_header_map() -> dict[str, str]:
    m: dict[str, str] = {}
    for f in ApplicantData.field_names():
        if f != "serial_no":
            m.setdefault(_norm_header(FIELD_LABELS[f]), f)
    for f, names in _SYNONYMS.items():
        for n in names:
            m.setdefault(_norm_header(n), f)
    m[_norm_header("序号")] = _SEQ
    for h in _IGNORED_HEADERS:
        m[_norm_header(h)] = _IGNORE
    m[_norm_header(EXTRA_COLUMN)] = _EXTRA_JSON
    return m


_HEADER_MAP = _build_header_map()
_MOBILE_FALLBACK_NORM = frozenset(_norm_header(h) for h in _MOBILE_FALLBACK)
_POINT_LINE = re.compile(
    r"县\s*\(\s*市\s*[、,]?\s*区\s*\)\s*[、,]?\s*(?:部门|单位)(?:名称)?\s*[:：]?\s*(.*)$")
_MERGE_CELL = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7}:[A-Za-z]{1,3}\d{1,7})"')
_SCI = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)
_ZERO_WIDTH = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


# ---------------------------------------------------------------- read the file
@dataclass
class SheetData:
    """One worksheet as found: where its header is, what each column means, its rows."""

    title: str
    header_row: int
    headers: tuple[str, ...]  # the header texts as written
    columns: dict[int, str]  # column index (0-based) → field name or special key
    point_line: str  # the text after 县（市、区）、部门名称：, "" if there is none
    rows: list[tuple[int, tuple[object, ...]]] = field(default_factory=list)
    blank_rows: int = 0

    def column_of(self, key: str) -> int | None:
        for col, k in self.columns.items():
            if k == key:
                return col
        return None


@dataclass
class ImportFile:
    """What read_workbook found in a file; nothing is checked against the database yet."""

    path: Path
    point: str | None  # the --point given by the person (used when the sheet names none)
    sheets: list[SheetData]
    notes: list[str]

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def _text_of(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return (v if v.isascii() else v.translate(_ZERO_WIDTH)).strip()
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(" ")
    return str(v)


def _blank(v: object) -> bool:
    if v is None:
        return True
    if type(v) is str:
        return not v.strip() and not v.translate(_ZERO_WIDTH).strip()
    return False


def _header_columns(values: Sequence[object]) -> dict[int, str] | None:
    """The columns' meaning if `values` is the header row (it names 姓名 and 身份证号)."""
    keys: dict[int, str] = {}
    for col, v in enumerate(values):
        if _blank(v):
            continue
        key = _HEADER_MAP.get(_norm_header(v))
        if key is None:
            keys[col] = _EXTRA + _text_of(v)
        elif key in keys.values() and key not in (_IGNORE, _SEQ):
            keys[col] = _EXTRA + _text_of(v)  # a second column for the same field
        else:
            keys[col] = key
    found = set(keys.values())
    if "name" not in found or "id_number" not in found:
        return None
    if "mobile" not in found:
        for col, key in sorted(keys.items()):
            if ((key == "phone" or key.startswith(_EXTRA))
                    and _norm_header(values[col]) in _MOBILE_FALLBACK_NORM):
                keys[col] = "mobile"
                break
    return keys


def _point_line(rows: Sequence[Sequence[object]]) -> str:
    for values in rows:
        for i, v in enumerate(values):
            if not isinstance(v, str):
                continue
            m = _POINT_LINE.search(unicodedata.normalize("NFKC", v))
            if m is None:
                continue
            rest = m.group(1).strip()
            if not rest:  # the name in the next cell(s)
                rest = next((_text_of(x) for x in values[i + 1:] if not _blank(x)), "")
            return rest.strip(" _")
    return ""


def _merged_fills(wb: Any, ws: Any, header_row: int) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) → (row, col) of the value shown there, for cells merged down a column
    below the header (a county merges 单位 over the rows of the same employer).

    Read-only openpyxl does not report merged cells, so their list (at the end of the
    sheet's XML) is read with a plain scan; the part's size is bounded by excel_guard.
    """
    archive = getattr(wb, "_archive", None)
    part = getattr(ws, "_worksheet_path", None)
    if archive is None or part is None:  # pragma: no cover - another openpyxl
        return {}
    refs: set[bytes] = set()
    tail = b""
    with archive.open(part.lstrip("/")) as f:
        while chunk := f.read(1 << 20):
            buf = tail + chunk
            refs.update(_MERGE_CELL.findall(buf))
            tail = buf[-512:]
            if len(refs) > 50_000:
                break
    fills: dict[tuple[int, int], tuple[int, int]] = {}
    for ref in refs:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
        except (ValueError, TypeError):
            continue
        if min_col != max_col or min_row <= header_row or min_col > MAX_COLUMNS:
            continue
        if len(fills) + max_row - min_row > MAX_SCANNED_ROWS:  # no file needs more
            break
        for r in range(min_row + 1, max_row + 1):
            fills[(r, min_col - 1)] = (min_row, min_col - 1)
    return fills


class _Budget:
    def __init__(self, max_rows: int, progress: Progress | None, cancel: CancelFlag | None
                 ) -> None:
        self.max_rows = max_rows
        self.data_rows = 0
        self.scanned = 0
        self.steps = Steps(0, progress, cancel, every=500)

    def scan(self) -> None:
        self.scanned += 1
        self.steps.step()
        if self.scanned > MAX_SCANNED_ROWS:
            raise ServiceError(
                f"表格行数过多：已读了 {MAX_SCANNED_ROWS} 行（含空行）还没有读完。"
                f"一次最多导入 {self.max_rows} 行：请删去多余的空行，或分成几个文件。")

    def data(self) -> None:
        self.data_rows += 1
        if self.data_rows > self.max_rows:
            raise ServiceError(
                f"表格行数过多：超过 {self.max_rows} 行。县区报名汇总表通常只有几十行："
                "请确认选对了文件，或分成几个文件导入。")


def _read_sheet(wb: Any, ws: Any, budget: _Budget) -> SheetData | None:
    ws.reset_dimensions()  # a file's declared size is not trusted
    before: list[tuple[object, ...]] = []
    sheet: SheetData | None = None
    top = ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS,
                       values_only=True)
    for row_no, values in enumerate(top, start=1):
        budget.scan()
        columns = _header_columns(values)
        if columns is None:
            before.append(values)
            continue
        width = max(columns) + 1
        sheet = SheetData(
            title=str(ws.title), header_row=row_no,
            headers=tuple(_text_of(v) for v in values[:width]),
            columns=columns, point_line=_point_line(before))
        header_texts = {v for v in values[:width] if isinstance(v, str)}
        break
    if sheet is None:
        return None
    fills = _merged_fills(wb, ws, sheet.header_row)
    sources = set(fills.values())
    remembered: dict[tuple[int, int], object] = {}
    data_cols = [c for c, k in sheet.columns.items() if k not in (_SEQ, _IGNORE)]
    rest = ws.iter_rows(min_row=sheet.header_row + 1, max_col=width, values_only=True)
    for row_no, values in enumerate(rest, start=sheet.header_row + 1):
        budget.scan()
        # Blank is judged before merged cells are filled in: a merge reaching into the
        # empty rows below a list does not make them rows.
        content = [c for c in data_cols if not _blank(values[c])]
        if not content:
            sheet.blank_rows += 1
            continue
        row = values
        if fills:
            row = list(values)
            for col in range(width):
                if (row_no, col) in sources:
                    remembered[(row_no, col)] = row[col]
                src = fills.get((row_no, col))
                if src is not None and _blank(row[col]):
                    row[col] = remembered.get(src)
            row = tuple(row)
        repeats = sum(1 for c in content if type(row[c]) is str and row[c] in header_texts
                      and _HEADER_MAP.get(_norm_header(row[c])) == sheet.columns[c])
        if repeats >= 2:  # the header again (pasted sheets, or a two-row header)
            continue
        budget.data()
        sheet.rows.append((row_no, row))
    return sheet


@in_bulk
def read_workbook(
    path: Path,
    *,
    point: str | None = None,
    max_rows: int = MAX_DATA_ROWS,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ImportFile:
    """Read every visible sheet of `path` that has a header row naming 姓名 and 身份证号.

    The file is checked first (excel_guard): a file that is not .xlsx, a zip bomb, XML
    entity tricks or more than `max_rows` data rows raise ServiceError with a message for
    the person, within seconds and without reading the whole file.
    """
    if not getattr(openpyxl.xml, "DEFUSEDXML", False):  # pragma: no cover - install error
        raise ServiceError("缺少 defusedxml：为安全起见不导入外来的表格。请重新安装 ClassDesk。")
    path = Path(path)
    check_xlsx(path, limits)
    budget = _Budget(max_rows, progress, cancel)
    budget.steps.start()
    notes: list[str] = []
    sheets: list[SheetData] = []
    name = path.name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (ServiceError, KeyboardInterrupt):
        raise
    except Exception as e:
        raise _unreadable(name, e) from None
    try:
        worksheets = list(wb.worksheets)
        if len(worksheets) > MAX_SHEETS:
            notes.append(f"文件有 {len(worksheets)} 个工作表，只读了前 {MAX_SHEETS} 个。")
        for ws in worksheets[:MAX_SHEETS]:
            if getattr(ws, "sheet_state", "visible") != "visible":
                notes.append(f"工作表「{ws.title}」是隐藏的，没有读取。")
                continue
            sheet = _read_sheet(wb, ws, budget)
            if sheet is None:
                notes.append(f"工作表「{ws.title}」前 {HEADER_SCAN_ROWS} 行没有含“姓名”和"
                             "“身份证号”的表头，没有读取。")
            else:
                sheets.append(sheet)
    except (ServiceError, KeyboardInterrupt):
        raise
    except Exception as e:
        raise _unreadable(name, e) from None
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    if not sheets:
        raise ServiceError(
            f"「{name}」里没有找到表头：请确认表格有“姓名”和“身份证号”两列"
            f"（表头须在前 {HEADER_SCAN_ROWS} 行内）。")
    budget.steps.finish()
    return ImportFile(path=path, point=point.strip() if point else None, sheets=sheets,
                      notes=notes)


def _unreadable(name: str, e: Exception) -> ServiceError:
    kind = type(e).__name__
    if "Forbidden" in kind or "DefusedXml" in kind or "EntitiesForbidden" in kind:
        return UnsafeFileError(f"「{name}」含有 XML 实体定义，正常的 Excel 文件不会有：可能是"
                               "恶意文件，已拒绝导入。")
    if isinstance(e, zipfile.BadZipFile | ParseError | KeyError | EOFError):
        return UnsafeFileError(f"「{name}」已损坏或不完整，无法读取：请让对方重新发送。")
    return ServiceError(f"无法读取「{name}」（{kind}: {e}）：请在 Excel 或 WPS 中打开，"
                        "另存为 .xlsx 后再试。")


# ---------------------------------------------------------------- cells → fields
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
    if isinstance(v, int | float):
        shown = _excel_number(float(v)) if abs(v) >= 1e11 else _text_of(v)
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
        raise _CellError(f"「{_text_of(v)}」看不懂：请填写 {choices}")
    return parsed


def _parse_ym(v: object, today: date) -> YearMonth:
    if isinstance(v, datetime | date):
        return YearMonth(v.year, v.month)
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
        n = int(v)
        text = f"{n:04d}" if 0 <= n < 10000 else str(n)
    else:
        text = unicodedata.normalize("NFKC", _text_of(v))
    try:
        return YearMonth.parse(text, today)
    except ValueError as e:
        raise _CellError(f"「{_text_of(v)}」：{e}") from None


def _parse_int(v: object) -> int:
    if isinstance(v, bool):
        raise _CellError(f"「{_text_of(v)}」应为整数")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    s = unicodedata.normalize("NFKC", _text_of(v)).removesuffix("年").strip()
    try:
        return int(s)
    except ValueError:
        raise _CellError(f"「{_text_of(v)}」应为整数") from None


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无", "不"}


def _parse_bool(v: object) -> bool:
    if isinstance(v, bool):
        return v
    s = unicodedata.normalize("NFKC", _text_of(v)).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise _CellError(f"「{_text_of(v)}」应填 是 或 否")


def _parse_text(name: str, v: object) -> str:
    if name in _LOST_DIGITS_FIELDS and (type(v) is not str or "e" in v or "E" in v):
        lost = _lost_digits(FIELD_LABELS[name], v)
        if lost:
            raise _CellError(lost)
    s = _text_of(v)
    if name == "name":  # normalize_name keeps compatibility ideographs as written
        return s
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    if "  " in s or "\t" in s:
        s = re.sub(r"[ \t]+", " ", s)
    return s.strip()


@dataclass
class _Row:
    data: ApplicantData
    provided: set[str]  # fields the row fills (blank cells are not "provided")
    errors: list[str]
    bad: set[str]  # fields whose cell could not be read (already in errors)


_Parser = Callable[[object], object]


def _plan(sheet: SheetData, today: date) -> list[tuple[int, str, _Parser | None]]:
    """For each column that is imported: its index, its key, and how to read its cells
    (None for the columns kept in `extra`)."""
    plan: list[tuple[int, str, _Parser | None]] = []
    for col, key in sorted(sheet.columns.items()):
        parser: _Parser | None
        if key in (_SEQ, _IGNORE):
            continue
        if key.startswith(_EXTRA) or key == _EXTRA_JSON:
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


def _convert(plan: Sequence[tuple[int, str, _Parser | None]], values: Sequence[object]) -> _Row:
    d = ApplicantData()
    provided: set[str] = set()
    errors: list[str] = []
    bad: set[str] = set()
    extra: dict[str, str] = {}
    n = len(values)
    for col, key, parser in plan:
        v = values[col] if col < n else None
        if v is None or (type(v) is str and not v.strip() and _blank(v)):
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
    return _Row(d, provided, errors, bad)


def _put_extra(extra: dict[str, str], key: str, v: object) -> None:
    if key != _EXTRA_JSON:
        extra[key[len(_EXTRA):]] = clean_text(_text_of(v))
        return
    try:
        loaded = json.loads(_text_of(v))
    except ValueError:
        loaded = None
    if isinstance(loaded, dict):
        extra.update({str(k): str(x) for k, x in loaded.items()})
    else:
        extra[EXTRA_COLUMN] = _text_of(v)


# ---------------------------------------------------------------- preview
@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class PreviewRow:
    """One data row of the file and what importing it would do."""

    key: int  # stable index: the key for apply_import's `choices`
    sheet: str
    row: int  # the row number in the sheet, as Excel shows it
    kind: RowKind
    name: str
    id_number: str
    cells: tuple[object, ...]  # the row as it was in the file
    data: ApplicantData | None = None  # what would be saved (existing: merged with the record)
    existing_id: int | None = None
    existing_version: int | None = None
    existing_serial: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warning_problems: list[Problem] = field(default_factory=list)
    duplicate_of: int | None = None  # the row number it repeats

    @property
    def where(self) -> str:
        return f"「{self.sheet}」第 {self.row} 行"

    @property
    def warnings(self) -> list[str]:
        """提醒 (not errors): e.g. 民族 missing, which 附件5 does not ask for."""
        return [f"{FIELD_LABELS.get(p.field, p.field)}：{p.message}"
                for p in self.warning_problems]


@dataclass
class ImportPreview:
    file: ImportFile
    rows: list[PreviewRow]
    notes: list[str]

    def of_kind(self, kind: RowKind) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind is kind]

    @property
    def new(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.NEW)

    @property
    def existing(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.EXISTING)

    @property
    def unchanged(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.UNCHANGED)

    @property
    def errors(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.ERROR)

    @property
    def duplicates(self) -> list[PreviewRow]:
        return self.of_kind(RowKind.DUPLICATE)

    def counts(self) -> dict[RowKind, int]:
        out = dict.fromkeys(RowKind, 0)
        for r in self.rows:
            out[r.kind] += 1
        return out


def _point_names(campaign: CampaignInfo) -> set[str]:
    names = {p.name for p in campaign.points}
    for p in campaign.points:
        names.update(p.aliases)
    return names


def resolve_point(campaign: CampaignInfo, text: str) -> str | None:
    """The registration point a sheet means: its name or alias, or the one named inside a
    longer text (海安市发展和改革委员会 → 海安市). None when no point is named."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return None
    p = campaign.point_by_name(t)
    if p is not None:
        return p.name
    best: tuple[int, str] | None = None
    for p in campaign.points:
        for n in (p.name, *p.aliases):
            if n and n in t and (best is None or len(n) > best[0]):
                best = (len(n), p.name)
    return best[1] if best else None


def _show(v: object) -> str:
    if v is None or v == "":
        return "（空）"
    if isinstance(v, CodeEnum):
        return v.display
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _reasons(problems: Sequence[Problem], only: set[str] | None, bad: set[str]
             ) -> tuple[list[str], list[Problem]]:
    """Errors as "字段：消息" texts, and the warnings; only those of the fields in `only`
    (when given), never again for a cell already reported as unreadable."""
    errors: list[str] = []
    warnings: list[Problem] = []
    for p in problems:
        if (only is not None and p.field not in only) or p.field in bad:
            continue
        if p.is_error:
            errors.append(f"{FIELD_LABELS.get(p.field, p.field)}：{p.message}")
        else:
            warnings.append(p)
    return errors, warnings


def _lost_zero_hint(id_number: str) -> str | None:
    if len(id_number) == 18 and id_number.isdigit() and id_number.endswith("000"):
        return "身份证号末尾是 000：可能曾被 Excel 存成数字，后几位已丢失。请按身份证重新填写"
    return None


@in_bulk
def preview_import(
    svc: ApplicantService,
    file: ImportFile,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ImportPreview:
    """Check every row with the form's rules and compare it with the database.

    A row whose ID number is registered is "existing": only the columns the sheet has
    (and fills) are compared and would be written; blank cells never erase what the
    record holds. Rows with errors are refused with their reasons; a row repeating an
    earlier one with the same ID number is ignored when identical, and both are refused
    when they differ.
    """
    today = svc.today()
    campaign = svc.campaign
    names = _point_names(campaign)
    notes = list(file.notes)
    fallback = resolve_point(campaign, file.point) if file.point else None
    if file.point and fallback is None:
        fallback = file.point  # validation names it as not on the list
    total = file.row_count
    steps = Steps(total * 2, progress, cancel, every=500)
    steps.start()

    converted: list[tuple[SheetData, int, tuple[object, ...], _Row]] = []
    for sheet in file.sheets:
        line_point = resolve_point(campaign, sheet.point_line) if sheet.point_line else None
        has_column = sheet.column_of("registration_point") is not None
        if sheet.point_line and line_point is None and fallback is None and not has_column:
            notes.append(f"工作表「{sheet.title}」写的“{POINT_LINE_LABEL}{sheet.point_line}”"
                         "不是本期的报名点：请用 --point 指定报名点。")
        if line_point and fallback and line_point != fallback:
            notes.append(f"工作表「{sheet.title}」写明报名点是「{line_point}」，与指定的"
                         f"「{fallback}」不同：按表中写的「{line_point}」导入。")
        sheet_point = line_point or fallback or (sheet.point_line or None)
        plan = _plan(sheet, today)
        for row_no, cells in sheet.rows:
            r = _convert(plan, cells)
            if "registration_point" in r.provided and r.data.registration_point:
                own = resolve_point(campaign, r.data.registration_point)
                if own:
                    r.data.registration_point = own
            elif sheet_point:
                r.data.registration_point = sheet_point
                r.provided.add("registration_point")
            r.data = normalized(r.data, today)
            converted.append((sheet, row_no, cells, r))
            steps.step()

    ids = [r.data.id_number for *_, r in converted if r.data.id_number]
    existing: dict[str, ApplicantRecord] = {
        rec.data.id_number: rec for rec in svc.records(id_numbers=ids)} if ids else {}

    rows: list[PreviewRow] = []
    first_by_id: dict[str, PreviewRow] = {}
    for key, (sheet, row_no, cells, r) in enumerate(converted):
        d = r.data
        pr = PreviewRow(key=key, sheet=sheet.title, row=row_no, kind=RowKind.NEW,
                        name=d.name, id_number=d.id_number, cells=cells)
        rows.append(pr)
        steps.step()
        pr.reasons.extend(r.errors)
        if "id_number" in r.bad:
            pr.kind = RowKind.ERROR
            continue
        earlier = first_by_id.get(d.id_number) if d.id_number else None
        if earlier is not None:
            same = earlier.data is not None and _same_import(converted[earlier.key][3], r)
            pr.duplicate_of = earlier.row
            if same:
                pr.kind = RowKind.DUPLICATE
                pr.reasons.append(f"与{earlier.where}完全相同：已忽略")
            else:
                pr.kind = RowKind.ERROR
                pr.reasons.append(f"与{earlier.where}身份证号相同但内容不同：请核对保留哪一行")
                if earlier.kind is not RowKind.ERROR:
                    earlier.kind = RowKind.ERROR
                    earlier.reasons.append(f"与{pr.where}身份证号相同但内容不同：请核对保留哪一行")
            continue
        if d.id_number:
            first_by_id[d.id_number] = pr
        rec = existing.get(d.id_number)
        if rec is None:
            problems = validate_applicant(d, today, points=names)
            errors, warnings = _reasons(problems, None, r.bad)
            hint = _lost_zero_hint(d.id_number)
            if hint and any(e.startswith(FIELD_LABELS["id_number"]) for e in errors):
                errors.append(hint)
            pr.reasons.extend(errors)
            pr.warning_problems = warnings
            pr.data = d
            pr.kind = RowKind.ERROR if pr.reasons else RowKind.NEW
            continue
        merged = replace(rec.data, extra=dict(rec.data.extra))
        for f in r.provided:
            setattr(merged, f, getattr(d, f))
        merged.extra.update(d.extra)
        merged = normalized(merged, today)
        pr.existing_id, pr.existing_version = rec.id, rec.version
        pr.existing_serial = rec.serial_no
        pr.data = merged
        problems = validate_applicant(merged, today, points=names)
        errors, warnings = _reasons(problems, r.provided | r.bad, r.bad)
        pr.reasons.extend(errors)
        pr.warning_problems = warnings
        before = rec.data
        pr.changes = [
            FieldChange(f, FIELD_LABELS.get(f, f), _show(getattr(before, f)),
                        _show(getattr(merged, f)))
            for f in ApplicantData.field_names()
            if f != "serial_no" and getattr(before, f) != getattr(merged, f)
        ]
        if before.extra != merged.extra:
            pr.changes.append(FieldChange("extra", EXTRA_COLUMN, _show(before.extra),
                                          _show(merged.extra)))
        if pr.reasons:
            pr.kind = RowKind.ERROR
        else:
            pr.kind = RowKind.EXISTING if pr.changes else RowKind.UNCHANGED
    steps.finish()
    return ImportPreview(file=file, rows=rows, notes=notes)


def _same_import(a: _Row, b: _Row) -> bool:
    fields = a.provided | b.provided
    return all(getattr(a.data, f) == getattr(b.data, f) for f in fields) and \
        a.data.extra == b.data.extra


# ---------------------------------------------------------------- apply
Choice = Literal["update", "skip"]


@dataclass(frozen=True)
class ImportResult:
    created: tuple[int, ...]  # applicant ids
    updated: tuple[int, ...]
    skipped: int  # existing rows with differences that were not chosen for update
    unchanged: int
    refused: int
    duplicates: int


class ImportFailed(ServiceError):
    """Nothing was written: one of the chosen rows could not be saved."""


@in_bulk
def apply_import(
    svc: ApplicantService,
    preview: ImportPreview,
    *,
    choices: Mapping[int, Choice] | None = None,
    default: Choice = "skip",
    note: str | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ImportResult:
    """Write the new rows and the existing ones chosen for update, in ONE transaction.

    `choices` maps PreviewRow.key to "update" or "skip" (a new row can be skipped too);
    existing rows not in it follow `default`. If any chosen row fails — another desk
    changed that record since the preview, or registered that ID number meanwhile —
    nothing at all is written and ImportFailed says why.
    """
    if default not in ("update", "skip"):
        raise ValueError(f"default must be 'update' or 'skip', not {default!r}")
    chosen = dict(choices or {})
    creates: list[ApplicantData] = []
    updates: list[tuple[int, int, ApplicantData]] = []
    skipped = 0
    for r in preview.rows:
        if r.kind is RowKind.NEW and r.data is not None:
            if chosen.get(r.key, "update") != "skip":
                creates.append(r.data)
        elif r.kind is RowKind.EXISTING and r.data is not None:
            if chosen.get(r.key, default) == "update":
                assert r.existing_id is not None and r.existing_version is not None
                updates.append((r.existing_id, r.existing_version, r.data))
            else:
                skipped += 1
    steps = Steps(len(creates) + len(updates), progress, cancel)
    steps.start()
    counts = preview.counts()
    created: list[int] = []
    changed: list[int] = []
    if creates or updates:
        steps.check()
        try:
            created, changed = svc.save_batch(
                creates, updates, note if note is not None else f"导入 {preview.file.path.name}")
        except ServiceError as e:
            raise ImportFailed(f"导入没有写入任何内容：{e.message}\n请重新读取文件、核对后再导入。"
                               ) from e
    steps.finish()
    return ImportResult(
        created=tuple(created), updated=tuple(changed), skipped=skipped,
        unchanged=counts[RowKind.UNCHANGED], refused=counts[RowKind.ERROR],
        duplicates=counts[RowKind.DUPLICATE],
    )


def import_file(svc: ApplicantService, path: Path, *, point: str | None = None,
                progress: Progress | None = None, cancel: CancelFlag | None = None
                ) -> ImportPreview:
    """read_workbook + preview_import: what a page or the CLI shows before writing."""
    return preview_import(svc, read_workbook(path, point=point, progress=progress,
                                             cancel=cancel), progress=progress, cancel=cancel)


# ---------------------------------------------------------------- rows to send back
def save_error_rows(preview: ImportPreview, out: Path) -> Path:
    """The refused rows with their original columns and a 原因 column, as an .xlsx to send
    back to the county: fix the rows, and the same file can be imported again."""
    bad = preview.errors
    if not bad:
        raise ServiceError("没有出错的行：不需要生成退回表。")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    wb = Workbook()
    wb.remove(wb.active)
    by_sheet = {s.title: s for s in preview.file.sheets}
    for title in dict.fromkeys(r.sheet for r in bad):
        sheet = by_sheet[title]
        ws = wb.create_sheet(title=title[:31])
        ws.append([f"以下各行未能导入（来自「{preview.file.path.name}」），请按“原因”修改后重新发送。"])
        if sheet.point_line:
            ws.append([POINT_LINE_LABEL + sheet.point_line])
        header = [*sheet.headers, ROW_HEADER, REASON_HEADER]
        ws.append(header)
        header_row = ws.max_row
        text_cols = {c for c, k in sheet.columns.items() if k in TEXT_CELL_FIELDS}
        widths = [display_width(h) for h in header]
        for r in (x for x in bad if x.sheet == title):
            cells = list(r.cells[:len(sheet.headers)])
            cells += [None] * (len(sheet.headers) - len(cells))
            values = [*cells, r.row, "；".join(r.reasons)]
            row_no = ws.max_row + 1
            for col, v in enumerate(values):
                cell = ws.cell(row=row_no, column=col + 1)
                _put(cell, v, text=col in text_cols)
                widths[col] = max(widths[col], display_width(_text_of(v)))
        for col in text_cols:  # a retyped number in these columns stays text
            for row in range(header_row + 1, ws.max_row + 1):
                ws.cell(row=row, column=col + 1).number_format = "@"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(w + 2, 60)
        ws.freeze_panes = f"A{header_row + 1}"
    with AtomicFiles() as files:
        temp = files.temp_for(out)
        try:
            wb.save(temp)
        except OSError as e:
            raise ServiceError(f"写文件「{out}」失败（{e.strerror}）：请检查磁盘空间和权限。"
                               ) from e
    return out


def _put(cell: Any, v: object, *, text: bool) -> None:
    if isinstance(v, str):
        v = clean_text(v)
        cell.value = v
        cell.data_type = "s"  # never a formula, whatever it starts with
        if v.startswith(FORMULA_START):
            cell.quotePrefix = True
    elif v is None or isinstance(v, int | float | bool | datetime | date):
        cell.value = v
    else:
        cell.value = str(v)
    if text:
        cell.number_format = "@"
