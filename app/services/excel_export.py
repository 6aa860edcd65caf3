"""Excel exports: the summary sheet for the province (附件5) and the full-data sheet.

Both run off the UI thread: they take `progress(done, total)` and `cancel()` callbacks,
write to temporary names and rename at the end (a failed or cancelled export leaves the
previous file as it was), and write ID numbers, credit codes and phone numbers as text
cells, never numbers; a value a spreadsheet could run as a formula stays plain text.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.codes import CodeEnum
from app.domain.flow import FOR_PROVINCE, StatusSelector
from app.domain.yearmonth import YearMonth
from app.services.applicants import ApplicantService
from app.services.errors import ServiceError
from app.services.exchange import (
    FORMULA_START,
    AtomicFiles,
    CancelFlag,
    Progress,
    Steps,
    clean_text,
    display_width,
    safe_file_part,
)
from app.services.private_files import private_dir
from app.services.records import ApplicantRecord

ANNEX_LABEL = "附件5"


def summary_title(level_name: str) -> str:
    """附件5's title, from the class's level: "助理信用管理师职业技能培训学员报名汇总表"."""
    return f"{level_name}职业技能培训学员报名汇总表"


SUMMARY_TITLE = summary_title("助理信用管理师")
"""The 2021 class's title (the county sheets' reader and the tests know it)."""
POINT_LINE_LABEL = "县（市、区）、部门名称："
SUMMARY_HEADERS = (
    "序号", "姓名", "性别", "身份证号", "学历", "手机号码", "单位", "企业或单位统一社会信用代码",
)
POINT_COLUMN = "报名点"
NO_POINT = "未选报名点"
HEADER_ROW = 4
"""附件5: row 1 附件5, row 2 the title, row 3 the point line, row 4 the header."""

FULL_SHEET_TITLE = "全部数据"
EXTRA_COLUMN = "其他信息"
"""Full export: the columns an earlier import did not know, as JSON (read back on import)."""
AUDIT_HEADERS = ("状态", "创建人", "创建时间", "修改人", "修改时间")

Split = Literal["sheet_per_point", "one_sheet", "workbook_per_point"]
SPLITS: tuple[Split, ...] = ("sheet_per_point", "one_sheet", "workbook_per_point")

FONT_NAME = "宋体"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_MIN_WIDTH = 6
_MAX_WIDTH = 60
_MAX_CELL_TEXT = 32767  # Excel's limit for one cell


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files, how many applicants, and how many per point."""

    paths: tuple[Path, ...]
    count: int
    per_point: tuple[tuple[str, int], ...] = ()


# ---------------------------------------------------------------- columns
@dataclass(frozen=True)
class _Column:
    header: str
    get: Callable[[ApplicantRecord], object]
    align: str = "center"  # or "left"
    min_width: int = _MIN_WIDTH
    number_format: str = "@"  # text; "General" for numbers, a date format for times


def _label(v: CodeEnum | None) -> str:
    return v.label if v is not None else ""


SUMMARY_COLUMNS: tuple[_Column, ...] = (
    _Column("序号", lambda r: None, number_format="General"),  # filled with 1..n
    _Column("姓名", lambda r: r.data.name, min_width=8),
    _Column("性别", lambda r: _label(r.data.gender)),
    _Column("身份证号", lambda r: r.data.id_number, min_width=20),
    _Column("学历", lambda r: _label(r.data.education), min_width=10),
    _Column("手机号码", lambda r: r.data.mobile, min_width=13),
    _Column("单位", lambda r: r.data.employer, align="left", min_width=20),
    _Column("企业或单位统一社会信用代码", lambda r: r.data.employer_credit_code, min_width=20),
)
assert tuple(c.header for c in SUMMARY_COLUMNS) == SUMMARY_HEADERS
SUMMARY_FIELDS = ("name", "gender", "id_number", "education", "mobile", "employer",
                  "employer_credit_code")
