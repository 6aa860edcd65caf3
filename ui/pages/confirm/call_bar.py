"""The desk's call line: the result of the phone call, logged without leaving 现场确认
(a call nobody logged is the commonest reason the card says a step is missing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.services.calls import CallOutcome
from app.services.errors import ServiceError
from app.services.workflow import StepsMissingError
from ui.widgets import messages
from ui.widgets.table import GREY

if TYPE_CHECKING:
    from app.services.calls import CallService


class CallBar(QWidget):
    """电话通知：[已接通] [无人接听] [号码错误] and a note, for the person on the card."""

    sig_logged = Signal(str)
    """A call was logged: the message to show (the card is shown again)."""

    def __init__(self, calls: CallService | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callBar")
        self.calls = calls
        self.applicant_id: int | None = None
        self.last = QLabel()
        self.last.setObjectName("callLast")
        self.last.setStyleSheet(f"color: {GREY};")
        self.note = QLineEdit()
        self.note.setObjectName("callNote")
        self.note.setPlaceholderText("通话说明（可不填）")
        self.buttons: dict[CallOutcome, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("电话通知："))
        for outcome in CallOutcome:
            b = QPushButton(outcome.label)
            b.setObjectName(f"call_{outcome.value}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the card keeps its keys
            b.clicked.connect(lambda _=False, o=outcome: self.log(o))
            self.buttons[outcome] = b
            row.addWidget(b)
        row.addWidget(self.note, 1)
        row.addWidget(self.last)
        self.setVisible(calls is not None)

    def set_person(self, applicant_id: int | None) -> None:
        self.applicant_id = applicant_id
        self.note.clear()
        self.last.setText("")
        if self.calls is None or applicant_id is None:
            return
        try:
            entries = self.calls.calls(applicant_id)
        except ServiceError:
            return
        made = [e for e in entries if e.outcome is not None]
        self.last.setText(f"上次：{made[-1].text}" if made else "尚未登记通话")

    def log(self, outcome: CallOutcome) -> None:
        if self.calls is None or self.applicant_id is None:
            return
        note = self.note.text().strip()
        try:
            try:
                result = self.calls.record_call(self.applicant_id, outcome, note)
            except StepsMissingError as e:
                if not messages.go_on(self, "登记电话通知", e.message):
                    return
                result = self.calls.record_call(self.applicant_id, outcome, note,
                                                override=True)
        except ServiceError as e:
            messages.warn(self, "无法登记电话通知", e.message)
            return
        self.sig_logged.emit(result.message)
