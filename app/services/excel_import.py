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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.domain.applicant import ApplicantData
from app.domain.problems import Problem
from app.services.applicants import ApplicantService
from app.services.errors import ServiceError
from app.services.excel_export import POINT_LINE_LABEL
from app.services.excel_import_cells import TEXT_CELL_FIELDS
from app.services.excel_import_preview import ImportPreview, PreviewRow, RowKind, preview_import
from app.services.excel_import_sheet import REASON_HEADER, ROW_HEADER, read_workbook, text_of
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
from app.services.records import Checked

# The steps of an import, importable from here as one (the window's exchange page does):
# reading is excel_import_sheet's, the preview excel_import_preview's.
__all__ = [
    "Choice", "ImportFailed", "ImportPreview", "ImportResult", "PreviewRow", "RowKind",
    "apply_import", "import_file", "preview_import", "read_workbook", "save_error_rows",
]


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
    found: dict[int, tuple[ApplicantData, tuple[Problem, ...]]] = {}
    skipped = 0
    for r in preview.rows:
        if r.kind is RowKind.NEW and r.data is not None:
            if chosen.get(r.key, "update") != "skip":
                creates.append(r.data)
        elif r.kind is RowKind.EXISTING and r.data is not None:
            if chosen.get(r.key, default) == "update":
                assert r.existing_id is not None and r.existing_version is not None
                updates.append((r.existing_id, r.existing_version, r.data))
                found[r.existing_id] = (r.data, r.problems)
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
            # What the preview's validation found, for save_batch to take where it still
            # holds (same data, same day, same points) instead of validating 10,000 again.
            checked = (Checked(preview.checked_on, preview.points, found)
                       if preview.checked_on is not None else None)
            created, changed = svc.save_batch(
                creates, updates, note if note is not None else f"导入 {preview.file.path.name}",
                checked)
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
                widths[col] = max(widths[col], display_width(text_of(v)))
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