_POINT_COL = _Column(POINT_COLUMN, lambda r: r.data.registration_point or NO_POINT,
                     min_width=10)


def _full_value(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, CodeEnum):
        return v.display
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, YearMonth | date):
        return str(v)
    return v


def _local(dt: datetime) -> datetime:
    """Stored as naive UTC; the office reads its own clock (and Excel has no time zones)."""
    return dt.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _field_getter(name: str) -> Callable[[ApplicantRecord], object]:
    return lambda r: _full_value(getattr(r.data, name))


def _full_columns() -> tuple[_Column, ...]:
    cols = [_Column(FIELD_LABELS["serial_no"], lambda r: r.serial_no, number_format="General")]
    numeric = {"credit_work_years", "professional_years", "score_knowledge", "score_skill",
               "score_overall"}
    wide = {"employer", "address", "school", "training_history", "other_materials",
            "review_opinion", "note", "cert_issuer"}
    for f in ApplicantData.field_names():
        if f == "serial_no":
            continue
        cols.append(_Column(
            FIELD_LABELS[f], _field_getter(f), align="left" if f in wide else "center",
            min_width=20 if f in ("id_number", "employer_credit_code") else _MIN_WIDTH,
            number_format="General" if f in numeric else "@",
        ))
    cols.append(_Column(EXTRA_COLUMN, lambda r: json.dumps(r.data.extra, ensure_ascii=False)
                        if r.data.extra else "", align="left"))
    when = "yyyy-mm-dd hh:mm:ss"
    cols += [
        _Column("状态", lambda r: r.status.label),
        _Column("创建人", lambda r: r.created_by),
        _Column("创建时间", lambda r: _local(r.created_at), number_format=when, min_width=20),
        _Column("修改人", lambda r: r.updated_by),
        _Column("修改时间", lambda r: _local(r.updated_at), number_format=when, min_width=20),
    ]
    assert tuple(c.header for c in cols[-5:]) == AUDIT_HEADERS
    return tuple(cols)


# ---------------------------------------------------------------- sheet writing
def _text(v: object) -> object:
    return clean_text(v) if isinstance(v, str) else v


def _width_of(v: object) -> int:
    if v is None:
        return 0
    if isinstance(v, datetime):
        return 19
    return display_width(str(v))


def _fit_widths(columns: Sequence[_Column], rows: Sequence[Sequence[object]]) -> list[float]:
    """Each column as wide as its widest value (Chinese characters count double)."""
    widths: list[float] = []
    for i, c in enumerate(columns):
        values = {row[i] for row in rows}  # names and units repeat: measure each once
        widest = max(map(_width_of, values), default=0)
        widths.append(min(max(c.min_width, display_width(c.header), widest) + 2, _MAX_WIDTH))
    return widths


class _PreparedCell(Cell):  # type: ignore[misc]
    """A styled cell reused row after row (see _SheetWriter); its style is looked up once
    instead of being hashed again for every one of 100,000 cells."""

    __slots__ = ("_sid",)

    def freeze_style(self) -> None:
        self._sid = self.parent.parent._cell_styles.add(self._style)

    @property
    def style_id(self) -> int:
        return int(self._sid)

    @property
    def has_style(self) -> bool:
        return True


