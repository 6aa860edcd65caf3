"""Workbooks as counties send them (and as attackers would): built here, in the test."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from app.services.excel_export import POINT_LINE_LABEL, SUMMARY_HEADERS, SUMMARY_TITLE
from tests.support.people import credit_code, id_number

CREDIT = credit_code("11320682MB1A2B3C4")


def person(seq: int, *, male: bool = True, birth: date = date(1988, 5, 17),
           region: str = "320682") -> str:
    return id_number(region=region, birth=birth, seq=seq, male=male)


def county_sheet(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    point: str | None = "如皋市",
    headers: Sequence[str] = SUMMARY_HEADERS,
    title_rows: bool = True,
    blank_after: Sequence[int] = (),
    setup: Callable[[object], None] | None = None,
) -> Path:
    """A 附件5 as a county fills it in Excel: 附件5, the merged title, the point line, the
    header, then one row per person (None rows stay blank)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    if title_rows:
        ws.append(["附件5"])
        ws.append([SUMMARY_TITLE])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
        if point is not None:
            ws.append([POINT_LINE_LABEL + point])
            ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(headers))
    ws.append(list(headers))
    for i, row in enumerate(rows):
        ws.append(list(row))
        if i in blank_after:
            ws.append([])
            ws.append([None, None, "   "])  # a row with only spaces is blank too
    if setup is not None:
        setup(ws)
    wb.save(path)
    return path


def replace_member(src: Path, dst: Path, name: str, content: bytes | Callable[[object], None],
                   *, force_zip64: bool = False) -> Path:
    """Copy the .xlsx `src` to `dst`, with the part `name` replaced by `content` (bytes, or a
    function writing into the open member, for contents too large to hold)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == name:
                continue
            zout.writestr(info, zin.read(info.filename))
        if isinstance(content, bytes):
            zout.writestr(name, content)
        else:
            with zout.open(name, "w", force_zip64=force_zip64) as f:
                content(f)
    return dst


SHEET_XML = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b"<sheetData>")
SHEET_TAIL = b"</sheetData></worksheet>"


def inline_row(r: int, values: Sequence[str]) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'.encode()
