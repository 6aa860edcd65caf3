"""初审与通知: pass (and pass despite problems), return with reasons, record calls."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus as S
from app.services.calls import CallService
from app.services.workflow import WorkflowService
from db.engine import Database
from tests.support.desk import add_photo, person
from ui.dialogs import return_reasons
from ui.dialogs.return_reasons import ReturnDialog
from ui.pages.review import ReviewPage
from ui.widgets import messages
from ui.widgets import table as review_page

CLOCK = datetime(2021, 9, 22, 10, 0)


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> ReviewPage:
    p = ReviewPage(WorkflowService(db, "初审员", clock=lambda: CLOCK),
                   CallService(db, "电话员", clock=lambda: CLOCK))
    qtbot.addWidget(p)
    p.resize(1200, 750)
    return p


def show(qtbot: QtBot, p: ReviewPage) -> None:
    p.show()
    qtbot.waitExposed(p)


def test_pass_return_and_override(qtbot: QtBot, page: ReviewPage, db: Database,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    good = person(db, "通过者", S.COUNTY_CHECKED)
    add_photo(db, good)
    back = person(db, "退回者", S.COUNTY_CHECKED)
    add_photo(db, back, passed=False, check_json='["照片太小"]')
    nophoto = person(db, "无手机", mobile="")
    show(qtbot, page)
    tab = page.review
    assert tab.model.rowCount() == 3

    tab.select_id(good)
    assert tab.blockers.item(0).text() == "没有问题，可以通过初审。"
    qtbot.mouseClick(tab.pass_button, Qt.MouseButton.LeftButton)
    assert WorkflowService(db, "x").applicants.get(good).status is S.REVIEW_PASSED
    assert "下一步：报省公司" in tab.result_label.text(), "the call comes after the province"
    assert tab.model.rowCount() == 2  # left the list of those awaiting review

    tab.select_id(back)
    texts = [tab.blockers.item(i).text() for i in range(tab.blockers.count())]
    assert any("照片太小" in t for t in texts)
    assert tab.blockers.item(0).foreground().color().name() == review_page.RED

    def fill(parent: QWidget | None, name: str) -> tuple[list[str], str] | None:
        d = ReturnDialog(name, parent)
        d.checks[0].setChecked(True)  # 照片不合格
        d.checks[3].setChecked(True)  # 缺少学信网证明
        d.note.setText("请重拍白底照片")
        return d.reasons(), d.note_text()

    monkeypatch.setattr(return_reasons, "ask_return", fill)
    qtbot.mouseClick(tab.return_button, Qt.MouseButton.LeftButton)
    last = WorkflowService(db, "x").status_history(back)[-1]
    assert last.to_status is S.RETURNED and last.operator == "初审员"
    assert last.reasons == ("照片不合格", "缺少学信网证明") and last.note == "请重拍白底照片"
    tab.all_check.setChecked(True)
    tab.select_id(back)
    assert any("退回补正" in tab.history.item(i).text() for i in range(tab.history.count()))

    # an error blocks: the reviewer is asked for a note; cancel keeps, a note passes
    tab.select_id(nophoto)
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask_multiline_text",
                        lambda parent, title, text: asked.append(text) or None)
    qtbot.mouseClick(tab.pass_button, Qt.MouseButton.LeftButton)
    assert asked and "手机" in asked[0]
    assert WorkflowService(db, "x").applicants.get(nophoto).status is S.REGISTERED
    monkeypatch.setattr(messages, "ask_multiline_text", lambda parent, title, text: "手机现场补填")
    qtbot.mouseClick(tab.pass_button, Qt.MouseButton.LeftButton)
    last = WorkflowService(db, "x").status_history(nophoto)[-1]
    assert last.to_status is S.REVIEW_PASSED and "手机现场补填" in last.note


def test_return_dialog_reasons() -> None:
    d = ReturnDialog("某")
    assert d.reasons() == []
    d.note.setText("单位证明无公章")
    assert d.reasons() == ["单位证明无公章"] and d.note_text() == ""
    d.checks[-1].setChecked(True)  # 其他 + text: the text is the reason
    assert d.reasons() == ["单位证明无公章"]
    d.close()


def test_call_list_records_outcomes(qtbot: QtBot, page: ReviewPage, db: Database,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = person(db, "甲", S.PROVINCE_CHECKED, mobile="13900000001")
    second = person(db, "乙", S.PROVINCE_CHECKED, mobile="13900000002")
    page.tabs.setCurrentWidget(page.call_tab)
    show(qtbot, page)
    tab = page.call_tab
    assert tab.model.rowCount() == 2
    tab.select_id(first)
    script = tab.script.toPlainText()
    assert script.startswith("甲您好") and "南通甲助理信用管理师" in script
    assert tab.model.data(tab.model.index(0, tab.model.COL_REMARK)) == "南通甲助理信用管理师"
    qtbot.mouseClick(tab.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == script

    qtbot.mouseClick(tab.no_answer_button, Qt.MouseButton.LeftButton)
    assert "无人接听（第 1 次）" in tab.result_label.text()
    tab.select_id(first)
    attempts = tab.model.data(tab.model.index(0, tab.model.COL_ATTEMPTS))
    assert attempts.startswith("1 次：无人接听")

    tab.note_edit.setText("本人接听")
    qtbot.mouseClick(tab.reached_button, Qt.MouseButton.LeftButton)
    assert WorkflowService(db, "x").applicants.get(first).status is S.PHONED
    assert [r.name for r in tab.model.rows()] == ["乙"]

    monkeypatch.setattr(messages, "ask_text", lambda parent, title, label: "空号")
    tab.select_id(second)
    qtbot.mouseClick(tab.wrong_button, Qt.MouseButton.LeftButton)
    entries = CallService(db, "x").calls(second)
    assert entries[-1].text == "号码错误：空号" and entries[-1].operator == "电话员"


def test_a_call_before_the_provinces_answer_asks_once(qtbot: QtBot, page: ReviewPage,
                                                      db: Database,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    aid = person(db, "先通知", S.SENT_TO_PROVINCE)
    page.tabs.setCurrentWidget(page.call_tab)
    show(qtbot, page)
    tab = page.call_tab
    assert tab.model.rowCount() == 0, "told once the province has answered"
    tab.waiting_check.setChecked(True)
    assert tab.model.rowCount() == 1
    tab.select_id(aid)
    asked: list[str] = []
    monkeypatch.setattr(messages, "go_on",
                        lambda parent, title, text: asked.append(text) or False)
    qtbot.mouseClick(tab.reached_button, Qt.MouseButton.LeftButton)
    assert asked and "「省鉴定中心已核」" in asked[0]
    assert WorkflowService(db, "x").applicants.get(aid).status is S.SENT_TO_PROVINCE
    monkeypatch.setattr(messages, "go_on", lambda parent, title, text: True)
    qtbot.mouseClick(tab.reached_button, Qt.MouseButton.LeftButton)
    assert WorkflowService(db, "x").applicants.get(aid).status is S.PHONED
