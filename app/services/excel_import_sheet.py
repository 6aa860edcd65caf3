"""Reading a county's sheet (or ClassDesk's own full export): the header row found by the
columns it names, the 县（市、区）、部门名称 line above it, cells merged down a column, and
the limits that refuse a wrong or hostile file. Nothing is checked against the database.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
from openpyxl.utils.cell import range_boundaries

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.services.errors import ServiceError
from app.services.excel_export import AUDIT_HEADERS, EXTRA_COLUMN
from app.services.excel_guard import (
    DEFAULT_LIMITS,
    Deadline,
    Limits,
    check_xlsx,
    unreadable_workbook,
)
from app.services.exchange import CancelFlag, Progress, Steps, in_bulk

MAX_DATA_ROWS = 20_000
"""A county sends a few dozen rows, the whole class a few hundred: more is a wrong file."""
MAX_SCANNED_ROWS = DEFAULT_LIMITS.sheet_rows
"""Rows looked at in all (blank ones included) before the file is refused."""
MAX_COLUMNS = 100
HEADER_SCAN_ROWS = 20
MAX_SHEETS = 50
REASON_HEADER = "原因"
ROW_HEADER = "原表行号"


# ---------------------------------------------------------------- columns
# Column keys besides ApplicantData field names.
SEQ_COLUMN = "#seq"  # 序号: numbering only
IGNORED_COLUMN = "#ignore"  # ClassDesk's own bookkeeping columns (状态, 创建人 …): not imported
EXTRA_JSON_COLUMN = "#extra"  # the full export's 其他信息
EXTRA_PREFIX = "extra:"  # prefix: a column we do not know, kept in ApplicantData.extra

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
# 参加考试: a column of older full exports; the enrolment type (学员类别) says it now.
_IGNORED_HEADERS = ("报名序号", *AUDIT_HEADERS, ROW_HEADER, REASON_HEADER, "问题", "照片",
                    "错误", "提醒", "参加考试")


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
    m[_norm_header("序号")] = SEQ_COLUMN
    for h in _IGNORED_HEADERS:
        m[_norm_header(h)] = IGNORED_COLUMN
    m[_norm_header(EXTRA_COLUMN)] = EXTRA_JSON_COLUMN
    return m


_HEADER_MAP = _build_header_map()
_MOBILE_FALLBACK_NORM = frozenset(_norm_header(h) for h in _MOBILE_FALLBACK)
_POINT_LINE = re.compile(
    r"县\s*\(\s*市\s*[、,]?\s*区\s*\)\s*[、,]?\s*(?:部门|单位)(?:名称)?\s*[:：]?\s*(.*)$")
_MERGE_CELL = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7}:[A-Za-z]{1,3}\d{1,7})"')
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


def text_of(v: object) -> str:
    """A cell's value as the text a person sees in it (zero-width characters dropped)."""
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


def is_blank(v: object) -> bool:
    """An empty cell, or one holding only spaces and invisible characters."""
    if v is None:
        return True
    if type(v) is str:
        return not v.strip() and not v.translate(_ZERO_WIDTH).strip()
    return False


def _header_columns(values: Sequence[object]) -> dict[int, str] | None:
    """The columns' meaning if `values` is the header row (it names 姓名 and 身份证号)."""
    keys: dict[int, str] = {}
    for col, v in enumerate(values):
        if is_blank(v):
            continue
        key = _HEADER_MAP.get(_norm_header(v))
        if key is None:
            keys[col] = EXTRA_PREFIX + text_of(v)
        elif key in keys.values() and key not in (IGNORED_COLUMN, SEQ_COLUMN):
            keys[col] = EXTRA_PREFIX + text_of(v)  # a second column for the same field
        else:
            keys[col] = key
    found = set(keys.values())
    if "name" not in found or "id_number" not in found:
        return None
    if "mobile" not in found:
        for col, key in sorted(keys.items()):
            if ((key == "phone" or key.startswith(EXTRA_PREFIX))
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
                rest = next((text_of(x) for x in values[i + 1:] if not is_blank(x)), "")
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
    def __init__(self, max_rows: int, progress: Progress | None, cancel: CancelFlag | None,
                 deadline: Deadline) -> None:
        self.max_rows = max_rows
        self.data_rows = 0
        self.scanned = 0
        self.steps = Steps(0, progress, cancel, every=500)
        self.deadline = deadline

    def scan(self) -> None:
        self.scanned += 1
        self.steps.step()
        if self.scanned % 500 == 0:
            self.deadline.check()
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
            headers=tuple(text_of(v) for v in values[:width]),
            columns=columns, point_line=_point_line(before))
        header_texts = {v for v in values[:width] if isinstance(v, str)}
        break
    if sheet is None:
        return None
    fills = _merged_fills(wb, ws, sheet.header_row)
    sources = set(fills.values())
    remembered: dict[tuple[int, int], object] = {}
    data_cols = [c for c, k in sheet.columns.items() if k not in (SEQ_COLUMN, IGNORED_COLUMN)]
    rest = ws.iter_rows(min_row=sheet.header_row + 1, max_col=width, values_only=True)
    for row_no, values in enumerate(rest, start=sheet.header_row + 1):
        budget.scan()
        # Blank is judged before merged cells are filled in: a merge reaching into the
        # empty rows below a list does not make them rows.
        content = [c for c in data_cols if not is_blank(values[c])]
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
                if src is not None and is_blank(row[col]):
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
    deadline = Deadline(path.name, limits.seconds)  # one time limit: checks and reading
    check_xlsx(path, limits, deadline)
    budget = _Budget(max_rows, progress, cancel, deadline)
    budget.steps.start()
    notes: list[str] = []
    sheets: list[SheetData] = []
    name = path.name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (ServiceError, KeyboardInterrupt):
        raise
    except Exception as e:
        raise unreadable_workbook(name, e) from None
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
        raise unreadable_workbook(name, e) from None
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

