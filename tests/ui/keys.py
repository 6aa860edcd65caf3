"""Typing as a person does: Latin keys as key presses, Chinese as an input method commits it."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def commit_text(widget: QWidget, text: str) -> None:
    """What a pinyin IME sends when the person picks 张 from its candidates."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """One event per character (QTest cannot press keys for characters beyond Latin-1)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            commit_text(widget, ch)
