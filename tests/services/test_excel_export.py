"""附件5 summary and full-data exports on SQLite and PostgreSQL: every cell that matters read
back with openpyxl (types included), print settings, formula-looking text, atomic files,
and LibreOffice's own reading of the file."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.codes import ApplicantStatus, Education, EnrolmentType, Gender
from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.errors import ServiceError
from app.services.excel_export import (
    AUDIT_HEADERS,
    EXTRA_COLUMN,
    SUMMARY_HEADERS,
    SUMMARY_TITLE,
    export_full,
    export_summary,
)
from app.services.excel_import import apply_import
from app.services.excel_import_preview import preview_import
from app.services.excel_import_sheet import read_workbook
from app.services.exchange import Cancelled, display_width
from tests.conftest import running_in_ci
from tests.support.desk import reviewed
from tests.support.people import applicant, credit_code, id_number

CODE_RUGAO = credit_code("11320682MB1A2B3C4")


def _people(svc: ApplicantService) -> dict[str, int]:
    """Five people at two points, among them values a spreadsheet would run as formulas."""
    made = [
        svc.create(applicant("张三", id_number=id_number(seq=11))),
        svc.create(applicant("李四", registration_point="如皋市", id_number=id_number(
            region="320682", birth=date(1979, 12, 1), seq=22, male=False),
            employer="=1+1", employer_credit_code=CODE_RUGAO, education=Education.COLLEGE)),
        svc.create(applicant("王五", id_number=id_number(seq=33), employer="-2+3")),
        svc.create(applicant("赵六", registration_point="如皋市",
                             id_number=id_number(region="320682", seq=44), employer="@SUM(A1)",
                             mobile="13800138000")),
        svc.create(applicant("欧阳·娜娜", id_number=id_number(seq=55, male=False),
                             employer="南通市崇川区发展和改革委员会信用信息中心（市场主体信用服务窗口）")),
    ]
    reviewed(svc.db, *(r.id for r in made))  # the province's exports take 初审通过 and later
    return {r.data.name: r.id for r in made}


def _cells(ws, row: int) -> list[object]:
    return [c.value for c in ws[row]]


def test_summary_sheet_per_point_looks_like_the_official_sheet(svc, tmp_path):
    _people(svc)
    out = tmp_path / "附件5.xlsx"
    result = export_summary(svc, out)
    assert result.paths == (out,) and result.count == 5
    assert result.per_point == (("如皋市", 2), ("崇川区", 3))  # the order of 附件1
    wb = load_workbook(out)
    assert wb.sheetnames == ["如皋市", "崇川区"]
    ws = wb["崇川区"]
    assert ws["A1"].value == "附件5"
    assert ws["A2"].value == SUMMARY_TITLE and ws["A2"].font.b
    assert ws["A2"].alignment.horizontal == "center"
    assert ws["A3"].value == "县（市、区）、部门名称：崇川区"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:H1", "A2:H2", "A3:H3"}
    assert _cells(ws, 4) == list(SUMMARY_HEADERS)
    for cell in ws[4]:
        assert cell.font.b and cell.border.left.style == "thin"
        assert cell.border.bottom.style == "thin"
    # One row per applicant, in 报名序号 order, numbered 1..n.
    rows = [_cells(ws, r) for r in range(5, ws.max_row + 1)]
    assert [r[0] for r in rows] == [1, 2, 3]
    assert [r[1] for r in rows] == ["张三", "王五", "欧阳·娜娜"]
    assert rows[0] == [1, "张三", "男", id_number(seq=11), "大学本科", "13912345678",
                       "南通市崇川区发展和改革委员会", credit_code("11320613MB1A2B3C4")]
    assert rows[2][2] == "女"
    assert ws.max_column == 8
    # IDs, phones and credit codes are text cells with the text format, never numbers.
    for r in range(5, ws.max_row + 1):
        for col in "DFH":
            cell = ws[f"{col}{r}"]
            assert isinstance(cell.value, str) and cell.data_type == "s", cell.coordinate
            assert cell.number_format == "@"
        for cell in ws[r]:
            assert cell.border.left.style == "thin" and cell.border.top.style == "thin"
        assert ws[f"A{r}"].data_type == "n"
    rugao = wb["如皋市"]
    assert rugao["A3"].value == "县（市、区）、部门名称：如皋市"
    assert _cells(rugao, 5)[1:5] == ["李四", "女", id_number(
        region="320682", birth=date(1979, 12, 1), seq=22, male=False), "大学专科"]


def test_summary_is_print_ready(svc, tmp_path):
    _people(svc)
    out = tmp_path / "s.xlsx"
    export_summary(svc, out)
    for ws in load_workbook(out).worksheets:
        ps = ws.page_setup
        assert ps.orientation == "landscape"
        assert int(ps.paperSize) == 9  # A4
        assert int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$4:$4"  # the header on every page
        assert ws.print_options.horizontalCentered is True
        assert ws.freeze_panes == "A5"
        # Columns fitted to their contents, Chinese characters counting double.
        widths = {c: ws.column_dimensions[c].width for c in "ABCDEFGH"}
        assert widths["D"] >= 20  # 18-digit ID
        assert widths["H"] >= display_width("企业或单位统一社会信用代码")
        longest = max(display_width(str(ws[f"G{r}"].value)) for r in range(5, ws.max_row + 1))
        assert widths["G"] >= min(longest, 58)
        assert widths["A"] < 12


def test_formula_looking_values_stay_plain_text(svc, tmp_path):
    _people(svc)
    out = tmp_path / "s.xlsx"
    export_summary(svc, out, split="one_sheet")
    ws = load_workbook(out)["附件5"]
    by_name = {ws[f"B{r}"].value: r for r in range(5, ws.max_row + 1)}
    for name, text in (("李四", "=1+1"), ("王五", "-2+3"), ("赵六", "@SUM(A1)")):
        cell = ws[f"G{by_name[name]}"]
        assert cell.value == text
        assert cell.data_type == "s"  # a string cell, not a formula ("f")
        assert cell.quotePrefix is True  # and Excel shows it as typed: '=1+1
    assert ws[f"G{by_name['张三']}"].quotePrefix is not True
    # Nothing anywhere in the file is a formula.
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_one_sheet_for_the_whole_class_has_a_point_column(svc, tmp_path):
    _people(svc)
    out = tmp_path / "whole.xlsx"
    export_summary(svc, out, split="one_sheet")
    wb = load_workbook(out)
    assert wb.sheetnames == ["附件5"]
    ws = wb["附件5"]
    assert ws["A3"].value == "县（市、区）、部门名称：南通班（全部报名点）"
    assert _cells(ws, 4) == [*SUMMARY_HEADERS, "报名点"]
    assert [ws[f"B{r}"].value for r in range(5, 10)] == ["张三", "李四", "王五", "赵六",
                                                         "欧阳·娜娜"]
    assert [ws[f"I{r}"].value for r in range(5, 10)] == ["崇川区", "如皋市", "崇川区", "如皋市",
                                                         "崇川区"]
    assert [ws[f"A{r}"].value for r in range(5, 10)] == [1, 2, 3, 4, 5]


def test_one_sheet_for_one_point_names_the_point(svc, tmp_path):
    _people(svc)
    out = tmp_path / "rugao.xlsx"
    point = svc.campaign.point_by_name("如皋市")
    export_summary(svc, out, split="one_sheet", point_id=point.id)
    ws = load_workbook(out).active
    assert ws["A3"].value == "县（市、区）、部门名称：如皋市"
    assert ws.max_row == 6


def test_workbook_per_point_writes_one_file_each(svc, tmp_path):
    _people(svc)
    folder = tmp_path / "省公司"
    result = export_summary(svc, folder, split="workbook_per_point")
    assert sorted(p.name for p in folder.iterdir()) == ["附件5_如皋市.xlsx", "附件5_崇川区.xlsx"]
    assert set(result.paths) == set(folder.iterdir())
    ws = load_workbook(folder / "附件5_如皋市.xlsx").active
    assert ws["A3"].value == "县（市、区）、部门名称：如皋市"
    assert [ws[f"B{r}"].value for r in (5, 6)] == ["李四", "赵六"]


def test_the_selection_is_the_lists_filters(svc, tmp_path):
    ids = _people(svc)
    rec = svc.get(ids["王五"])
    svc.update(rec.id, rec.data, rec.version)  # unchanged: no new version
    out = tmp_path / "s.xlsx"
    export_summary(svc, out, query="王五")
    assert [ws["B5"].value for ws in load_workbook(out).worksheets] == ["王五"]
    point = svc.campaign.point_by_name("崇川区")
    result = export_summary(svc, out, point_id=point.id)
    assert result.count == 3 and load_workbook(out).sheetnames == ["崇川区"]
    with pytest.raises(ServiceError, match="没有学员"):
        export_summary(svc, tmp_path / "none.xlsx", status=ApplicantStatus.PAID)
    assert not (tmp_path / "none.xlsx").exists()


def test_progress_is_reported_and_ends_at_the_total(svc, tmp_path):
    _people(svc)
    seen: list[tuple[int, int]] = []
    export_summary(svc, tmp_path / "s.xlsx", progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 0) and seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or
                  p.suffix == ".part")


def test_a_failed_export_leaves_the_good_file_untouched(svc, tmp_path):
    _people(svc)
    out = tmp_path / "附件5.xlsx"
    export_summary(svc, out)
    good = out.read_bytes()
    svc.create_many(applicant(f"学员{i}", id_number=id_number(seq=60 + i)) for i in range(30))

    def boom(done: int, total: int) -> None:
        if 0 < done < total:
            raise OSError(28, "No space left on device")

    calls = iter(range(3))  # three checks pass, then 取消

    def cancel_later() -> bool:
        return next(calls, None) is None

    for kwargs in ({"progress": boom}, {"cancel": cancel_later}):
        with pytest.raises((OSError, Cancelled)):
            export_summary(svc, out, **kwargs)
        assert out.read_bytes() == good
        assert _leftovers(tmp_path) == []
        with pytest.raises((OSError, Cancelled)):
            export_full(svc, tmp_path / "full.xlsx", **kwargs)
        assert not (tmp_path / "full.xlsx").exists()
        assert _leftovers(tmp_path) == []
    folder = tmp_path / "每个报名点"
    with pytest.raises(Cancelled):
        export_summary(svc, folder, split="workbook_per_point", cancel=lambda: True)
    assert list(folder.iterdir()) == [] if folder.exists() else True


def test_cancel_after_the_last_row_still_writes_nothing(svc, tmp_path):
    _people(svc)
    out = tmp_path / "s.xlsx"
    out.write_bytes(b"previous")
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        export_summary(svc, out, cancel=cancel)
    assert out.read_bytes() == b"previous" and _leftovers(tmp_path) == []


def test_a_missing_folder_is_refused_before_any_work(svc, tmp_path):
    _people(svc)
    with pytest.raises(ServiceError, match="不存在"):
        export_summary(svc, tmp_path / "no" / "such" / "s.xlsx")
    with pytest.raises(ServiceError, match=r"\.xlsx"):
        export_summary(svc, tmp_path / "s.xls")


def test_full_export_has_every_field_with_text_cells(svc, tmp_path):
    ids = _people(svc)
    rec = svc.get(ids["张三"])
    d = rec.data
    d.extra = {"职务": "科员"}
    d.note = "+86 补交材料"
    svc.update(rec.id, d, rec.version)
    out = tmp_path / "full.xlsx"
    export_full(svc, out)
    ws = load_workbook(out)["全部数据"]
    header = _cells(ws, 1)
    labels = [FIELD_LABELS[f] for f in ApplicantData.field_names()]
    assert header == [*labels, EXTRA_COLUMN, *AUDIT_HEADERS]
    col = {h: i for i, h in enumerate(header)}
    row = _cells(ws, 2)
    assert row[col["报名序号"]] == 1
    assert row[col["姓名"]] == "张三" and row[col["性别"]] == "1 男"
    assert row[col["最高学历"]] == "2 大学本科" and row[col["民族"]] == "1 汉族"
    assert row[col["毕业时间"]] == "2012-07" and row[col["年月"]] == "1990-03"
    assert row[col["报名方式"]] == "1 单位报名" and row[col["学员类别"]] == "1 新学员"
    assert "参加考试" not in col, "the enrolment type alone decides the fees"
    assert row[col["信用工作年限"]] == 5 and isinstance(row[col["专业工龄"]], int)
    assert row[col["报名点"]] == "崇川区" and row[col["状态"]] == "初审通过"
    assert row[col["其他信息"]] == '{"职务": "科员"}'
    assert row[col["备注"]] == "+86 补交材料"
    assert row[col["创建人"]] == "张晓桐" and isinstance(row[col["创建时间"]], datetime)
    for label in ("身份证号", "手机", "联系电话", "邮政编码", "企业或单位统一社会信用代码"):
        cell = ws.cell(row=2, column=col[label] + 1)
        assert isinstance(cell.value, str) and cell.data_type == "s", label
        assert cell.number_format == "@"
    note = ws.cell(row=2, column=col["备注"] + 1)
    assert note.data_type == "s" and note.quotePrefix is True
    assert ws.max_row == 6 and ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}6"


def test_full_export_round_trips_through_the_importer(svc, tmp_path):
    ids = _people(svc)
    rec = svc.get(ids["李四"])
    d = rec.data
    d.extra = {"职务": "科长", "备用电话": "0513-1234567"}
    d.cert_date = None
    d.score_knowledge = 88
    d.enrolment_type = EnrolmentType.RESIT
    svc.update(rec.id, d, rec.version)
    before = {r.data.id_number: r.data for r in svc.records()}
    out = tmp_path / "full.xlsx"
    export_full(svc, out)
    # Re-importing into the same database changes nothing …
    preview = preview_import(svc, read_workbook(out))
    assert [r.kind.value for r in preview.rows] == ["unchanged"] * 5
    # … and into an empty one recreates every field.
    for r in svc.records():
        svc.delete(r.id, r.version, "round trip")
    preview = preview_import(svc, read_workbook(out))
    assert [r.kind.value for r in preview.rows] == ["new"] * 5
    result = apply_import(svc, preview)
    assert len(result.created) == 5
    after = {r.data.id_number: r.data for r in svc.records()}
    for number, data in after.items():
        old = before[number]
        for f in ApplicantData.field_names():
            if f != "serial_no":
                assert getattr(data, f) == getattr(old, f), (data.name, f)
        assert data.extra == old.extra


def test_libreoffice_reads_ids_as_text(sqlite_url, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if running_in_ci():
            pytest.fail("LibreOffice (soffice) is required under CI=true: .ci/run installs "
                        "libreoffice-calc-nogui")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-calc-nogui)")
    db = open_database(sqlite_url)
    try:
        svc = ApplicantService(db, "张晓桐", clock=lambda: datetime(2021, 9, 20, 10, 0))
        _people(svc)
        out = tmp_path / "summary.xlsx"
        export_summary(svc, out, split="one_sheet")
        expected = {r.data.name: r.data for r in svc.records()}
    finally:
        db.dispose()
    profile = tmp_path / "lo-profile"
    # 44,34,76: comma, double quote, UTF-8; ",,,,,false" … keeps values as shown.
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
           "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir",
           str(tmp_path / "csv"), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "csv" / "summary.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "附件5" and rows[1][0] == SUMMARY_TITLE
    assert rows[3][:8] == list(SUMMARY_HEADERS)
    data = {r[1]: r for r in rows[4:] if len(r) > 3 and r[1]}
    assert set(data) == set(expected)
    for name, d in expected.items():
        row = data[name]
        assert row[3] == d.id_number and len(row[3]) == 18  # all 18 digits, not 3.2E+17
        assert row[5] == d.mobile
        assert row[7] == d.employer_credit_code
        assert row[6] == d.employer  # =1+1 stays =1+1, not 2
        assert row[2] == (d.gender.label if d.gender else "")
    assert data["李四"][6] == "=1+1" and data["王五"][6] == "-2+3"
    assert data["张三"][4] == "大学本科" and Gender.MALE.label == data["张三"][2]


def test_the_province_gets_reviewed_people_and_every_later_step(db, tmp_path):
    """Old behaviour: `export summary` took every status by default (a returned applicant
    was in the 附件5 sent to the province), and "--status 初审通过" matched that status
    exactly, leaving out everyone already phoned, paid or confirmed."""
    from app.domain.flow import StatusFilter
    from tests.support.desk import person

    names = {"已报名": ApplicantStatus.REGISTERED, "县区已审": ApplicantStatus.COUNTY_CHECKED,
             "退回": ApplicantStatus.RETURNED, "初审过": ApplicantStatus.REVIEW_PASSED,
             "已报省": ApplicantStatus.SENT_TO_PROVINCE, "已通知": ApplicantStatus.PHONED,
             "已确认": ApplicantStatus.CONFIRMED, "省未过": ApplicantStatus.PROVINCE_REJECTED}
    for name, status in names.items():
        person(db, name, status)
    svc = ApplicantService(db, "张晓桐")

    def exported(**kw: object) -> set[str]:
        out = tmp_path / "附件5.xlsx"
        export_summary(svc, out, split="one_sheet", **kw)  # type: ignore[arg-type]
        ws = load_workbook(out).active
        return {r[1] for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}

    assert exported() == {"初审过", "已报省", "已通知", "已确认"}
    assert exported(status=StatusFilter(ApplicantStatus.PHONED, and_later=True)) == {
        "已通知", "已确认"}
    assert exported(status=ApplicantStatus.REVIEW_PASSED) == {"初审过"}, "exactly, on request"
    assert exported(status=None) == set(names), "everyone, on request"
