"""A blank 附件5 for a county or department to fill in and send back: the summary sheet's
own layout, made so an ID number cannot turn into 3.20602E+17.

Every data cell is text-formatted ("@": what is typed stays as typed); the ID column
checks 18 characters of text and shows an input message; 性别 and 学历 are drop-down
lists of the paper's words; the sheet is protected without a password so nobody changes
a cell's format by accident (column widths and rows may still be changed). The county
importer (app.services.excel_import) reads it back as it reads any 附件5.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.domain.codes import Education, Gender
from app.services.applicants import ApplicantService
from app.services.errors import ServiceError
from app.services.excel_export import (
    ANNEX_LABEL,
    HEADER_ROW,
    POINT_LINE_LABEL,
    SUMMARY_HEADERS,
    ExportResult,
    summary_title,
)
from app.services.exchange import AtomicFiles, safe_file_part

__all__ = ["DEFAULT_ROWS", "TemplateColumns", "export_template", "export_templates",
           "template_name"]

DEFAULT_ROWS = 60
MAX_ROWS = 2000
_FONT = "宋体"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WIDTHS = (6, 10, 6, 22, 10, 14, 30, 28)
ID_PROMPT = ("请输入18位身份证号，末位可以是X。本列已设为文本：直接输入即可。"
             "从别处复制时请用“选择性粘贴—数值”，不要把本列改成数字格式。")
ID_ERROR = ("身份证号须是18位（文本）：请检查是否多打或漏打。"
            "若显示为 3.20602E+17 之类，说明被存成了数字，请删除后重新输入。")
NOTE = ("填表说明：身份证号、手机号码、统一社会信用代码均为文本格式，请直接输入，"
        "不要改成数字格式；性别、学历请从下拉列表中选择；个人报名者“单位”可不填。")


@dataclass(frozen=True)
class TemplateColumns:
    """The template's columns by letter (for tests and for people reading the code)."""

    gender: str = "C"
    id_number: str = "D"
    education: str = "E"
    mobile: str = "F"
    credit_code: str = "H"


COLS = TemplateColumns()


def template_name(point: str) -> str:
    return f"附件5_报名汇总表_{safe_file_part(point)}_空白.xlsx"


def _build(point: str, rows: int, heading: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = safe_file_part(point)[:31] or "附件5"
    last = get_column_letter(len(SUMMARY_HEADERS))
    ws["A1"] = ANNEX_LABEL
    ws["A1"].font = Font(name=_FONT, size=12)
    ws["A2"] = heading
    ws["A2"].font = Font(name=_FONT, size=16, bold=True)
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws["A3"] = POINT_LINE_LABEL + point
    ws["A3"].font = Font(name=_FONT, size=12)
    for r in range(1, HEADER_ROW):
        ws.merge_cells(f"A{r}:{last}{r}")
    ws.row_dimensions[2].height = 32
    ws.row_dimensions[HEADER_ROW].height = 30
    for c, header in enumerate(SUMMARY_HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, c, header)
        cell.font = Font(name=_FONT, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(c)].width = _WIDTHS[c - 1]
    first, end = HEADER_ROW + 1, HEADER_ROW + rows
    for r in range(first, end + 1):
        ws.cell(r, 1, r - HEADER_ROW).alignment = Alignment(horizontal="center")
        ws.cell(r, 1).border = _BORDER
        for c in range(2, len(SUMMARY_HEADERS) + 1):
            cell = ws.cell(r, c)
            cell.number_format = "@"
            cell.border = _BORDER
            cell.font = Font(name=_FONT, size=11)
            cell.protection = Protection(locked=False)
    note_row = end + 2
    ws.cell(note_row, 1, NOTE).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A{note_row}:{last}{note_row}")
    ws.row_dimensions[note_row].height = 36

    def rng(col: str) -> str:
        return f"{col}{first}:{col}{end}"

    genders = DataValidation(type="list", formula1='"' + ",".join(g.label for g in Gender) + '"',
                             allow_blank=True, showErrorMessage=True,
                             errorTitle="性别", error="请从下拉列表中选择：男 或 女。")
    education = DataValidation(
        type="list", formula1='"' + ",".join(e.label for e in Education) + '"',
        allow_blank=True, showErrorMessage=True, errorTitle="学历",
        error="请从下拉列表中选择学历（附件2 背面的代码表）。")
    id_rule = DataValidation(
        type="custom", formula1=f"AND(ISTEXT({COLS.id_number}{first}),"
                                f"LEN({COLS.id_number}{first})=18)",
        allow_blank=True, showInputMessage=True, promptTitle="身份证号", prompt=ID_PROMPT,
        showErrorMessage=True, errorTitle="身份证号", error=ID_ERROR)
    text_rule = DataValidation(
        type="custom", formula1=f"ISTEXT({COLS.mobile}{first})", allow_blank=True,
        showErrorMessage=True, errorStyle="warning", errorTitle="手机号码",
        error="手机号码应为文本：请删除后重新输入（不要改成数字格式）。")
    code_rule = DataValidation(
        type="custom", formula1=f"AND(ISTEXT({COLS.credit_code}{first}),"
                                f"LEN({COLS.credit_code}{first})=18)",
        allow_blank=True, showErrorMessage=True, errorStyle="warning",
        errorTitle="统一社会信用代码", error="统一社会信用代码应为18位文本：请核对。")
    for dv, col in ((genders, COLS.gender), (education, COLS.education),
                    (id_rule, COLS.id_number), (text_rule, COLS.mobile),
                    (code_rule, COLS.credit_code)):
        ws.add_data_validation(dv)
        dv.add(rng(col))
    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    # No password: the office can lift it. Formats stay as made; rows and widths may change.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    ws.protection.deleteRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False
    return wb


def export_template(svc: ApplicantService, out: Path, point: str,
                    rows: int = DEFAULT_ROWS) -> Path:
    """One blank 附件5 for `point` (a registration point's name or alias) at `out`."""
    info = svc.campaign.point_by_name(point)
    if info is None:
        names = "、".join(p.name for p in svc.campaign.points)
        raise ServiceError(f"没有报名点「{point}」。可选：{names}")
    if not 1 <= rows <= MAX_ROWS:
        raise ServiceError(f"空白行数应在 1 到 {MAX_ROWS} 之间。")
    path = Path(out)
    if path.is_dir():
        path = path / template_name(info.name)
    elif path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    with AtomicFiles() as files:
        temp = files.temp_for(path)
        wb = _build(info.name, rows, summary_title(svc.campaign.level_name))
        try:
            wb.save(temp)
        except OSError as e:
            raise ServiceError(f"写文件「{path}」失败（{e.strerror}）：请检查磁盘空间和权限。"
                               ) from e
    return path


def export_templates(svc: ApplicantService, folder: Path, points: list[str] | None = None,
                     rows: int = DEFAULT_ROWS) -> ExportResult:
    """A blank 附件5 per registration point (all of them, or `points`) in `folder`."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ServiceError(f"「{folder}」是一个文件：请给出一个文件夹。")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ServiceError(f"无法建立文件夹「{folder}」（{e.strerror}）。") from e
    names = points or [p.name for p in svc.campaign.points]
    paths = tuple(export_template(svc, folder, name, rows) for name in names)
    return ExportResult(paths, 0, tuple((n, 0) for n in names))