class _SheetWriter:
    """One write-only sheet whose data cells all carry borders and text formats.

    Each column has two prepared cells (plain, and with Excel's quote prefix for values
    that start like a formula) whose value is replaced row by row: the rows stream to
    disk as they are appended, so a cell object can be reused for the next row.
    """

    def __init__(self, wb: Workbook, title: str, columns: Sequence[_Column]) -> None:
        self.ws = wb.create_sheet(title=title)
        self.columns = columns
        self._plain: list[Any] = []
        self._quoted: list[Any] = []
        font = Font(name=FONT_NAME, size=11)
        for c in columns:
            align = Alignment(horizontal=c.align, vertical="center", wrap_text=c.align == "left")
            for quoted in (False, True):
                cell = _PreparedCell(self.ws, row=1, column=1)
                cell.font = font
                cell.border = _BORDER
                cell.alignment = align
                cell.number_format = c.number_format
                if quoted:
                    cell.quotePrefix = True
                cell.freeze_style()
                (self._quoted if quoted else self._plain).append(cell)
        _stream_prepared_cells(self.ws)

    def cell(self, value: object, *, bold: bool = False, size: int = 11,
             align: str = "left", border: bool = False, wrap: bool = False) -> Any:
        c = WriteOnlyCell(self.ws)
        _set_value(c, _text(value))
        c.font = Font(name=FONT_NAME, size=size, bold=bold)
        c.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
        if border:
            c.border = _BORDER
        return c

    def dimension(self, rows: int) -> None:
        """Declare the sheet's size (<dimension ref="A1:H120"/>) before the first row.

        A write-only sheet does not know it in advance and writes none; a reader (openpyxl
        in read-only mode among them) then has to parse the whole sheet once just to
        learn its size.
        """
        ref = f"A1:{get_column_letter(len(self.columns))}{max(rows, 1)}"
        self.ws.calculate_dimension = lambda: ref

    def widths(self, widths: Sequence[float]) -> None:
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w

    def append_cells(self, cells: Sequence[Any]) -> None:
        self.ws.append(list(cells))

    def append_data(self, values: Sequence[object]) -> None:
        """One row of values; str values must have gone through _text (clean_text)."""
        row = []
        for i, v in enumerate(values):
            if type(v) is str:
                # Set directly: a str is always a text cell (never a formula, an error code
                # or a number), and clean_text has already removed what XML cannot carry.
                cell = self._quoted[i] if v.startswith(FORMULA_START) else self._plain[i]
                cell._value = v[:_MAX_CELL_TEXT]
                cell.data_type = "s"
            else:
                cell = self._plain[i]
                cell.value = v
            row.append(cell)
        self.ws.append(row)

    def header(self) -> None:
        self.ws.append([self.cell(c.header, bold=True, align="center", border=True, wrap=True)
                        for c in self.columns])

    def print_setup(self, title_row: int, fit_width: bool) -> None:
        """A4 landscape, the header on every page; call before the first row (a write-only
        sheet writes its properties, views and columns when the first row comes)."""
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        if fit_width:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0  # as many pages down as needed
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_title_rows = f"{title_row}:{title_row}"
        ws.freeze_panes = f"A{title_row + 1}"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _set_value(cell: Any, v: object) -> None:
    """A str is always a text cell: never a formula (=…), an error code (#N/A) or a number."""
    if isinstance(v, str):
        cell.value = v
        cell.data_type = "s"
    else:
        cell.value = v


def _stream_prepared_cells(ws: Any) -> None:
    """Let `ws.append` take our prepared cells as they are.

    openpyxl's write-only sheet first tries each appended object as a value and falls
    back to taking it as a cell through an exception, then throws the styled cell away:
    a third of the export's time. Our rows are always cells, so they are placed directly.
    The tests read every cell back (value, type, format, border), which keeps this honest.
    """
    if not hasattr(ws, "_values_to_row"):  # pragma: no cover - another openpyxl
        return

    def values_to_row(values: Sequence[Any], row_idx: int) -> Any:
        for col_idx, cell in enumerate(values, 1):
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    ws._values_to_row = values_to_row


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in name).strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in used:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _discard(wb: Workbook) -> None:
    """Close and remove the temporary files openpyxl's write-only sheets stream into."""
    for ws in getattr(wb, "_sheets", []):
        rows = getattr(ws, "_rows", None)
        if rows is not None:  # finish the row stream while its file is still open
            with contextlib.suppress(Exception):
                rows.close()
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            writer.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def _save(wb: Workbook, path: Path) -> None:
    try:
        wb.save(path)
    except OSError as e:
        _discard(wb)
        raise ServiceError(f"写文件「{path}」失败（{e.strerror}）：请检查磁盘空间和权限。"
                           ) from e
    except BaseException:
        _discard(wb)
        raise


