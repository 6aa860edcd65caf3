"""The blank 附件5 for counties: text cells, drop-down lists, the ID column's input message
and check, protection; filled in, it imports as any county sheet does."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.services.county_template import (
    COLS,
    ID_PROMPT,
    export_template,
    export_templates,
    template_name,
)
from app.services.errors import ServiceError
from app.services.excel_export import SUMMARY_HEADERS
from app.services.excel_import import preview_import, read_workbook
from tests.support.people import credit_code, id_number


def test_the_template_keeps_ids_as_text(svc, tmp_path: Path) -> None:
    path = export_template(svc, tmp_path, "海安县", rows=30)  # an alias: 海安市
    assert path == tmp_path / template_name("海安市")
    ws = load_workbook(path).active
    assert ws["A1"].value == "附件5" and ws["A3"].value == "县（市、区）、部门名称：海安市"
    assert [c.value for c in ws[4]] == list(SUMMARY_HEADERS)
    assert [ws.cell(r, 1).value for r in (5, 34)] == [1, 30]
    for col in "BCDEFGH":
        assert {ws[f"{col}{r}"].number_format for r in range(5, 35)} == {"@"}, col
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    gender = rules[f"{COLS.gender}5:{COLS.gender}34"]
    assert (gender.type, gender.formula1) == ("list", '"男,女"')
    edu = rules[f"{COLS.education}5:{COLS.education}34"]
    assert edu.formula1 == '"硕研以上,大学本科,大学专科,中专,高中,初中"'
    ident = rules[f"{COLS.id_number}5:{COLS.id_number}34"]
    assert ident.type == "custom" and ident.formula1 == "AND(ISTEXT(D5),LEN(D5)=18)"
    assert ident.showInputMessage and ident.prompt == ID_PROMPT and ident.promptTitle == "身份证号"
    assert ident.showErrorMessage and ident.errorStyle in (None, "stop")
    assert ws.protection.sheet and ws.protection.formatCells, "formats cannot be changed"
    assert not ws["D5"].protection.locked and ws["D4"].protection.locked
    assert ws.freeze_panes == "A5"


def test_a_filled_template_imports_at_its_point(svc, tmp_path: Path) -> None:
    path = export_template(svc, tmp_path / "如皋.xlsx", "如皋市", rows=10)
    wb = load_workbook(path)
    ws = wb.active
    people = [("陈一", "男", id_number(region="320682", seq=31), "大学本科", "13912345601"),
              ("周二", "女", id_number(region="320682", seq=32, male=False), "大学专科",
               "13912345602")]
    for r, (name, gender, number, edu, mobile) in enumerate(people, start=5):
        for col, v in zip("BCDEF", (name, gender, number, edu, mobile), strict=True):
            ws[f"{col}{r}"] = v
        ws[f"G{r}"] = "如皋市某某信用服务有限公司"
        ws[f"H{r}"] = credit_code("91320682MA1M9K2N4")
    wb.save(path)
    preview = preview_import(svc, read_workbook(path))
    assert [(row.data.name, row.data.registration_point) for row in preview.rows] == [
        ("陈一", "如皋市"), ("周二", "如皋市")]
    assert all(row.data.id_number == n for row, (_, _, n, _, _) in
               zip(preview.rows, people, strict=True))


def test_one_template_per_point_and_refusals(svc, tmp_path: Path) -> None:
    result = export_templates(svc, tmp_path / "模板")
    assert len(result.paths) == len(svc.campaign.points) == 22
    assert {p.name for p in result.paths} >= {template_name("如东县"), template_name("崇川区")}
    with pytest.raises(ServiceError, match="没有报名点「火星」"):
        export_template(svc, tmp_path, "火星")
    with pytest.raises(ServiceError, match="空白行数"):
        export_template(svc, tmp_path, "如东县", rows=0)
