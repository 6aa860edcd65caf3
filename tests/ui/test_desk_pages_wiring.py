"""The main window builds 初审与通知, 现场确认, 缴费 and 统计 on the opened database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.page_factory import CONFIRM, PAYMENTS, REVIEW, STATS
from ui.pages.confirm.page import ConfirmPage
from ui.pages.payments import PaymentPage
from ui.pages.review import ReviewPage
from ui.pages.stats import StatsPage

if TYPE_CHECKING:
    from app.services.startup import StartupInfo


def test_pages_replace_the_placeholders_and_follow_the_operator(
    qtbot: QtBot, desk_info: StartupInfo
) -> None:
    w = MainWindow(desk_info)
    qtbot.addWidget(w)
    w.set_operator("王老师")
    w.show()
    qtbot.waitExposed(w)
    kinds = {REVIEW: ReviewPage, CONFIRM: ConfirmPage, PAYMENTS: PaymentPage, STATS: StatsPage}
    for name, kind in kinds.items():
        w.show_page(name)
        page = w.pages.currentWidget()
        assert isinstance(page, kind), name
    confirm = w.desk_pages[CONFIRM]
    assert isinstance(confirm, ConfirmPage)
    assert confirm.service.operator == "王老师"
    w.show_page(CONFIRM)
    qtbot.waitUntil(lambda: w.focusWidget() is confirm.box)
