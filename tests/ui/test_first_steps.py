"""First start: 概览 on a class with nobody registered shows what to do first, and its
buttons go there; once someone is registered the guide makes way for the figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.applicants import ApplicantService
from tests.support.people import applicant
from tests.ui.fake_form import FakeForm
from ui.main_window import MainWindow
from ui.page_factory import EXCHANGE, OVERVIEW, REGISTRATION
from ui.pages.exchange.page import ExchangePage
from ui.pages.overview import GUIDE_TITLE, OverviewPage


def window(qtbot: QtBot, desk_info: object, form_factory: type[FakeForm]) -> MainWindow:
    win = MainWindow(form_factory=form_factory)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.sig_ready):
        win.attach(desk_info)  # type: ignore[arg-type]
    win.show_page(OVERVIEW)
    return win


def overview(win: MainWindow) -> OverviewPage:
    page = win.overview
    assert isinstance(page, OverviewPage)
    return page


def test_an_empty_class_shows_the_first_steps_and_the_buttons_go_there(
        qtbot: QtBot, desk_info: object, form_factory: type[FakeForm],
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[MainWindow] = []
    monkeypatch.setattr(MainWindow, "show_classes", lambda self: opened.append(self))
    win = window(qtbot, desk_info, form_factory)
    page = overview(win)
    guide = page.guide
    assert guide.isVisible() and guide.title() == GUIDE_TITLE
    text = " ".join(lbl.text() for lbl in guide.findChildren(type(page.summary_label)))
    assert "报名点" in text and "报名录入" in text and "导入" in text and "附件5" in text
    assert [b.text() for b in guide.buttons] == ["班次设置…", "去报名录入", "导入县区汇总表"]
    assert "班次设置" in text and "维护人员" not in text

    qtbot.mouseClick(guide.buttons[0], Qt.MouseButton.LeftButton)
    assert opened == [win]  # the window's 班次 dialog (patched: it is modal)

    qtbot.mouseClick(guide.buttons[1], Qt.MouseButton.LeftButton)
    assert win.current_page_name() == REGISTRATION
    assert win.pages.currentWidget() is win.registration

    win.show_page(OVERVIEW)
    qtbot.mouseClick(guide.buttons[2], Qt.MouseButton.LeftButton)
    assert win.current_page_name() == EXCHANGE
    shown = win.pages.currentWidget()
    assert isinstance(shown, ExchangePage) and shown.import_panel.isVisible()


def test_the_guide_goes_once_someone_is_registered(
        qtbot: QtBot, desk_info: object, form_factory: type[FakeForm], tmp_path: Path) -> None:
    db = desk_info.db  # type: ignore[attr-defined]
    ApplicantService(db, "张晓桐").create(applicant("钱学森"))
    win = window(qtbot, desk_info, form_factory)
    win.on_count_changed(1)
    win.show_page(REGISTRATION)
    win.show_page(OVERVIEW)
    page = overview(win)
    assert not page.guide.isVisible()
    assert "已报名 <b>1</b> 人" in page.summary_label.text()
