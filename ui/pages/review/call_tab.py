"""电话通知 tab: whom to phone, searched and filtered; what to tell them; how each call went,
for one person or the same outcome for the selected batch."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import ApplicantStatus
from app.services.calls import CallOutcome
from app.services.errors import ServiceError
from app.services.workflow import StepsMissingError
from ui.pages.review.filters import ListFilters
from ui.pages.review.models import CallModel, multi_table, selected_rows
from ui.widgets import messages

if TYPE_CHECKING:
    from app.services.calls import BatchCalls, CallItem, CallService

CALL_NOTE_LABEL = "备注（如：改拨固定电话、家属代接）："
OUTCOME_KEYS = {CallOutcome.REACHED: "Ctrl+1", CallOutcome.NO_ANSWER: "Ctrl+2",
                CallOutcome.WRONG_NUMBER: "Ctrl+3"}


class CallTab(QWidget):
    def __init__(self, calls: CallService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calls = calls
        self.model = CallModel(self)
        self.table = multi_table(self.model)
        self.table.setObjectName("callTable")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.filters = ListFilters(calls.campaign,
                                   [s for s in ApplicantStatus if s is not ApplicantStatus.PAID],
                                   self.table, "call")
        self.filters.sig_changed.connect(self.refresh)
        self.done_check = QCheckBox("也显示已接通的")
        self.done_check.toggled.connect(lambda _=False: self.refresh())
        self.waiting_check = QCheckBox("也显示待省鉴定中心核查的")
        self.waiting_check.setObjectName("waitingCheck")
        self.waiting_check.setToolTip("通知书的顺序：省人社厅职业技能鉴定中心核查通过后再逐一电话告知；"
                                      "省公司的结果还没登记时，可勾选后先通知（会询问一次）")
        self.waiting_check.toggled.connect(lambda _=False: self.refresh())
        self.count_label = QLabel()
        self.count_label.setObjectName("callCount")
        self.script = QPlainTextEdit()
        self.script.setObjectName("callScript")
        self.script.setReadOnly(True)
        self.copy_button = QPushButton("复制")
        self.copy_button.setObjectName("copyScriptButton")
        self.copy_button.clicked.connect(self.copy_script)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("callNote")
        self.note_edit.setPlaceholderText("通话备注（可不填）")
        self.reached_button = QPushButton()
        self.no_answer_button = QPushButton()
        self.wrong_button = QPushButton()
        self.outcome_buttons = {CallOutcome.REACHED: self.reached_button,
                                CallOutcome.NO_ANSWER: self.no_answer_button,
                                CallOutcome.WRONG_NUMBER: self.wrong_button}
        for outcome, button in self.outcome_buttons.items():
            button.clicked.connect(lambda _=False, o=outcome: self.record(o))
            sc = QShortcut(QKeySequence(OUTCOME_KEYS[outcome]), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda o=outcome: self.record(o))
        self.result_label = QLabel()
        self.result_label.setObjectName("callResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(self.done_check)
        top.addWidget(self.waiting_check)
        top.addStretch(1)
        top.addWidget(self.count_label)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>通话内容</b>（照读即可）"))
        head.addStretch(1)
        head.addWidget(self.copy_button)
        rl.addLayout(head)
        rl.addWidget(self.script, 1)
        rl.addWidget(self.note_edit)
        buttons = QHBoxLayout()
        for b in self.outcome_buttons.values():
            buttons.addWidget(b)
        buttons.addWidget(QLabel("Ctrl+F 搜索，↓ 进入列表，Shift/Ctrl 多选"))
        buttons.addStretch(1)
        rl.addLayout(buttons)
        rl.addWidget(self.result_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setSizes([380, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addLayout(top)
        layout.addWidget(splitter)
        order = (self.filters.search_edit, self.filters.point_combo, self.filters.status_combo,
                 self.done_check, self.waiting_check, self.table, self.note_edit,
                 self.reached_button, self.no_answer_button, self.wrong_button,
                 self.copy_button)
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self._show_selected()

    # ------------------------------------------------------------------ the list
    def refresh(self) -> None:
        keep = {r.applicant_id for r in self.selected()}
        current = self.current()
        try:
            rows = self.calls.call_list(include_done=self.done_check.isChecked(),
                                        include_waiting=self.waiting_check.isChecked(),
                                        **self.filters.values())
        except ServiceError as e:  # search text too long: say so, keep the list
            self.count_label.setText(e.message)
            return
        self.model.set_rows(rows)
        self.count_label.setText(f"待通知 {sum(1 for r in rows if not r.done)} 人")
        if rows:
            wanted = [i for i, r in enumerate(rows) if r.applicant_id in keep]
            if not wanted:
                wanted = [next((i for i, r in enumerate(rows) if current is not None
                                and r.applicant_id == current.applicant_id), 0)]
            selection = self.table.selectionModel()
            flags = QItemSelectionModel.SelectionFlag
            selection.setCurrentIndex(self.model.index(wanted[0], 0),
                                      flags.ClearAndSelect | flags.Rows)
            for r in wanted[1:]:
                selection.select(self.model.index(r, 0), flags.Select | flags.Rows)
        self._show_selected()

    def current(self) -> CallItem | None:
        item: CallItem | None = self.model.row_at(self.table.currentIndex().row())
        return item

    def selected(self) -> list[CallItem]:
        return [self.model.row_at(i) for i in selected_rows(self.table)]

    def select_id(self, applicant_id: int) -> None:
        for i, r in enumerate(self.model.rows()):
            if r.applicant_id == applicant_id:
                self.table.selectRow(i)
                return

    def _show_selected(self) -> None:
        items = self.selected()
        if len(items) > 1:
            self.script.setPlainText(
                f"已选 {len(items)} 人：" + "、".join(i.name for i in items)
                + "\n\n下面的按钮为每人记录同一个通话结果（如一轮拨打后都无人接听）。")
        else:
            self.script.setPlainText(items[0].script if items else "")
        suffix = f"（{len(items)} 人）" if len(items) > 1 else ""
        for outcome, button in self.outcome_buttons.items():
            button.setText(f"{outcome.label}{suffix} {OUTCOME_KEYS[outcome]}")
            button.setEnabled(bool(items))
        self.copy_button.setEnabled(len(items) == 1)

    def copy_script(self) -> None:
        clip = QGuiApplication.clipboard()
        clip.setText(self.script.toPlainText())
        self.result_label.setText("通话内容已复制。")

    # ------------------------------------------------------------------ calls
    def _note(self, outcome: CallOutcome) -> str | None:
        note = self.note_edit.text().strip()
        if outcome is CallOutcome.WRONG_NUMBER and not note:
            asked = messages.ask_text(self, "号码错误", CALL_NOTE_LABEL)
            if asked is None:
                return None
            note = asked
        return note

    def record(self, outcome: Any) -> None:
        items = self.selected()
        if not items:
            return
        if len(items) > 1:
            self._record_many(items, outcome)
            return
        item = items[0]
        note = self._note(outcome)
        if note is None:
            return
        try:
            try:
                result = self.calls.record_call(item.applicant_id, outcome, note)
            except StepsMissingError as e:  # a step left out: ask once, one key goes on
                if not messages.go_on(self, "电话通知", e.message):
                    return
                result = self.calls.record_call(item.applicant_id, outcome, note,
                                                override=True)
        except ServiceError as e:
            messages.warn(self, "无法记录通话", e.message)
            return
        self.note_edit.clear()
        self.result_label.setText(result.message)
        self.refresh()

    def _record_many(self, items: list[CallItem], outcome: CallOutcome) -> None:
        note = self._note(outcome)
        if note is None:
            return
        batch = self.calls.record_calls([i.applicant_id for i in items], outcome, note)
        lines = [batch.message]
        if batch.needs_override:
            names = "、".join(i.name for i in items
                             if i.applicant_id in dict(batch.needs_override))
            if messages.go_on(self, "电话通知",
                              f"{names}：省鉴定中心的核查结果还没有登记。"):
                again = self.calls.record_calls([a for a, _ in batch.needs_override],
                                                outcome, note, override=True)
                lines = [self._merged(batch, again)]
        labels = {i.applicant_id: f"{i.serial_text} {i.name}" for i in items}
        lines += [f"未记录 {labels.get(aid, aid)}：{why}" for aid, why in batch.refused]
        self.note_edit.clear()
        self.result_label.setText("\n".join(lines))
        self.refresh()

    @staticmethod
    def _merged(first: BatchCalls, again: BatchCalls) -> str:
        done = len(first.done) + len(again.done)
        refused = len(first.refused) + len(again.refused) + len(again.needs_override)
        return f"已记录 {done} 人的通话" + (f"，{refused} 人未记录" if refused else "") + "。"
