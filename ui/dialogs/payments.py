"""缴费's dialogs: 登记缴费 (one payment by hand) and the bank statement's preview, where
matched lines are ticked, ambiguous ones get a person picker, and the choice is applied."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
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

from app.domain.money import yuan_text
from app.services.errors import ServiceError
from app.services.payments import Selection
from ui.widgets import messages
from ui.widgets.table import GREY

if TYPE_CHECKING:
    from app.services.payments import ApplicantBrief, MatchLine, MatchResult, PaymentService

# background of a statement line by its category
CATEGORY_BG = {"matched": "#d9f2df", "already_imported": "#e6e6e6", "not_incoming": "#eeeeee",
               "invalid": "#f8d0d0", "unknown_name": "#f8d0d0"}
NEEDS_CHOICE_BG = "#fde9c4"
SKIP = "（不记入）"


class PaymentDialog(QDialog):
    """登记缴费: amount, date, remark, method (and payer)."""

    def __init__(self, brief: ApplicantBrief, methods: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"登记缴费：{brief.name}")
        form = QFormLayout(self)
        form.addRow(QLabel(f"{brief.text}<br>{brief.balance.text}"))
        outstanding = brief.balance.outstanding_fen
        self.amount = QLineEdit(yuan_text(outstanding) if outstanding else "")
        self.amount.setPlaceholderText("如 3130")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        # Never filled in: the clerk copies what the bank shows, so a transfer naming
        # someone else is seen (and held as 待核对) instead of passing as the rule's text.
        self.remark = QLineEdit()
        self.remark.setPlaceholderText("照银行流水或回单上的备注填写；没有备注填「无」")
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
            bg = QColor(CATEGORY_BG.get(m.category.value,
                                         NEEDS_CHOICE_BG if m.needs_choice else "#ffffff"))
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
            messages.warn(self, "无法记入", e.message)
            return
        warnings = [w for r in report.applied for w in r.warnings]
        text = report.message
        if warnings:
            text += "　注意：" + "；".join(warnings[:3])
        self.report.setText(text)
        self.apply_button.setEnabled(False)
        self.sig_applied.emit(report)


class HeldDialog(QDialog):
    """待核对: payments not counted (the remark names someone else, or no one; not a bank
    transfer; a returned person). Each is accepted or rejected with a written reason."""

    COL_ID, COL_PERSON, COL_AMOUNT, COL_DATE, COL_REMARK, COL_WHY = range(6)
    HEADERS = ("编号", "学员", "金额", "日期", "转账备注", "待核对原因")

    sig_decided = Signal(str)
    """A payment was accepted or rejected: the message to show."""

    def __init__(self, service: PaymentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("待核对的缴费")
        self.resize(1000, 420)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("heldTable")
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.accept_button = QPushButton("确认计入…")
        self.accept_button.setObjectName("acceptHeldButton")
        self.accept_button.clicked.connect(lambda: self.decide(True))
        self.reject_button = QPushButton("不计入…")
        self.reject_button.setObjectName("rejectHeldButton")
        self.reject_button.clicked.connect(lambda: self.decide(False))
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        self.report = QLabel()
        self.report.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report, 1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("这些缴费暂不计入：核实银行流水（或电话问本人）后，确认计入或不计入，"
                                "并写明理由。"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.ids: list[int] = []
        self.refresh()

    def refresh(self) -> None:
        held = self.service.held()
        self.ids = [h.entry.id for h in held]
        self.table.setRowCount(len(held))
        for r, h in enumerate(held):
            e = h.entry
            for c, text in enumerate((str(e.id), h.applicant.text, f"{e.amount_text} 元",
                                      e.paid_on.isoformat(), e.remark or "（无）",
                                      e.hold_reason)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        if held:
            self.table.selectRow(0)
        for b in (self.accept_button, self.reject_button):
            b.setEnabled(bool(held))

    def decide(self, count: bool) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.ids):
            return
        what = "确认计入" if count else "不计入"
        reason = messages.ask_text(self, what, f"{what}的理由（如：已电话核实，是本人家属代缴）：")
        if reason is None:
            return
        try:
            act = self.service.accept_payment if count else self.service.reject_payment
            result = act(self.ids[row], reason)
        except ServiceError as e:
            messages.warn(self, f"无法{what}", e.message)
            return
        self.report.setText(result.message)
        self.sig_decided.emit(result.message)
        self.refresh()
