"""初审与通知: the initial review (blockers, pass / return with reasons, history) and the
call list (who to phone, what to tell them, how each call went)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import ApplicantStatus
from app.services.calls import CallOutcome
from app.services.desk import local_time
from app.services.errors import ServiceError
from app.services.workflow import ReviewBlockedError, StepsMissingError
from ui.dialogs import return_reasons
from ui.widgets import messages
from ui.widgets.table import AMBER, GREEN, RED, RowsModel, rows_table

if TYPE_CHECKING:
    from app.services.calls import CallItem, CallService
    from app.services.workflow import ReviewRow, WorkflowService

OVERRIDE_TITLE = "仍然通过初审"
CALL_NOTE_LABEL = "备注（如：改拨固定电话、家属代接）："


class ReviewModel(RowsModel):
    COL_SERIAL, COL_NAME, COL_ID, COL_POINT, COL_STATUS, COL_PROBLEMS, COL_PHOTO = range(7)
    HEADERS = ("报名序号", "姓名", "身份证号", "报名点", "状态", "问题", "照片")

    def text(self, row: ReviewRow, col: int) -> str:
        if col == self.COL_PROBLEMS:
            parts = []
            if row.error_count:
                parts.append(f"{row.error_count} 错误")
            if row.warning_count:
                parts.append(f"{row.warning_count} 提示")
            return "，".join(parts)
        return (row.serial_text, row.name, row.id_number, row.point_name, row.status.label,
                "", row.photo.label)[col]

    def colour(self, row: ReviewRow, col: int) -> str | None:
        if col == self.COL_PROBLEMS:
            return RED if row.error_count else AMBER if row.warning_count else None
        if col == self.COL_PHOTO:
            return GREEN if row.photo.label == "照片合格" else RED
        if col == self.COL_STATUS and row.status is ApplicantStatus.RETURNED:
            return AMBER
        return None


class CallModel(RowsModel):
    (COL_SERIAL, COL_NAME, COL_MOBILE, COL_POINT, COL_RESULT, COL_AMOUNT, COL_REMARK,
     COL_ATTEMPTS) = range(8)
    HEADERS = ("报名序号", "姓名", "手机", "报名点", "告知结果", "应缴金额", "转账备注",
               "尝试次数/上次结果")

    def text(self, row: CallItem, col: int) -> str:
        if col == self.COL_MOBILE:
            return row.mobile or row.phone
        if col == self.COL_AMOUNT:
            return row.amount_text if row.transfer_remark else "—"
        if col == self.COL_ATTEMPTS:
            if not row.attempts:
                return "未拨打"
            return f"{row.attempts} 次：{row.last_text}"
        return (row.serial_text, row.name, "", row.point_name, row.result, "",
                row.transfer_remark, "")[col]

    def colour(self, row: CallItem, col: int) -> str | None:
        if col == self.COL_RESULT:
            return GREEN if row.result == "初审通过" else AMBER
        if col == self.COL_ATTEMPTS and row.last_outcome is not None:
            return GREEN if row.done else RED
        return None


# ---------------------------------------------------------------------- 初审 tab


class ReviewTab(QWidget):
    def __init__(self, workflow: WorkflowService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workflow = workflow
        self.model = ReviewModel(self)
        self.table = rows_table(self.model)
        self.table.setObjectName("reviewTable")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.all_check = QCheckBox("显示已初审的学员")
        self.all_check.toggled.connect(lambda _=False: self.refresh())
        self.count_label = QLabel()

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.blockers = QListWidget()
        self.blockers.setObjectName("blockerList")
        self.blockers.setWordWrap(True)
        self.history = QListWidget()
        self.history.setObjectName("statusHistory")
        self.history.setWordWrap(True)
        self.pass_button = QPushButton("通过")
        self.pass_button.setObjectName("passButton")
        self.pass_button.clicked.connect(self.review_pass)
        self.return_button = QPushButton("退回…")
        self.return_button.setObjectName("returnButton")
        self.return_button.clicked.connect(self.review_return)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.all_check)
        top.addStretch(1)
        top.addWidget(self.count_label)
        ll.addLayout(top)
        ll.addWidget(self.table)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.heading)
        rl.addWidget(QLabel("<b>须先解决的问题</b>（红：错误，黄：提示）"))
        rl.addWidget(self.blockers, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pass_button)
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        rl.addLayout(buttons)
        rl.addWidget(self.result_label)
        rl.addWidget(QLabel("<b>状态记录</b>"))
        rl.addWidget(self.history, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([620, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._show_selected()

    def refresh(self) -> None:
        keep = self.current()
        rows = self.workflow.review_list(include_reviewed=self.all_check.isChecked())
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 人")
        target = 0
        if keep is not None:
            target = next((i for i, r in enumerate(rows) if r.id == keep.id), 0)
        if rows:
            self.table.selectRow(min(target, len(rows) - 1))
        self._show_selected()

    def current(self) -> ReviewRow | None:
        row: ReviewRow | None = self.model.row_at(self.table.currentIndex().row())
        return row

    def select_id(self, applicant_id: int) -> None:
        for i, r in enumerate(self.model.rows()):
            if r.id == applicant_id:
                self.table.selectRow(i)
                return

    def _show_selected(self) -> None:
        row = self.current()
        self.blockers.clear()
        self.history.clear()
        self.pass_button.setEnabled(row is not None)
        self.return_button.setEnabled(row is not None)
        if row is None:
            self.heading.setText("请在左侧选择学员。")
            return
        self.heading.setText(f"<h3>{row.serial_text} {row.name}</h3>"
                             f"{row.point_name}　状态：{row.status.label}")
        try:
            problems = self.workflow.blockers(row.id)
            changes = self.workflow.status_history(row.id)
        except ServiceError as e:
            self.heading.setText(e.message)
            return
        if not problems:
            item = QListWidgetItem("没有问题，可以通过初审。")
            item.setForeground(QColor(GREEN))
            self.blockers.addItem(item)
        for p in problems:
            item = QListWidgetItem(("✗ " if p.is_error else "！ ") + p.message)
            item.setForeground(QColor(RED if p.is_error else AMBER))
            self.blockers.addItem(item)
        for c in changes:
            self.history.addItem(f"{local_time(c.at):%m-%d %H:%M} {c.operator}：{c.text}")

    def review_pass(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            try:
                self.workflow.review_pass(row.id, row.version)
            except ReviewBlockedError as e:
                note = messages.ask_multiline_text(
                    self, OVERRIDE_TITLE, f"{e.message}\n\n请写明仍然通过的理由：")
                if not note:
                    return
                self.workflow.review_pass(row.id, row.version, note, override=True)
        except ServiceError as e:
            messages.warn(self, "不能通过初审", e.message)
            return
        self.result_label.setText(f"{row.name}：初审通过。下一步：报省公司（在「报省与核查」"
                                  "中标记已报省公司）；省鉴定中心核查通过后再电话通知。")
        self.refresh()

    def review_return(self) -> None:
        row = self.current()
        if row is None:
            return
        answer = return_reasons.ask_return(self, row.name)
        if answer is None:
            return
        reasons, note = answer
        try:
            self.workflow.review_return(row.id, row.version, reasons, note)
        except ServiceError as e:
            messages.warn(self, "不能退回", e.message)
            return
        self.result_label.setText(f"{row.name}：已退回补正（{'；'.join(reasons)}），"
                                  "已列入电话通知名单。")
        self.refresh()


# ---------------------------------------------------------------------- 电话通知 tab


class CallTab(QWidget):
    def __init__(self, calls: CallService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calls = calls
        self.model = CallModel(self)
        self.table = rows_table(self.model)
        self.table.setObjectName("callTable")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.done_check = QCheckBox("也显示已接通的")
        self.done_check.toggled.connect(lambda _=False: self.refresh())
        self.waiting_check = QCheckBox("也显示待省鉴定中心核查的")
        self.waiting_check.setObjectName("waitingCheck")
        self.waiting_check.setToolTip("通知书的顺序：省人社厅职业技能鉴定中心核查通过后再逐一电话告知；"
                                      "省公司的结果还没登记时，可勾选后先通知（会询问一次）")
        self.waiting_check.toggled.connect(lambda _=False: self.refresh())
        self.count_label = QLabel()
        self.script = QPlainTextEdit()
        self.script.setObjectName("callScript")
        self.script.setReadOnly(True)
        self.copy_button = QPushButton("复制")
        self.copy_button.setObjectName("copyScriptButton")
        self.copy_button.clicked.connect(self.copy_script)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("callNote")
        self.note_edit.setPlaceholderText("通话备注（可不填）")
        self.reached_button = QPushButton("已接通")
        self.no_answer_button = QPushButton("无人接听")
        self.wrong_button = QPushButton("号码错误")
        for button, outcome in ((self.reached_button, CallOutcome.REACHED),
                                (self.no_answer_button, CallOutcome.NO_ANSWER),
                                (self.wrong_button, CallOutcome.WRONG_NUMBER)):
            button.clicked.connect(lambda _=False, o=outcome: self.record(o))
        self.result_label = QLabel()
        self.result_label.setObjectName("callResult")
        self.result_label.setWordWrap(True)

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
        for b in (self.reached_button, self.no_answer_button, self.wrong_button):
            buttons.addWidget(b)
        rl.addLayout(buttons)
        rl.addWidget(self.result_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setSizes([380, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter)
        self._show_selected()

    def refresh(self) -> None:
        keep = self.current()
        rows = self.calls.call_list(include_done=self.done_check.isChecked(),
                                    include_waiting=self.waiting_check.isChecked())
        self.model.set_rows(rows)
        self.count_label.setText(f"待通知 {sum(1 for r in rows if not r.done)} 人")
        target = 0
        if keep is not None:
            target = next((i for i, r in enumerate(rows) if r.applicant_id == keep.applicant_id),
                          0)
        if rows:
            self.table.selectRow(min(target, len(rows) - 1))
        self._show_selected()

    def current(self) -> CallItem | None:
        item: CallItem | None = self.model.row_at(self.table.currentIndex().row())
        return item

    def select_id(self, applicant_id: int) -> None:
        for i, r in enumerate(self.model.rows()):
            if r.applicant_id == applicant_id:
                self.table.selectRow(i)
                return

    def _show_selected(self) -> None:
        item = self.current()
        self.script.setPlainText(item.script if item is not None else "")
        for b in (self.copy_button, self.reached_button, self.no_answer_button,
                  self.wrong_button):
            b.setEnabled(item is not None)

    def copy_script(self) -> None:
        clip = QGuiApplication.clipboard()
        clip.setText(self.script.toPlainText())
        self.result_label.setText("通话内容已复制。")

    def record(self, outcome: Any) -> None:
        item = self.current()
        if item is None:
            return
        note = self.note_edit.text().strip()
        if outcome is CallOutcome.WRONG_NUMBER and not note:
            asked = messages.ask_text(self, "号码错误", CALL_NOTE_LABEL)
            if asked is None:
                return
            note = asked
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


# ---------------------------------------------------------------------- the page


class ReviewPage(QWidget):
    """初审与通知: two tabs; each refreshes when shown."""

    def __init__(self, workflow: WorkflowService, calls: CallService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review = ReviewTab(workflow)
        self.call_tab = CallTab(calls)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.review, "初审")
        self.tabs.addTab(self.call_tab, "电话通知")
        self.tabs.currentChanged.connect(lambda _=0: self.refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>初审与通知</h2>"))
        layout.addWidget(self.tabs)

    def set_operator(self, name: str) -> None:
        for svc in (self.review.workflow, self.call_tab.calls):
            svc.operator = name
            svc.applicants.operator = name

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if self.tabs.currentWidget() is self.review:
            self.review.refresh()
        else:
            self.call_tab.refresh()
