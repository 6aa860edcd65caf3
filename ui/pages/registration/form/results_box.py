"""A small read-only line under the form's header: the person's exam result as the
province sent it (or as typed by hand), and the record of last year they came back from.
Hidden while there is nothing to say (a new record, no result yet)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QWidget

from app.services.desk import local_time
from app.services.errors import ServiceError
from app.services.results import ResultsService

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.services.applicants import ApplicantService


class ResultsBox(QWidget):
    """考试结果：不合格（知识 52，技能 71，综合 —）　省公司成绩表「…」 2022-01-05　上年记录：…"""

    def __init__(self, svc: ApplicantService, current_id: Callable[[], int | None],
                 parent: QWidget, *changed: SignalInstance) -> None:
        """`parent`: the form, its layout gets this line under its header; `changed`: the
        form's signals after which the record shown may be another."""
        super().__init__(parent)
        self.setObjectName("resultsBox")
        self.current_id = current_id
        self.results: ResultsService | None = None
        self.label = QLabel()
        self.label.setObjectName("resultsText")
        self.label.setStyleSheet("color: #334; padding: 2px 14px;")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        self.service = svc
        for signal in changed:
            signal.connect(self.refresh)
        # under the form's header (its layout's first item), when the form has one
        layout = parent.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(1, self)
        self.shown_id: int | None = None
        self.hide()

    def refresh(self, *_: object) -> None:
        applicant_id = self.current_id()
        if applicant_id is None:
            self.shown_id = None
            self.hide()
            return
        try:
            if self.results is None:
                s = self.service
                self.results = ResultsService(s.db, s.operator, s.campaign_id)
            got = self.results.result_of(applicant_id)
        except ServiceError:
            self.hide()
            return
        parts = []
        if not got.empty:
            when = f" {local_time(got.at):%Y-%m-%d}" if got.at else ""
            parts.append(f"考试结果：{got.text}　{got.source}{when}")
        if got.previous:
            parts.append(f"上年记录：{got.previous}（从上一期带回）")
        self.label.setText("　　".join(parts))
        self.shown_id = applicant_id
        self.setVisible(bool(parts))
