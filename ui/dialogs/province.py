"""报省与核查's dialog: the province's returned list as read and matched — what each row
will do, which rows have problems (not imported) — and the import of the good rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import ServiceError
from app.services.province_list import apply_returned
from ui.widgets import messages

if TYPE_CHECKING:
    from app.services.province import ProvinceService
    from app.services.province_list import ReturnedPreview

PASSED_BG, FAILED_BG, PROBLEM_BG, SAME_BG = "#d9f2df", "#fde9c4", "#f8d0d0", "#eeeeee"


class ReturnedListDialog(QDialog):
    """One row per line of the province's list; 导入 records the rows without problems
    in one go (asking once when someone was not marked 已报省公司)."""

    HEADERS = ("行", "身份证号", "姓名", "审核结果", "原因", "将要", "问题")

    sig_applied = Signal(str)
    """The list was recorded: the message to show."""

    def __init__(self, service: ProvinceService, preview: ReturnedPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.preview = preview
        self.setWindowTitle(f"省公司审核名单：{preview.source.path.name}")
        self.resize(1100, 520)
        self.summary = QLabel(preview.summary)
        self.summary.setObjectName("returnedSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(preview.lines), len(self.HEADERS))
        self.table.setObjectName("returnedTable")
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        for r, ln in enumerate(preview.lines):
            passed = ln.line.passed
            cells = (str(ln.line.row), ln.line.id_number, ln.name or ln.line.name,
                     "" if passed is None else ("通过" if passed else "未通过"),
                     ln.line.reason, ln.action, ln.problem)
            bg = (PROBLEM_BG if ln.problem else SAME_BG if ln.action.startswith("已是")
                  else PASSED_BG if passed else FAILED_BG)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setBackground(QBrush(QColor(bg)))
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.report = QLabel()
        self.report.setObjectName("returnedReport")
        self.report.setWordWrap(True)
        n = len(preview.checks)
        self.apply_button = QPushButton(f"导入（{n} 人）")
        self.apply_button.setObjectName("applyReturnedButton")
        self.apply_button.setEnabled(n > 0)
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

    def apply(self) -> None:
        try:
            result = apply_returned(self.service, self.preview)
            if result.needs_override:
                missing = "；".join(why for _, why in result.needs_override[:5])
                if not messages.go_on(self, "导入省公司审核名单",
                                      f"{len(result.needs_override)} 人尚未登记「已报省公司」："
                                      f"{missing}"):
                    self.report.setText("没有导入。")
                    return
                result = apply_returned(self.service, self.preview, override=True)
        except ServiceError as e:
            messages.warn(self, "无法导入审核名单", e.message)
            return
        text = "省公司审核名单：" + result.message
        if result.refused:
            text += "　" + "；".join(why for _, why in result.refused[:3])
        self.report.setText(text)
        self.apply_button.setEnabled(False)
        self.sig_applied.emit(text)
