"""A small line under the form's header: the person's exam result as the province sent it
(or as typed by hand), the record of last year they came back from, and 录入成绩… to type
the result by hand (ui/dialogs/results.py). Hidden for a new record not yet saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from app.services.desk import local_time
from app.services.errors import ServiceError
from app.services.results import ResultsService
from ui.dialogs.results import ResultEntryDialog
from ui.widgets import messages

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.services.applicants import ApplicantService


class ResultsBox(QWidget):
    """考试结果：不合格（知识 52，技能 71，综合 —）　省公司成绩表「…」 2022-01-05　上年记录：…"""

    def __init__(self, svc: ApplicantService, current_id: Callable[[], int | None],
                 parent: QWidget, *changed: SignalInstance,
                 reload: Callable[[int], object] | None = None,
                 is_dirty: Callable[[], bool] | None = None) -> None:
        """`parent`: the form, its layout gets this line under its header; `changed`: the
        form's signals after which the record shown may be another; `reload(id)` shows the
        record again after a result is saved (its version moved), `is_dirty()` says the
        form has unsaved changes (then 录入成绩 asks to save them first)."""
        super().__init__(parent)
        self.setObjectName("resultsBox")
        self.current_id = current_id
        self.results: ResultsService | None = None
        self.label = QLabel()
        self.label.setObjectName("resultsText")
        self.label.setStyleSheet("color: #334; padding: 2px 14px;")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.enter_button = QPushButton("录入成绩…")
        self.enter_button.setObjectName("enterResultButton")
        self.enter_button.setToolTip("手工录入此人的考试成绩（知识/技能/综合分，合格/不合格）")
        self.enter_button.clicked.connect(self.enter_result)
        # no taller than the line of text: the form below keeps its room at 1366×768
        self.enter_button.setStyleSheet("padding: 0px 10px;")
        self.enter_button.setMaximumHeight(self.label.sizeHint().height() + 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.enter_button)
        row.addSpacing(14)
        self.reload = reload
        self.is_dirty = is_dirty
        self.dialog: ResultEntryDialog | None = None
        self.service = svc
        for signal in changed:
            signal.connect(self.refresh)
        # under the form's header (its layout's first item), when the form has one
        layout = parent.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(1, self)
        self.shown_id: int | None = None
        self.hide()

    def results_service(self) -> ResultsService:
        if self.results is None:
            s = self.service
            self.results = ResultsService(s.db, s.operator, s.campaign_id)
        self.results.operator = self.service.operator.strip() or "未署名"
        return self.results

    def refresh(self, *_: object) -> None:
        applicant_id = self.current_id()
        if applicant_id is None:
            self.shown_id = None
            self.hide()
            return
        try:
            got = self.results_service().result_of(applicant_id)
        except ServiceError:
            self.hide()
            return
        parts = []
        if not got.empty:
            when = f" {local_time(got.at):%Y-%m-%d}" if got.at else ""
            parts.append(f"考试结果：{got.text}　{got.source}{when}")
        if got.previous:
            parts.append(f"上年记录：{got.previous}（从上一期带回）")
        if not parts:  # the line stays for its 录入成绩… button
            parts.append("考试结果：暂无成绩")
        self.label.setText("　　".join(parts))
        self.shown_id = applicant_id
        self.setVisible(True)

    def enter_result(self) -> None:
        """录入成绩… for the saved record shown; the line (and the record) shown again after."""
        applicant_id = self.current_id()
        if applicant_id is None:
            return
        if self.is_dirty is not None and self.is_dirty():
            messages.warn(self, "录入成绩",
                          "报名表有尚未保存的修改：请先保存（或撤销）再录入成绩。")
            return
        try:
            results = self.results_service()
            current = results.result_of(applicant_id)
            name = self.service.get(applicant_id).data.name
        except ServiceError as e:
            messages.warn(self, "录入成绩", e.message)
            return
        dialog = ResultEntryDialog(results, applicant_id, name, current, self)
        self.dialog = dialog
        saved = messages.exec_dialog(dialog) == ResultEntryDialog.DialogCode.Accepted
        self.dialog = None
        dialog.deleteLater()
        if not saved:
            return
        if self.reload is not None:
            self.reload(applicant_id)  # the record's version moved: the form takes it again
        self.refresh()
