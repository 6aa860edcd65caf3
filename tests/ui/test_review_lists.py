"""初审与通知 as a desk works through a county's batch: search as you type, 报名点 and
status filters, several rows selected and passed / returned / called at once, and all of
it from the keyboard."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus as S
from app.services.calls import CallService
from app.services.workflow import WorkflowService
from db.engine import Database
from tests.support.desk import add_photo, person
from tests.support.people import id_number
from tests.ui.keys import type_text
from ui.dialogs import return_reasons
from ui.pages.review.page import ReviewPage
from ui.widgets import messages

CLOCK = datetime(2021, 9, 22, 10, 0)
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> ReviewPage:
    p = ReviewPage(WorkflowService(db, "初审员", clock=lambda: CLOCK),
                   CallService(db, "电话员", clock=lambda: CLOCK))
    qtbot.addWidget(p)
    p.resize(1366, 700)
    return p


def show(qtbot: QtBot, p: ReviewPage) -> None:
    with qtbot.waitActive(p):  # the shortcuts work in the active window
        p.show()
        p.activateWindow()


def status(db: Database, aid: int) -> S:
    return WorkflowService(db, "x").applicants.get(aid).status


def names(tab: object) -> list[str]:
    return [r.name for r in tab.model.rows()]  # type: ignore[attr-defined]


def county_batch(db: Database) -> dict[str, int]:
    """如东县 hands in three, 海门区 one: real region codes, valid check digits."""
    people = {
        "张晓明": dict(id_number=id_number("320623", date(1988, 5, 17), 31),
                    registration_point="如东县", mobile="13912345678"),
        "张丽": dict(id_number=id_number("320623", date(1990, 8, 2), 32, male=False),
                   registration_point="如东县", mobile="13912340000"),
        "周建国": dict(id_number=id_number("320623", date(1979, 1, 9), 33),
                    registration_point="如东县", mobile="15850001111"),
        "李海燕": dict(id_number=id_number("320684", date(1985, 3, 21), 34, male=False),
                    registration_point="海门区", mobile="18006281234"),
    }
    ids = {n: person(db, n, S.COUNTY_CHECKED, **kw) for n, kw in people.items()}
    for aid in ids.values():
        add_photo(db, aid)
    return ids


def test_review_list_searches_as_you_type_and_filters(qtbot: QtBot, page: ReviewPage,
                                                      db: Database) -> None:
    county_batch(db)
    show(qtbot, page)
    tab = page.review
    assert names(tab) == ["张晓明", "张丽", "周建国", "李海燕"]
    edit = tab.filters.search_edit
    edit.setFocus()
    type_text(qtbot, edit, "张")
    qtbot.waitUntil(lambda: names(tab) == ["张晓明", "张丽"])
    assert tab.count_label.text() == "共 2 人"
    edit.clear()
    type_text(qtbot, edit, "zjg")  # pinyin initials, as on the applicant list
    qtbot.waitUntil(lambda: names(tab) == ["周建国"])
    edit.clear()
    type_text(qtbot, edit, "19850321")  # part of the ID number
    qtbot.waitUntil(lambda: names(tab) == ["李海燕"])
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: len(names(tab)) == 4)

    combo = tab.filters.point_combo
    combo.setCurrentIndex(combo.findText("海门区"))
    assert names(tab) == ["李海燕"]
    combo.setCurrentIndex(0)
    status_combo = tab.filters.status_combo
    status_combo.setCurrentIndex(status_combo.findText(S.REGISTERED.label))
    assert names(tab) == []
    assert tab.count_label.text() == "共 0 人"


def test_batch_pass_from_the_keyboard_and_the_one_with_errors_is_left(
        qtbot: QtBot, page: ReviewPage, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = county_batch(db)
    bad = person(db, "吴刚", S.COUNTY_CHECKED, registration_point="如东县",
                 id_number=id_number("320623", date(1982, 6, 6), 35))
    add_photo(db, bad, passed=False, check_json='["照片太小"]')
    show(qtbot, page)
    tab = page.review
    combo = tab.filters.point_combo
    combo.setCurrentIndex(combo.findText("如东县"))
    assert names(tab) == ["张晓明", "张丽", "周建国", "吴刚"]

    tab.filters.focus_search()
    qtbot.keyClick(tab.filters.search_edit, Qt.Key.Key_Down)  # into the list, first row
    assert tab.focusWidget() is tab.table and [r.name for r in tab.selected()] == ["张晓明"]
    for _ in range(3):
        qtbot.keyClick(tab.table, Qt.Key.Key_Down, SHIFT)
    assert [r.name for r in tab.selected()] == ["张晓明", "张丽", "周建国", "吴刚"]
    assert tab.pass_button.text() == "通过选中的 4 人"
    assert "其中 1 人有错误" in tab.heading.text()

    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, yes, **kw: asked.append(text) or True)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return, CTRL)
    assert asked and "4 人" in asked[0]
    for n in ("张晓明", "张丽", "周建国"):
        assert status(db, ids[n]) is S.REVIEW_PASSED
    assert status(db, bad) is S.COUNTY_CHECKED
    assert status(db, ids["李海燕"]) is S.COUNTY_CHECKED, "another county, not selected"
    text = tab.result_label.text()
    assert text.startswith("已更改 3 人，1 人未更改。初审通过。")
    assert "吴刚" in text and "逐人处理" in text
    assert names(tab) == ["吴刚"], "the passed left the list; the refused stays selected"
    assert [r.name for r in tab.selected()] == ["吴刚"]


def test_batch_return_with_one_reason(qtbot: QtBot, page: ReviewPage, db: Database,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ids = county_batch(db)
    show(qtbot, page)
    tab = page.review
    tab.table.setFocus()
    tab.table.selectAll()
    assert len(tab.selected()) == 4
    asked: list[str] = []

    def fill(parent: QWidget | None, name: str) -> tuple[list[str], str] | None:
        asked.append(name)
        return ["缺少学信网证明"], "请县区统一补交"

    monkeypatch.setattr(return_reasons, "ask_return", fill)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return, CTRL | SHIFT)
    assert asked == ["选中的 4 人"]
    w = WorkflowService(db, "x")
    for aid in ids.values():
        last = w.status_history(aid)[-1]
        assert last.to_status is S.RETURNED and last.operator == "初审员"
        assert last.reasons == ("缺少学信网证明",) and last.note == "请县区统一补交"
    assert tab.result_label.text().startswith("已更改 4 人。已退回补正（缺少学信网证明）")
    # returned people stay on the review list (they may come back), shown as 退回补正
    assert {r.status for r in tab.model.rows()} == {S.RETURNED}


def test_call_list_search_filter_and_batch_outcome_by_key(
        qtbot: QtBot, page: ReviewPage, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    a = person(db, "陈一", S.PROVINCE_CHECKED, registration_point="如皋市",
               id_number=id_number("320682", date(1986, 2, 3), 41), mobile="13962700001")
    b = person(db, "陈二", S.PROVINCE_CHECKED, registration_point="如皋市",
               id_number=id_number("320682", date(1987, 4, 5), 42), mobile="13962700002")
    c = person(db, "马三", S.RETURNED, registration_point="启东市",
               id_number=id_number("320681", date(1983, 9, 9), 43), mobile="13962700003")
    page.tabs.setCurrentWidget(page.call_tab)
    show(qtbot, page)
    tab = page.call_tab
    assert names(tab) == ["陈一", "陈二", "马三"]
    combo = tab.filters.point_combo
    combo.setCurrentIndex(combo.findText("启东市"))
    assert names(tab) == ["马三"]
    combo.setCurrentIndex(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_F, CTRL)
    assert tab.focusWidget() is tab.filters.search_edit
    type_text(qtbot, tab.filters.search_edit, "陈")
    qtbot.waitUntil(lambda: names(tab) == ["陈一", "陈二"])
    qtbot.keyClick(tab.filters.search_edit, Qt.Key.Key_Return)  # Enter: into the list
    assert tab.focusWidget() is tab.table
    qtbot.keyClick(tab.table, Qt.Key.Key_A, CTRL)
    assert tab.no_answer_button.text().startswith("无人接听（2 人）")
    tab.note_edit.setText("第一轮")
    qtbot.keyClick(tab.table, Qt.Key.Key_2, CTRL)  # 无人接听 for both
    assert tab.result_label.text().startswith("已记录 2 人的通话。")
    calls = CallService(db, "x")
    for aid in (a, b):
        last = calls.calls(aid)[-1]
        assert last.text == "无人接听：第一轮" and last.operator == "电话员"
    assert calls.calls(c)[-1].outcome is None, "filtered out: not called"
    assert tab.note_edit.text() == ""

    tab.table.setFocus()
    tab.table.selectAll()
    qtbot.keyClick(tab.table, Qt.Key.Key_1, CTRL)  # 已接通: both told, off the list
    assert status(db, a) is S.PHONED and status(db, b) is S.PHONED
    assert names(tab) == []
    qtbot.keyClick(tab.filters.search_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: names(tab) == ["马三"])


def test_tab_order_goes_search_filters_list_buttons(qtbot: QtBot, page: ReviewPage,
                                                   db: Database) -> None:
    county_batch(db)
    show(qtbot, page)
    tab = page.review
    tab.filters.focus_search()
    seen = []
    for _ in range(5):
        qtbot.keyClick(tab.focusWidget(), Qt.Key.Key_Tab)
        seen.append(tab.focusWidget())
    assert seen[:5] == [tab.filters.point_combo, tab.filters.status_combo, tab.all_check,
                        tab.table, tab.pass_button]
