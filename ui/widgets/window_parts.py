"""Parts of the main window kept out of it: its size on first start (no saved geometry
yet), what the page area shows while the database opens, and the line above every page
that says the class shown is a past one, read-only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

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


READ_ONLY = ("这是往年的班次，只能查看：保存、导入、缴费等修改都不会被接受。"
             "要修改它，请在“班次…”里选中它并点“解锁…”（写明原因，记入历史）；"
             "要录入今年的报名，请切换到当前班次。")


def read_only_banner(open_classes: Callable[[], None]) -> QFrame:
    """The line above every page while a past (locked) class is shown, with the way out."""
    bar = QFrame()
    bar.setObjectName("readOnlyBanner")
    bar.setStyleSheet("QFrame#readOnlyBanner { background: #fff4e5; "
                      "border-bottom: 1px solid #f0b35a; }")
    lay = QHBoxLayout(bar)
    lay.setContentsMargins(12, 6, 12, 6)
    text = QLabel(READ_ONLY)
    text.setObjectName("readOnlyText")
    text.setWordWrap(True)
    button = QPushButton("班次…")
    button.setObjectName("readOnlyClasses")
    button.setToolTip("文件 → 班次…：解锁这个班次，或切换到另一个班次")
    button.clicked.connect(open_classes)
    lay.addWidget(text, 1)
    lay.addWidget(button)
    bar.hide()
    return bar


def with_banner(banner: QWidget, body: QWidget) -> QWidget:
    """`body` with `banner` above it, as one central widget."""
    holder = QWidget()
    lay = QVBoxLayout(holder)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    lay.addWidget(banner)
    lay.addWidget(body, 1)
    return holder
