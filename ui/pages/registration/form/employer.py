"""Employer names as they are typed: names already on file (one query per pause in typing),
and a chosen name's credit code filled into 附件5 when that is still empty."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer
from PySide6.QtWidgets import QCompleter, QLineEdit

from app.services.errors import ServiceError

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService

EMPLOYER_DELAY_MS = 120


class EmployerCompletion(QObject):
    """Suggestions for the 工作单位 field, and the credit code that goes with the choice."""

    def __init__(self, service: ApplicantService, employer: QLineEdit, credit_code: QLineEdit,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.employer = employer
        self.credit_code = credit_code
        self._codes: dict[str, str] = {}
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setMaxVisibleItems(10)
        employer.setCompleter(self.completer)
        # one query per pause in typing, not per key
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(EMPLOYER_DELAY_MS)
        self._timer.timeout.connect(lambda: self.suggest(employer.text()))
        employer.textEdited.connect(lambda _t: self._timer.start())
        self.completer.activated.connect(self.chosen)
        employer.editingFinished.connect(lambda: self.chosen(employer.text().strip()))

    def suggest(self, text: str) -> None:
        if not text.strip():
            return
        try:
            suggestions = self.service.employer_suggestions(text)
        except ServiceError:
            return
        for employer, code in suggestions:
            if code or employer not in self._codes:
                self._codes[employer] = code
        self.model.setStringList([employer for employer, _ in suggestions])
        if suggestions and self.employer.hasFocus():
            self.completer.setCompletionPrefix(text)
            self.completer.complete()

    def chosen(self, employer: str) -> None:
        code = self._codes.get(employer.strip(), "")
        if code and not self.credit_code.text().strip():
            self.credit_code.setText(code)
