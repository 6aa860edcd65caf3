"""缴费: who owes what, the exact transfer remark (one click to copy), payments by hand,
and a bank statement matched to applicants by the remark rule (with a preview)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.balance import MoneyTotals
from app.domain.flow import OUTCOMES
from app.domain.money import yuan_text
from app.services.errors import ServiceError
from app.services.payments import METHODS
from ui.dialogs.payments import HeldDialog, PaymentDialog, StatementDialog
from ui.widgets import files, messages
from ui.widgets.errors import unexpected_text
from ui.widgets.table import AMBER, GREEN, GREY, RED, RowsModel, rows_table
from ui.widgets.workers import Task

if TYPE_CHECKING:
    from app.services.payments import (
        ApplicantBrief,
        MatchResult,
        PaymentService,
    )

_STATE_COLOURS = {"unpaid": RED, "partial": AMBER, "paid": GREEN, "overpaid": AMBER,
                  "nothing_due": GREY, "not_yet_due": GREY, "paid_ahead": AMBER}
STATEMENT_FILTER = "银行流水 (*.xlsx *.csv);;所有文件 (*)"


def list_briefs(service: PaymentService) -> list[ApplicantBrief]:
    """Every applicant with what they owe and paid, in one read."""
    return service.briefs()


# ---------------------------------------------------------------------- the list


class PaymentModel(RowsModel):
    (COL_SERIAL, COL_NAME, COL_POINT, COL_KIND, COL_STATUS, COL_DUE, COL_PAID, COL_STATE,
     COL_REMARK) = range(9)
    HEADERS = ("报名序号", "姓名", "报名点", "类别", "状态", "应缴", "已缴", "缴费情况",
               "转账备注")

    def text(self, b: ApplicantBrief, col: int) -> str:
        bal = b.balance
        return (b.serial_text, b.name, b.point_name, b.type_label, b.status.label,
                yuan_text(bal.due_fen), yuan_text(bal.paid_fen), bal.state.label,
                b.transfer_remark if b.transfer_remark and b.status not in OUTCOMES
                else "—")[col]

    def colour(self, b: ApplicantBrief, col: int) -> str | None:
        if col == self.COL_STATE:
            return _STATE_COLOURS.get(b.balance.state.value)
        return None


# ---------------------------------------------------------------------- the page


class PaymentPage(QWidget):
    def __init__(self, service: PaymentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = PaymentModel(self)
        self.table = rows_table(self.model)
        self.table.setObjectName("paymentTable")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.search = QLineEdit()
        self.search.setPlaceholderText("筛选：姓名或报名序号")
        self.search.textChanged.connect(lambda _="": self._apply_filter())
        self.unpaid_only = QCheckBox("只显示未缴清")
        self.unpaid_only.setToolTip("审核通过、仍欠费用的人（未审核通过的人暂不缴费）")
        self.unpaid_only.toggled.connect(lambda _=False: self._apply_filter())
        self.count_label = QLabel()
        self.record_button = QPushButton("登记缴费…")
        self.record_button.setObjectName("recordPaymentButton")
        self.record_button.clicked.connect(self.record_payment)
        self.import_button = QPushButton("导入银行流水…")
        self.import_button.setObjectName("importStatementButton")
        self.import_button.clicked.connect(self.import_statement)
        self.held_button = QPushButton("待核对…")
        self.held_button.setObjectName("heldButton")
        self.held_button.setToolTip("备注与规定不符等、暂不计入的缴费：核实后确认计入或不计入")
        self.held_button.clicked.connect(self.open_held)
        self.refund_button = QPushButton("登记退款…")
        self.refund_button.setObjectName("refundButton")
        self.refund_button.clicked.connect(self.record_refund)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("moneyTotals")
        self.totals_label.setWordWrap(True)
        self.remark_label = QLabel()
        self.remark_label.setObjectName("remarkLabel")
        self.remark_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = QFont(self.font())
        f.setPointSizeF(self.font().pointSizeF() * 1.4)
        f.setBold(True)
        self.remark_label.setFont(f)
        self.copy_button = QPushButton("复制备注")
        self.copy_button.setObjectName("copyRemarkButton")
        self.copy_button.clicked.connect(self.copy_remark)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("paymentMessage")
        self.message.setWordWrap(True)
        self.task: Task | None = None
        self.statement_dialog: StatementDialog | None = None
        self.held_dialog: HeldDialog | None = None
        self._all: list[ApplicantBrief] = []

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.unpaid_only)
        top.addWidget(self.count_label)
        top.addWidget(self.record_button)
        top.addWidget(self.refund_button)
        top.addWidget(self.import_button)
        top.addWidget(self.held_button)
        remark = QHBoxLayout()
        remark.addWidget(QLabel("转账备注："))
        remark.addWidget(self.remark_label)
        remark.addWidget(self.copy_button)
        remark.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>缴费</h2>"))
        layout.addLayout(top)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(remark)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        self._show_selected()

    def set_operator(self, name: str) -> None:
        self.service.operator = name
        self.service.applicants.operator = name

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self._all = list_briefs(self.service)
        totals = MoneyTotals.of([b.balance for b in self._all])  # = 统计, `overview`
        self.totals_label.setText(totals.text)
        self.held_button.setText(f"待核对（{totals.pending_count}）…")
        self._apply_filter()

    def _apply_filter(self) -> None:
        keep = self.current()
        text = self.search.text().strip()
        rows = [b for b in self._all
                if (not text or text in b.name or text in b.serial_text)
                and (not self.unpaid_only.isChecked() or b.balance.owing)]
        self.model.set_rows(rows)
        owing = sum(1 for b in self._all if b.balance.owing)
        self.count_label.setText(f"共 {len(rows)} 人，未缴清 {owing} 人")
        if keep is not None:
            self.select_id(keep.id)

    def current(self) -> ApplicantBrief | None:
        b: ApplicantBrief | None = self.model.row_at(self.table.currentIndex().row())
        return b

    def select_id(self, applicant_id: int) -> None:
        for i, b in enumerate(self.model.rows()):
            if b.id == applicant_id:
                self.table.selectRow(i)
                return

    def _show_selected(self) -> None:
        b = self.current()
        has_remark = b is not None and bool(b.transfer_remark)
        self.remark_label.setText(b.transfer_remark if b is not None and has_remark else "—")
        self.copy_button.setEnabled(has_remark)
        self.record_button.setEnabled(b is not None)
        self.refund_button.setEnabled(b is not None and b.balance.paid_fen > 0)
        if b is None:
            self.detail.setText("")
            return
        try:
            entries = self.service.payments(b.id)
        except ServiceError as e:
            self.detail.setText(e.message)
            return
        lines = [f"{b.text}：{b.balance.text}"]
        lines += [f"　{e.paid_on} {e.amount_text} 元 {e.method}"
                  f"{'（银行流水）' if e.from_statement else ''} 备注「{e.remark}」 "
                  f"登记人 {e.recorded_by}　<b>{e.state_text}</b>" for e in entries]
        self.detail.setText("<br>".join(lines))

    def copy_remark(self) -> None:
        b = self.current()
        if b is None:
            return
        QGuiApplication.clipboard().setText(b.transfer_remark)
        self.message.setText(f"已复制：{b.transfer_remark}")

    def record_payment(self) -> None:
        b = self.current()
        if b is None:
            return
        dialog = PaymentDialog(b, METHODS, self)
        if messages.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            result = self.service.record_payment(
                b.id, dialog.amount.text().strip(), dialog.paid_on(), dialog.remark.text(),
                dialog.method.currentText(), dialog.payer.text())
        except ServiceError as e:
            messages.warn(self, "无法登记缴费", e.message)
            return
        text = result.message
        if result.warnings:
            text += "　注意：" + "；".join(result.warnings)
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {AMBER};" if result.held else "")
        self.refresh()
        self.select_id(b.id)

    def record_refund(self) -> None:
        b = self.current()
        if b is None:
            return
        amount = messages.ask_text(self, f"登记退款：{b.name}",
                                   f"{b.balance.text}\n退款金额（元）：")
        if not amount:
            return
        reason = messages.ask_text(self, f"登记退款：{b.name}",
                                   "退款原因（如 多缴 330 元已原路退回）：")
        if reason is None:
            return
        try:
            result = self.service.record_refund(b.id, amount, self.service.today(), reason)
        except ServiceError as e:
            messages.warn(self, "无法登记退款", e.message)
            return
        self.message.setText(result.message)
        self.refresh()
        self.select_id(b.id)

    def _held_decided(self, text: str) -> None:
        self.message.setText(text)
        self.refresh()

    def open_held(self) -> None:
        dialog = HeldDialog(self.service, self)
        dialog.sig_decided.connect(self._held_decided)
        self.held_dialog = dialog
        messages.exec_dialog(dialog)
        self.refresh()

    # ------------------------------------------------------------------ statements
    def import_statement(self) -> None:
        path = files.choose_open_file(self, "导入银行流水", files.last_folder(files.STATEMENT),
                                      STATEMENT_FILTER)
        if path:
            files.remember_folder(files.STATEMENT, path)
            self.open_statement(path)

    def open_statement(self, path: str) -> None:
        """Read and match off the UI thread; the preview opens when done."""
        if self.task is not None and self.task.is_running():
            return
        service = self.service

        def work() -> tuple[MatchResult, list[ApplicantBrief]]:
            preview = service.read_statement(path)
            return service.match_statement(preview), list_briefs(service)

        self.message.setText("正在读取银行流水…")
        self.import_button.setEnabled(False)
        task = Task(work, self)
        task.sig_done.connect(self._statement_read)
        task.sig_failed.connect(self._statement_failed)
        task.sig_finished.connect(lambda: self.import_button.setEnabled(True))
        self.task = task
        task.start()

    def _statement_read(self, value: Any) -> None:
        result, people = value
        self.message.setText(result.summary)
        dialog = StatementDialog(self.service, result, people, self)
        dialog.sig_applied.connect(self._statement_applied)
        self.statement_dialog = dialog
        dialog.setModal(True)
        dialog.show()

    def _statement_applied(self, report: Any) -> None:
        self.message.setText(report.message)
        self.refresh()

    def _statement_failed(self, exc: object) -> None:
        self.message.setText("")
        text = (exc.message if isinstance(exc, ServiceError)
                else unexpected_text(exc, "读取银行流水") if isinstance(exc, BaseException)
                else "读取银行流水时出现意外错误，没有完成。")
        messages.warn(self, "无法读取银行流水", text)
