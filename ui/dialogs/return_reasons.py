"""退回补正: the standard return reasons as checkboxes, and a free text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.flow import RETURN_REASONS


class ReturnDialog(QDialog):
    """退回补正: the standard reasons as checkboxes, and a free text."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"退回补正：{name}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("请选择退回原因（可多选），或在下面填写："))
        self.checks: list[QCheckBox] = []
        for reason in RETURN_REASONS:
            box = QCheckBox(reason)
            self.checks.append(box)
            layout.addWidget(box)
        self.note = QLineEdit()
        self.note.setPlaceholderText("其他原因或说明（如：学信网证明已过期）")
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("退回")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def reasons(self) -> list[str]:
        picked = [c.text() for c in self.checks if c.isChecked() and c.text() != "其他"]
        typed = self.note.text().strip()
        if typed and not picked:
            picked.append(typed)
        elif not picked and any(c.isChecked() for c in self.checks):
            picked.append("其他")
        return picked

    def note_text(self) -> str:
        picked = [c for c in self.checks if c.isChecked() and c.text() != "其他"]
        return self.note.text().strip() if picked else ""


def ask_return(parent: QWidget | None, name: str) -> tuple[list[str], str] | None:
    """(reasons, note) or None when cancelled. Callers use `return_reasons.ask_return`, so
    tests answer it by patching this module."""
    dialog = ReturnDialog(name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.reasons(), dialog.note_text()
