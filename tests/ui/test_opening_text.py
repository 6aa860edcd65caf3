"""While the database opens (at start, after a restore), the page area says so and nothing
else: no page promises a feature 'in a later version' (the restored page used to)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.fake_form import FakeForm
from ui.main_window import MainWindow
from ui.page_factory import TASKS
from ui.widgets.settings import settings

MISLEADING = ("后续版本", "将在", "敬请期待", "尚未实现")


def visible_texts(root: QWidget) -> list[str]:
    texts = [w.text() for w in root.findChildren(QLabel) if w.isVisibleTo(root)]
    texts += [w.text() for w in root.findChildren(QAbstractButton) if w.isVisibleTo(root)]
    return [t for t in texts if t]


@pytest.mark.parametrize("last_page", ["照片检查", "初审与通知", "报名录入", "概览"])
def test_the_restored_page_says_the_database_is_opening(
        qtbot: QtBot, last_page: str, form_factory: type[FakeForm]) -> None:
    assert last_page in (*TASKS, "概览")
    settings().setValue("main_window/page", last_page)
    frame = MainWindow(form_factory=form_factory)
    qtbot.addWidget(frame)
    frame.show()
    qtbot.waitExposed(frame)
    assert frame.pages.currentWidget() is frame.opening
    texts = visible_texts(frame)
    assert "正在打开数据库…" in texts
    assert [t for t in texts if any(m in t for m in MISLEADING)] == []
