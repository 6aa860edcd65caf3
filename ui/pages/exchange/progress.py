"""The exchange page's progress rows (bar and 取消) and its coloured result lines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

OK_COLOR = "#2e7d32"
ERROR_COLOR = "#c62828"
MUTED_COLOR = "#5f6b7a"


class ProgressRow(QWidget):
    """A progress bar with its 取消 button, shown while a job of its group runs."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMinimumWidth(220)
        self.bar.setFormat("%v / %m")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setObjectName(f"{name}Cancel")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.hide()

    def begin(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy until the first progress says how many
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.show()

    def progress(self, done: int, total: int) -> None:
        if total <= 0:
            if self.bar.maximum() != 0:
                self.bar.setRange(0, 0)
            return
        if self.bar.maximum() != total:
            self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))


def result_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


def set_state(label: QLabel, text: str, state: str) -> None:
    color = {"ok": OK_COLOR, "error": ERROR_COLOR}.get(state, MUTED_COLOR)
    label.setStyleSheet(f"color: {color};" + (" font-weight: bold;" if state == "ok" else ""))
    label.setText(text)
    label.setProperty("state", state)
