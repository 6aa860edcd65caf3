"""缴费: who owes what, the exact transfer remark (one click to copy), payments by hand,
and a bank statement matched to applicants by the remark rule (with a preview)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import ServiceError
from ui.applicant_form import warn
from ui.review_page import GREEN, GREY, RED, _RowsModel, _table
from ui.workers import Task

if TYPE_CHECKING:
    from app.services.payments import (
        ApplicantBrief,
        MatchLine,
        MatchResult,
        PaymentService,
        Selection,
    )

AMBER = "#a86400"
_STATE_COLOURS = {"unpaid": RED, "partial": AMBER, "paid": GREEN, "overpaid": AMBER,
                  "nothing_due": GREY}
# background of a statement line by its category
_CATEGORY_BG = {"matched": "#d9f2df", "already_imported": "#e6e6e6", "not_incoming": "#eeeeee",
                "invalid": "#f8d0d0", "unknown_name": "#f8d0d0"}
_NEEDS_CHOICE_BG = "#fde9c4"
SKIP = "（不记入）"


def list_briefs(service: PaymentService) -> list[ApplicantBrief]:
    """Every applicant with what they owe and paid, in one read."""
    return service.briefs()


def yuan(fen: int) -> str:
    from app.domain.money import yuan_text

    return yuan_text(fen)


# ---------------------------------------------------------------------- tests patch these


def exec_dialog(dialog: QDialog) -> int:
    return dialog.exec()


def choose_statement_file(parent: QWidget | None) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "导入银行流水", "",
                                          "银行流水 (*.xlsx *.csv);;所有文件 (*)")
    return path or None


# ---------------------------------------------------------------------- the list


class PaymentModel(_RowsModel):
    (COL_SERIAL, COL_NAME, COL_POINT, COL_KIND, COL_STATUS, COL_DUE, COL_PAID, COL_STATE,
     COL_REMARK) = range(9)
    HEADERS = ("报名序号", "姓名", "报名点", "类别", "状态", "应缴", "已缴", "缴费情况",
               "转账备注")

    def text(self, b: ApplicantBrief, col: int) -> str:
        bal = b.balance
        return (b.serial_text, b.name, b.point_name, b.enrolment_type.label, b.status.label,
                yuan(bal.due_fen), yuan(bal.paid_fen), bal.state.label,
                b.transfer_remark if bal.due_fen else "—")[col]

    def colour(self, b: ApplicantBrief, col: int) -> str | None:
        if col == self.COL_STATE:
            return _STATE_COLOURS.get(b.balance.state.value)
        return None


class PaymentDialog(QDialog):
    """登记缴费: amount, date, remark, method (and payer)."""

    def __init__(self, brief: ApplicantBrief, methods: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"登记缴费：{brief.name}")
        form = QFormLayout(self)
        form.addRow(QLabel(f"{brief.text}<br>{brief.balance.text}"))
        outstanding = brief.balance.outstanding_fen
        self.amount = QLineEdit(yuan(outstanding) if outstanding else "")
        self.amount.setPlaceholderText("如 3130")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.remark = QLineEdit(brief.transfer_remark)
        self.method = QComboBox()
        self.method.setEditable(True)
        self.method.addItems(list(methods))
        self.payer = QLineEdit()
        form.addRow("金额（元）", self.amount)
        form.addRow("缴费日期", self.date)
        form.addRow("转账备注", self.remark)
        form.addRow("方式", self.method)
        form.addRow("付款人", self.payer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def paid_on(self) -> date:
        d = self.date.date()
        return date(d.year(), d.month(), d.day())


# ---------------------------------------------------------------------- statement preview


class StatementDialog(QDialog):
    """The statement's lines, coloured by category; ambiguous lines get a person picker."""

    COL_APPLY, COL_ROW, COL_DATE, COL_AMOUNT, COL_PAYER, COL_REMARK, COL_CATEGORY, COL_WHO, \
        COL_MESSAGE = range(9)
    HEADERS = ("记入", "行", "日期", "金额", "付款人", "备注", "分类", "学员", "说明")

    sig_applied = Signal(object)

    def __init__(self, service: PaymentService, result: MatchResult,
                 people: list[ApplicantBrief], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.match = result
        self.setWindowTitle(f"银行流水：{result.preview.source}")
        self.resize(1100, 560)
        self.summary = QLabel(f"{result.summary}<br><span style='color:{GREY}'>"
                              f"列：{result.preview.columns_text}</span>")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(result.lines), len(self.HEADERS))
        self.table.setObjectName("statementTable")
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        self.checks: list[QCheckBox | None] = []
        self.combos: list[QComboBox | None] = []
        for r, m in enumerate(result.lines):
            ln = m.line
            cells = ["", str(ln.row), ln.paid_on.isoformat() if ln.paid_on else "",
                     ln.amount_text, ln.payer, ln.remark, m.category.label,
                     m.applicant.text if m.applicant else "", m.message]
            bg = QColor(_CATEGORY_BG.get(m.category.value,
                                         _NEEDS_CHOICE_BG if m.needs_choice else "#ffffff"))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setBackground(QBrush(bg))
                self.table.setItem(r, c, item)
            check: QCheckBox | None = None
            combo: QComboBox | None = None
            if m.category.value == "matched":
                check = QCheckBox()
                check.setChecked(True)
                self.table.setCellWidget(r, self.COL_APPLY, check)
            elif m.needs_choice:
                combo = QComboBox()
                combo.addItem(SKIP, None)
                # the service's candidates first, then whoever still owes, else everyone
                shown = list(m.candidates) + [
                    p for p in result.unpaid if all(p.id != c.id for c in m.candidates)]
                for b in shown or people:
                    combo.addItem(f"{b.text} {b.balance.text}", b.id)
                self.table.setCellWidget(r, self.COL_WHO, combo)
            self.checks.append(check)
            self.combos.append(combo)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.report = QLabel()
        self.report.setObjectName("statementReport")
        self.report.setWordWrap(True)
        self.apply_button = QPushButton("记入所选")
        self.apply_button.setObjectName("applyStatementButton")
        self.apply_button.clicked.connect(self.apply)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def choose(self, row: int, applicant_id: int | None) -> None:
        combo = self.combos[row]
        assert combo is not None
        combo.setCurrentIndex(max(0, combo.findData(applicant_id)))

    def selected(self) -> list[MatchLine | Selection]:
        from app.services.payments import Selection

        out: list[MatchLine | Selection] = []
        for m, check, combo in zip(self.match.lines, self.checks, self.combos, strict=True):
            if check is not None and check.isChecked():
                out.append(m)
            elif combo is not None and combo.currentData() is not None:
                out.append(Selection(m.line, int(combo.currentData())))
        return out

    def apply(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.report.setText("没有选择要记入的行。")
            return
        try:
            report = self.service.apply_matches(chosen)
        except ServiceError as e:
            warn(self, "无法记入", e.message)
            return
        warnings = [w for r in report.applied for w in r.warnings]
        text = report.message
        if warnings:
            text += "　注意：" + "；".join(warnings[:3])
        self.report.setText(text)
        self.apply_button.setEnabled(False)
        self.sig_applied.emit(report)


# ---------------------------------------------------------------------- the page


class PaymentPage(QWidget):
    def __init__(self, service: PaymentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = PaymentModel(self)
        self.table = _table(self.model)
        self.table.setObjectName("paymentTable")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.search = QLineEdit()
        self.search.setPlaceholderText("筛选：姓名或报名序号")
        self.search.textChanged.connect(lambda _="": self._apply_filter())
        self.unpaid_only = QCheckBox("只显示未缴清")
        self.unpaid_only.toggled.connect(lambda _=False: self._apply_filter())
        self.count_label = QLabel()
        self.record_button = QPushButton("登记缴费…")
        self.record_button.setObjectName("recordPaymentButton")
        self.record_button.clicked.connect(self.record_payment)
        self.import_button = QPushButton("导入银行流水…")
        self.import_button.setObjectName("importStatementButton")
        self.import_button.clicked.connect(self.import_statement)
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
        self._all: list[ApplicantBrief] = []

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.unpaid_only)
        top.addWidget(self.count_label)
        top.addWidget(self.record_button)
        top.addWidget(self.import_button)
        remark = QHBoxLayout()
        remark.addWidget(QLabel("转账备注："))
        remark.addWidget(self.remark_label)
        remark.addWidget(self.copy_button)
        remark.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>缴费</h2>"))
        layout.addLayout(top)
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
        self._apply_filter()

    def _apply_filter(self) -> None:
        keep = self.current()
        text = self.search.text().strip()
        rows = [b for b in self._all
                if (not text or text in b.name or text in b.serial_text)
                and (not self.unpaid_only.isChecked() or not b.balance.settled)]
        self.model.set_rows(rows)
        owing = sum(1 for b in self._all if not b.balance.settled)
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
        has_remark = b is not None and b.balance.due_fen > 0
        self.remark_label.setText(b.transfer_remark if b is not None and has_remark else "—")
        self.copy_button.setEnabled(has_remark)
        self.record_button.setEnabled(b is not None)
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
                  f"登记人 {e.recorded_by}" for e in entries]
        self.detail.setText("<br>".join(lines))

    def copy_remark(self) -> None:
        b = self.current()
        if b is None:
            return
        QGuiApplication.clipboard().setText(b.transfer_remark)
        self.message.setText(f"已复制：{b.transfer_remark}")

    def record_payment(self) -> None:
        from app.services.payments import METHODS

        b = self.current()
        if b is None:
            return
        dialog = PaymentDialog(b, METHODS, self)
        if exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            result = self.service.record_payment(
                b.id, dialog.amount.text().strip(), dialog.paid_on(), dialog.remark.text(),
                dialog.method.currentText(), dialog.payer.text())
        except ServiceError as e:
            warn(self, "无法登记缴费", e.message)
            return
        text = result.message
        if result.warnings:
            text += "　注意：" + "；".join(result.warnings)
        self.message.setText(text)
        self.refresh()
        self.select_id(b.id)

    # ------------------------------------------------------------------ statements
    def import_statement(self) -> None:
        path = choose_statement_file(self)
        if path:
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
        text = exc.message if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
        warn(self, "无法读取银行流水", text)