# ---------------------------------------------------------------- 附件5
def _summary_sheet(wb: Workbook, title: str, point_label: str,
                   records: Sequence[ApplicantRecord], with_point: bool,
                   steps: Steps, heading: str) -> None:
    columns = SUMMARY_COLUMNS + ((_POINT_COL,) if with_point else ())
    rows = []
    for n, r in enumerate(records, start=1):
        values: list[object] = [n, *(_text(c.get(r)) for c in columns[1:])]
        rows.append(values)
    sw = _SheetWriter(wb, title, columns)
    sw.dimension(HEADER_ROW + len(rows))
    sw.widths(_fit_widths(columns, rows))
    last = get_column_letter(len(columns))
    ws = sw.ws
    for row_no in range(1, HEADER_ROW):
        ws.merged_cells.add(f"A{row_no}:{last}{row_no}")
    ws.row_dimensions[2].height = 32
    ws.row_dimensions[3].height = 22
    ws.row_dimensions[HEADER_ROW].height = 30
    sw.print_setup(HEADER_ROW, fit_width=True)  # before the first row: it goes in the top
    sw.append_cells([sw.cell(ANNEX_LABEL, size=12)])
    sw.append_cells([sw.cell(heading, bold=True, size=16, align="center")])
    sw.append_cells([sw.cell(POINT_LINE_LABEL + point_label, size=12)])
    sw.header()
    for values in rows:
        sw.append_data(values)
        steps.step()


def _groups(svc: ApplicantService, records: Sequence[ApplicantRecord]
            ) -> list[tuple[str, list[ApplicantRecord]]]:
    """Records per registration point, in the order of 附件1; no point last."""
    by_id: dict[int | None, list[ApplicantRecord]] = {}
    for r in records:
        by_id.setdefault(r.point_id, []).append(r)
    out = [(p.name, by_id[p.id]) for p in svc.campaign.points if p.id in by_id]
    known = {p.id for p in svc.campaign.points}
    rest = [r for pid, rs in by_id.items() if pid not in known for r in rs]
    if rest:
        rest.sort(key=lambda r: r.serial_no)
        out.append((NO_POINT, rest))
    return out


def _xlsx_path(out: Path) -> Path:
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        if out.suffix.lower() in (".xls", ".csv", ".et", ".ods"):
            raise ServiceError(f"只能导出为 .xlsx 文件，不能是 {out.suffix}：请把文件名改为 "
                               f"{out.stem}.xlsx。")
        out = out.with_name(out.name + ".xlsx")
    if out.is_dir():
        raise ServiceError(f"「{out}」是一个文件夹：请给出要写入的 .xlsx 文件名。")
    return out


