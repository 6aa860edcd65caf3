"""Asks who sits at this desk: the name recorded with every change (QSettings desk/operator)."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

OPERATOR_KEY = "desk/operator"
MAX_NAME_LENGTH = 20


def clean_name(text: str) -> str:
    """Full-width spaces and letters typed through a Chinese IME count as the same name."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def stored_operator(store: QSettings) -> str:
    value = store.value(OPERATOR_KEY, "")
    return clean_name(value) if isinstance(value, str) else ""


def store_operator(store: QSettings, name: str) -> None:
    store.setValue(OPERATOR_KEY, clean_name(name))
    store.sync()


class OperatorDialog(QDialog):
    """A name field with 确定/取消; 确定 stays disabled until a name is typed."""

    def __init__(
        self, current: str = "", first_start: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("operatorDialog")
        self.setWindowTitle("设置操作人" if first_start else "更换操作人")
        if first_start:
            intro = (
                "欢迎使用 ClassDesk。每一次录入、修改和删除都会记下操作人。\n"
                "请填写在这台电脑前办理报名的工作人员姓名："
            )
        else:
            intro = "以后的每一次修改都将记在新的操作人名下。\n请填写现在办理报名的工作人员姓名："
        message = QLabel(intro)
        message.setWordWrap(True)

        self.name_edit = QLineEdit(current)
        self.name_edit.setObjectName("operatorName")
        self.name_edit.setPlaceholderText("例如：陆薇")
        self.name_edit.setMaxLength(MAX_NAME_LENGTH)
        self.name_edit.setClearButtonEnabled(True)
        message.setBuddy(self.name_edit)

        hint = QLabel("以后可在菜单「设置 → 更换操作人」中更改。")
        hint.setStyleSheet("color: palette(mid);")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update_ok)
        self._update_ok()

        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.name_edit)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)
        self.name_edit.selectAll()
        self.name_edit.setFocus()

    def name(self) -> str:
        return clean_name(self.name_edit.text())

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name()))

    def accept(self) -> None:
        if not self.name():  # Enter in an empty field: 确定 is disabled, so is this
            return
        super().accept()


def ask_operator(
    store: QSettings, parent: QWidget | None = None, *, first_start: bool = False
) -> str | None:
    """Show the dialog; store and return the name, or None if the person cancelled."""
    dialog = OperatorDialog(stored_operator(store), first_start=first_start, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.name():
            return None
        name = dialog.name()
    finally:
        dialog.deleteLater()
    store_operator(store, name)
    return name
