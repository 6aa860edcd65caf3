"""The province's steps in batches: 已报省公司 for a package's people, the province's check
typed in or read from its returned list (with the county import's guards) — SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.domain.codes import ApplicantStatus as S
from app.services.errors import InputError, ServiceError
from app.services.excel_guard import UnsafeFileError
from app.services.package import export_package
from app.services.province import ProvinceCheck, ProvinceService
from app.services.province_list import (
    apply_returned,
    match_returned,
    parse_result,
    read_returned_list,
)
from db.models import History
from tests.support.desk import CLOCK, person
from tests.support.people import id_number
from tests.support.workbooks import replace_member

STRANGER = id_number(region="320682", seq=77)


def prov(db: Any, operator: str = "张晓桐") -> ProvinceService:
    return ProvinceService(db, operator, clock=lambda: CLOCK)


def id_of(db: Any, aid: int) -> str:
    return prov(db).applicants.get(aid).data.id_number


# ---------------------------------------------------------------- 已报省公司
def test_a_package_marks_its_people_sent_after_saying_how_many(db: Any, tmp_path: Path) -> None:
    """Old behaviour: making the province package marked nobody as sent, and 已报省公司
    could only be set one person at a time after payment and 现场确认."""
    ready = [person(db, f"通过{i}", S.REVIEW_PASSED) for i in range(3)]
    sent = person(db, "已报", S.SENT_TO_PROVINCE)
    phoned = person(db, "已通知", S.PHONED)
    returned = person(db, "退回", S.RETURNED)
    person(db, "未审", S.COUNTY_CHECKED)
    p = prov(db)
    result = export_package(p.applicants, tmp_path)
    assert set(result.applicant_ids) == {*ready, sent, phoned}, "初审通过 and later only"
    plan = p.send_plan(result.applicant_ids)
    assert plan.to_mark == tuple(ready) and plan.already == (sent,) and plan.later == (phoned,)
    assert plan.question == ("将 3 人标记为「已报省公司」。另有 1 人已在后面的步骤，只补记一笔。"
                             "1 人已是「已报省公司」。")
    done = p.mark_sent(result.applicant_ids)
    assert done.changed == tuple(ready) and done.late == (phoned,)
    assert {p.applicants.get(a).status for a in ready} == {S.SENT_TO_PROVINCE}
    assert p.applicants.get(phoned).status is S.PHONED
    with db.read() as s:
        late = s.scalars(select(History).where(History.applicant_id == phoned,
                                               History.action == "late_step")).one()
    assert json.loads(late.changes_json)["补记"] == [None, "已报省公司"]
    assert p.send_plan([returned]).refused[0][1].startswith("退回：报名已退回补正")


def test_a_selection_with_unreviewed_people_asks_once(db: Any) -> None:
    a = person(db, "甲", S.REVIEW_PASSED)
    b = person(db, "乙", S.COUNTY_CHECKED)
    p = prov(db, "陆薇")
    first = p.mark_sent([a, b])
    assert first.changed == () and [aid for aid, _ in first.needs_override] == [b]
    assert p.applicants.get(a).status is S.REVIEW_PASSED, "nothing written before asking"
    assert "其中 1 人尚未登记「初审通过」" in p.send_plan([a, b]).question
    second = p.mark_sent([a, b], override=True)
    assert second.changed == (a, b)
    last = p.status_history(b)[-1]
    assert last.to_status is S.SENT_TO_PROVINCE and last.operator == "陆薇"
    with db.read() as s:
        row = s.scalars(select(History).where(History.applicant_id == b,
                                              History.action == "override")).one()
    assert "「初审通过」" in row.changes_json


# ---------------------------------------------------------------- the province's check
def test_checks_by_hand_for_a_list_of_people(db: Any) -> None:
    ok = [person(db, f"过{i}", S.SENT_TO_PROVINCE) for i in range(2)]
    no = person(db, "不过", S.SENT_TO_PROVINCE)
    ahead = person(db, "先通知", S.SENT_TO_PROVINCE)
    p = prov(db)
    p.transition(ahead, S.PHONED, override=True)  # phoned before the answer was typed
    with pytest.raises(InputError, match="未通过须写明原因"):
        p.record_checks([ProvinceCheck(no, False)])
    result = p.record_checks([*(ProvinceCheck(a, True) for a in ok),
                              ProvinceCheck(no, False, "学历不符合报考条件"),
                              ProvinceCheck(ahead, True)])
    assert result.changed == (*ok, no) and result.late == (ahead,)
    assert p.applicants.get(no).status is S.PROVINCE_REJECTED
    assert p.status_history(no)[-1].reasons == ("学历不符合报考条件",)
    assert p.applicants.get(ahead).status is S.PHONED


def test_a_check_for_someone_not_marked_sent_asks_once(db: Any) -> None:
    a = person(db, "甲", S.REVIEW_PASSED)
    b = person(db, "乙", S.SENT_TO_PROVINCE)
    p = prov(db)
    first = p.record_checks([ProvinceCheck(a, True), ProvinceCheck(b, True)])
    assert first.changed == () and [aid for aid, _ in first.needs_override] == [a]
    assert p.applicants.get(b).status is S.SENT_TO_PROVINCE, "all or nothing"
    second = p.record_checks([ProvinceCheck(a, True), ProvinceCheck(b, True)], override=True)
    assert second.changed == (a, b)


# ---------------------------------------------------------------- the returned list
def returned_xlsx(path: Path, rows: list[list[object]],
                  header: tuple[str, ...] = ("序号", "姓名", "身份证号", "审核结果", "原因")
                  ) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2021年度助理信用管理师（南通班）报名资格审核结果"])
    ws.append([])
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=4, min_col=3, max_col=3):
        for cell in row:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    wb.save(path)
    return path


def test_the_returned_list_imported_with_two_not_passed(db: Any, tmp_path: Path) -> None:
    people = {n: person(db, n, S.SENT_TO_PROVINCE) for n in ("甲", "乙", "丙", "丁", "戊")}
    path = returned_xlsx(tmp_path / "审核结果.xlsx", [
        [1, "甲", id_of(db, people["甲"]), "通过", ""],
        [2, "乙", id_of(db, people["乙"]).lower(), "审核通过", ""],
        [3, "丙", id_of(db, people["丙"]), "不通过", "学历证明不符"],
        [4, "丁", id_of(db, people["丁"]), "×", "照片不合格"],
        [5, "戊", id_of(db, people["戊"]), "√", None],
        [6, "外班", "320602199001011233", "通过", ""],  # bad check digit
        [7, "无名", STRANGER, "通过", ""],  # valid, not in this class
        [8, "甲", id_of(db, people["甲"]), "通过", ""],  # twice
        [9, "乙", id_of(db, people["乙"]), "待定", ""],
    ])
    returned = read_returned_list(path)
    assert (returned.sheet, returned.header_row, len(returned.lines)) == ("Sheet", 3, 9)
    p = prov(db, "陆薇")
    preview = match_returned(p, returned)
    assert preview.summary == "共 9 行：通过 3 人，未通过 2 人；4 行有问题，不导入。"
    problems = {ln.line.row: ln.problem for ln in preview.problems}
    assert problems[9].startswith("校验位不对")
    assert problems[10].startswith(f"本班没有身份证号 {STRANGER}")
    assert problems[11] == "与第 4 行是同一个身份证号：请核对"
    assert problems[12] == "审核结果「待定」看不懂：请写 通过 或 不通过"
    assert preview.lines[2].action == "「已报省公司」→「省鉴定中心未通过」：学历证明不符"
    result = apply_returned(p, preview)
    assert len(result.changed) == 5
    statuses = {n: p.applicants.get(a).status for n, a in people.items()}
    assert statuses == {"甲": S.PROVINCE_CHECKED, "乙": S.PROVINCE_CHECKED,
                        "丙": S.PROVINCE_REJECTED, "丁": S.PROVINCE_REJECTED,
                        "戊": S.PROVINCE_CHECKED}
    assert p.status_history(people["丁"])[-1].note == "省公司审核名单「审核结果.xlsx」"
    again = match_returned(p, read_returned_list(path))
    assert again.lines[0].action == "已是「省鉴定中心已核」，不变"


def test_the_returned_list_refuses_ids_stored_as_numbers(db: Any, tmp_path: Path) -> None:
    aid = person(db, "甲", S.SENT_TO_PROVINCE)
    path = returned_xlsx(tmp_path / "x.xlsx", [[1, "甲", float(id_of(db, aid)[:15]), "通过", ""]])
    line = read_returned_list(path).lines[0]
    assert line.problem.startswith("身份证号被 Excel 存成了数字")


def test_the_returned_list_has_the_county_imports_guards(tmp_path: Path) -> None:
    csv = tmp_path / "名单.xlsx"
    csv.write_text("身份证号,审核结果\n320602199003071234,通过\n", encoding="utf-8")
    with pytest.raises(UnsafeFileError, match="文本文件"):
        read_returned_list(csv)
    good = returned_xlsx(tmp_path / "ok.xlsx", [])
    evil = replace_member(good, tmp_path / "evil.xlsx", "xl/worksheets/sheet1.xml",
                          b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    with pytest.raises(UnsafeFileError, match="实体"):
        read_returned_list(evil)
    nohead = returned_xlsx(tmp_path / "nohead.xlsx", [], header=("姓名", "电话"))
    with pytest.raises(ServiceError, match="身份证号”和“审核结果"):
        read_returned_list(nohead)


@pytest.mark.parametrize(("text", "passed"), [
    ("通过", True), ("合格", True), ("√", True), (" 是 ", True),
    ("不通过", False), ("未通过", False), ("不合格", False), ("退回", False), ("否", False),
    ("", None), ("再议", None),
])
def test_results_as_the_province_writes_them(text: str, passed: bool | None) -> None:
    assert parse_result(text) is passed
