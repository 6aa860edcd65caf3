"""Only the page shown is built when the database opens; the others on their first visit."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.fakes import StartupInfo
from ui.main_window import MainWindow
from ui.page_factory import REVIEW
from ui.pages.review import ReviewPage
from ui.widgets.settings import settings


def test_only_the_page_shown_is_built_then_each_on_its_first_visit(
    qtbot: QtBot, startup_info: StartupInfo
) -> None:
    settings().setValue("main_window/page", "统计")
    window = MainWindow(startup_info)
    qtbot.addWidget(window)
    assert list(window.built_pages()) == ["统计"]
    assert window.pages.count() == len(window.nav_labels())
    stand_in = window.pages.widget(window.nav_labels().index(REVIEW))
    assert type(stand_in) is QWidget  # an empty placeholder

    window.show_page(REVIEW)
    page = window.pages.currentWidget()
    assert isinstance(page, ReviewPage)
    assert window.pages.indexOf(page) == window.nav_labels().index(REVIEW)
    assert set(window.built_pages()) == {"统计", REVIEW}
    window.show_page("统计")
    window.show_page(REVIEW)
    assert window.pages.currentWidget() is page  # built once
