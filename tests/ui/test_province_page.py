"""报省与核查: a selection marked 已报省公司 after a question that says how many, the
province's answers by hand, and its returned list previewed and imported."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus as S
from app.services.province import ProvinceService
from app.services.workflow import WorkflowService
from db.engine import Database
from tests.support.desk import person
from ui.pages.province import ProvincePage
from ui.widgets import messages

CLOCK = datetime(2021, 10, 12, 9, 0)


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> ProvincePage:
    p = ProvincePage(ProvinceService(db, "张晓桐", clock=lambda: CLOCK))
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def status(db: Database, aid: int) -> S:
    return WorkflowService(db, "x").applicants.get(aid).status


def test_mark_a_selection_sent_then_record_the_answers(
        qtbot: QtBot, page: ProvincePage, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [person(db, n, S.REVIEW_PASSED) for n in ("甲", "乙", "丙")]
    person(db, "丁", S.COUNTY_CHECKED)  # not reviewed: not on the list
    page.refresh()
    assert page.model.rowCount() == 3 and page.count_label.text() == "共 3 人"
    assert not page.sent_button.isEnabled()
    qtbot.mouseClick(page.all_button, Qt.MouseButton.LeftButton)
    assert page.sent_button.text() == "标记为已报省公司（3 人）…"
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, yes, **kw: asked.append(text) or True)
    qtbot.mouseClick(page.sent_button, Qt.MouseButton.LeftButton)
    assert asked == ["将 3 人标记为「已报省公司」。"]
    assert {status(db, a) for a in ids} == {S.SENT_TO_PROVINCE}
    assert page.model.rowCount() == 0, "nobody left waiting to be sent"
    assert page.message.text().startswith("已报省公司：已更改 3 人")

    page.view.setCurrentIndex(1)  # 已报省，待核查
    assert page.model.rowCount() == 3
    page.table.selectRow(0)
    qtbot.mouseClick(page.pass_button, Qt.MouseButton.LeftButton)
    assert status(db, ids[0]) is S.PROVINCE_CHECKED
    page.table.selectRow(0)
    monkeypatch.setattr(messages, "ask_text", lambda parent, title, label: "学历证明不符")
    qtbot.mouseClick(page.fail_button, Qt.MouseButton.LeftButton)
    assert status(db, ids[1]) is S.PROVINCE_REJECTED
    assert WorkflowService(db, "x").status_history(ids[1])[-1].reasons == ("学历证明不符",)


def test_the_returned_list_is_previewed_then_imported(
        qtbot: QtBot, page: ProvincePage, db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sent = [person(db, n, S.SENT_TO_PROVINCE) for n in ("甲", "乙")]
    early = person(db, "丙", S.REVIEW_PASSED)  # not marked as sent: asked once
    numbers = [WorkflowService(db, "x").applicants.get(a).data.id_number
               for a in (*sent, early)]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["身份证号", "审核结果", "原因"])
    ws.append([numbers[0], "通过", ""])
    ws.append([numbers[1], "不通过", "照片不合格"])
    ws.append([numbers[2], "通过", ""])
    path = tmp_path / "审核结果.xlsx"
    wb.save(path)
    page.open_list(str(path))
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=5000)
    dialog = page.dialog
    assert dialog is not None
    assert dialog.summary.text() == ("共 3 行：通过 2 人，未通过 1 人；1 人尚未登记「已报省公司」，"
                                     "导入时会先询问。")
    assert dialog.apply_button.text() == "导入（3 人）"
    monkeypatch.setattr(messages, "go_on", lambda parent, title, text: True)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.report.text() == "省公司审核名单：已更改 3 人。"
    assert [status(db, a) for a in (*sent, early)] == [
        S.PROVINCE_CHECKED, S.PROVINCE_REJECTED, S.PROVINCE_CHECKED]
    dialog.close()