def export_summary(
    svc: ApplicantService,
    out: Path,
    *,
    point_id: int | None = None,
    status: StatusSelector | None = FOR_PROVINCE,
    query: str = "",
    has_problems: bool | None = None,
    split: Split = "sheet_per_point",
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ExportResult:
    """Write 附件5 for the applicants the list's filters select (same arguments as
    `ApplicantService.search`). By default 初审通过 and every later step (what goes to
    the province: never returned or unreviewed people); `status=None` takes everyone.

    split: "sheet_per_point" — one workbook `out`, a sheet per registration point;
    "one_sheet" — one workbook, one sheet for the whole selection with a 报名点 column;
    "workbook_per_point" — `out` is a folder, one `附件5_<报名点>.xlsx` per point.
    Raises ServiceError (with a message for the person) when nothing is selected or the
    file cannot be written, Cancelled when `cancel()` said so; in both cases no file is
    left changed.
    """
    if split not in SPLITS:
        raise ServiceError(f"不认识的分表方式「{split}」。")
    steps = Steps(0, progress, cancel)
    steps.start()
    records = svc.records(query, point_id=point_id, status=status, has_problems=has_problems,
                          fields=SUMMARY_FIELDS)
    if not records:
        raise ServiceError("所选范围内没有学员：没有导出。请检查报名点、状态和搜索条件。")
    steps.total = len(records)
    groups = _groups(svc, records)
    per_point = tuple((name, len(rs)) for name, rs in groups)
    heading = summary_title(svc.campaign.level_name)

    if split == "workbook_per_point":
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise ServiceError(
                f"「{folder}」是一个文件，不是文件夹：按报名点分文件导出需要一个文件夹。")
        try:
            private_dir(folder, parents=True)
        except OSError as e:
            raise ServiceError(f"无法建立文件夹「{folder}」（{e.strerror}）。") from e
        with AtomicFiles() as files:
            for name, rs in groups:
                temp = files.temp_for(folder / f"附件5_{safe_file_part(name)}.xlsx")
                wb = Workbook(write_only=True)
                try:
                    _summary_sheet(wb, _sheet_title(name, set()), name, rs, False, steps, heading)
                    steps.check()
                except BaseException:
                    _discard(wb)
                    raise
                _save(wb, temp)
            steps.check()
            paths = files.finals
        steps.finish()
        return ExportResult(paths, len(records), per_point)

    path = _xlsx_path(out)
    with AtomicFiles() as files:
        temp = files.temp_for(path)  # a folder that is missing or read-only fails here, first
        wb = Workbook(write_only=True)
        try:
            if split == "one_sheet":
                if point_id is not None and len(groups) == 1:
                    label = groups[0][0]
                else:
                    label = f"{svc.campaign.class_name}（全部报名点）"
                _summary_sheet(wb, ANNEX_LABEL, label, records, True, steps, heading)
            else:
                used: set[str] = set()
                for name, rs in groups:
                    _summary_sheet(wb, _sheet_title(name, used), name, rs, False, steps, heading)
            steps.check()
        except BaseException:
            _discard(wb)
            raise
        _save(wb, temp)
        steps.check()
    steps.finish()
    return ExportResult((path,), len(records), per_point)


# ---------------------------------------------------------------- full data
def export_full(
    svc: ApplicantService,
    out: Path,
    *,
    point_id: int | None = None,
    status: StatusSelector | None = None,
    query: str = "",
    has_problems: bool | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> ExportResult:
    """Every field of every selected applicant, one row each, for the office's records and
    as a backup that `excel_import` reads back. Codes as "3 大学专科", year-months as
    2009-07, yes/no as 是/否, times in local time."""
    steps = Steps(0, progress, cancel)
    steps.start()
    records = svc.records(query, point_id=point_id, status=status, has_problems=has_problems)
    if not records:
        raise ServiceError("所选范围内没有学员：没有导出。请检查报名点、状态和搜索条件。")
    steps.total = len(records)
    columns = _full_columns()
    rows = [[_text(c.get(r)) for c in columns] for r in records]
    path = _xlsx_path(out)
    with AtomicFiles() as files:
        temp = files.temp_for(path)
        wb = Workbook(write_only=True)
        try:
            sw = _SheetWriter(wb, FULL_SHEET_TITLE, columns)
            sw.dimension(len(rows) + 1)
            sw.widths([min(w, 40) for w in _fit_widths(columns, rows)])
            sw.print_setup(1, fit_width=False)
            sw.ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
            sw.header()
            for values in rows:
                sw.append_data(values)
                steps.step()
            steps.check()
        except BaseException:
            _discard(wb)
            raise
        _save(wb, temp)
        steps.check()
    steps.finish()
    return ExportResult((path,), len(records), tuple(
        (name, len(rs)) for name, rs in _groups(svc, records)))
