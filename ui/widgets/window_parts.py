"""Parts of the main window kept out of it: its size on first start (no saved geometry
yet), and what the page area shows while the database opens."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QStyle, QWidget

OPENING = "正在打开数据库…"


def default_geometry(window: QWidget) -> None:
    """First start: the form and the list need ~1200 px; a laptop's 1366×768 gets the
    whole screen, a bigger screen a large window in its middle."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)
    if available.width() <= 1440 or available.height() <= 800:
        window.resize(min(1280, available.width()), min(760, available.height()))
        window.setWindowState(Qt.WindowState.WindowMaximized)
        return
    size = QSize(min(1440, available.width() * 9 // 10), min(900, available.height() * 9 // 10))
    window.setGeometry(
        QStyle.alignedRect(
            Qt.LayoutDirection.LeftToRight, Qt.AlignmentFlag.AlignCenter, size, available
        )
    )


def opening_notice() -> QLabel:
    """What the page area shows while the database opens (at start, after a restore or a
    switch of class)."""
    label = QLabel(OPENING)
    label.setObjectName("openingNotice")
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setContentsMargins(12, 12, 12, 12)
    return label
