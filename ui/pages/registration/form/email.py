"""EMAIL地址: after the "@", the common mail domains complete inline (Tab keeps them)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

DOMAINS = (
    "163.com", "qq.com", "126.com", "sina.com", "139.com", "foxmail.com", "yeah.net",
    "hotmail.com", "outlook.com", "sohu.com", "aliyun.com", "gmail.com",
)
"""In the order a first letter picks them: "1" → 163.com, "s" → sina.com."""


class EmailCompletion:
    """Inline completion of the domain: "liming@1" shows "liming@163.com" with "63.com"
    selected; typing on replaces the selection, Tab moves on with it."""

    def __init__(self, edit: QLineEdit) -> None:
        self.edit = edit
        self.model = QStringListModel(edit)
        self.completer = QCompleter(self.model, edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        edit.setCompleter(self.completer)
        edit.textEdited.connect(self.update)

    def update(self, text: str) -> None:
        local, at, _domain = text.partition("@")
        names = [f"{local}@{d}" for d in DOMAINS] if at and local else []
        if names != self.model.stringList():
            self.model.setStringList(names)
