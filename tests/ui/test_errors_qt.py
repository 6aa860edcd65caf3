"""Qt's own messages reach the log file, and a critical one the person, in Chinese."""

from __future__ import annotations

import logging

from PySide6.QtCore import qCritical, qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.logs import log_file
from tests.ui.fakes import ShownBox
from ui.widgets.errors import install_qt_message_handler, setup_logging


def test_qt_messages_go_to_the_log_and_a_critical_one_to_a_chinese_box(
        qapp: QApplication, qtbot: QtBot, message_boxes: list[ShownBox]) -> None:
    log_path = setup_logging()
    assert log_path is not None and log_file() == log_path
    previous = install_qt_message_handler(log_path)
    try:
        qWarning("QWindow::setGeometry: unable to set geometry 9999x9999")
        qCritical("QPainter::begin: paint device returned engine == 0")
        qCritical("a second critical message is logged, not shown again")
        qtbot.waitUntil(lambda: len(message_boxes) == 1)
        qtbot.wait(50)
    finally:
        qInstallMessageHandler(previous)  # type: ignore[arg-type]
    (box,) = message_boxes
    assert box.title == "ClassDesk 出错了"
    assert "严重错误" in box.text and str(log_path) in box.text
    assert "QPainter" in box.details and "QPainter" not in box.text
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = log_path.read_text(encoding="utf-8")
    assert "Qt: QWindow::setGeometry" in logged and "second critical" in logged
