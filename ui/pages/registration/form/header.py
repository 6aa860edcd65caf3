"""The form's header: who is shown, how the check went, what was just done, and the
record's buttons (新建, 保存, 删除…, 历史记录)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

LOCKED_TIP = "往年班次只能查看；要修改，请在 文件 → 班次… 里解锁（写明原因）"


class FormHeader(QFrame):
    """The bar above the paper form."""

    def __init__(self, locked: bool = False) -> None:
        super().__init__()
        self.locked = locked
        """A past class, read-only: 新建, 保存 and 删除 stay greyed out (the service
        refuses such writes too); 历史记录 stays."""
        self.setObjectName("formHeader")
        self.setStyleSheet(
            "QFrame#formHeader { background: #f4f6f8; border-bottom: 1px solid #d0d5dd; }"
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 8)
        self.heading = QLabel()
        self.heading.setObjectName("formHeading")
        heading_font = self.heading.font()
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() + 1)
        self.heading.setFont(heading_font)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setStyleSheet("color: #2e7d32;")
        lay.addWidget(self.heading)
        lay.addSpacing(16)
        lay.addWidget(self.summary_label)
        lay.addSpacing(12)
        lay.addWidget(self.status_label, 1)

        self.new_button = QPushButton("新建")
        self.new_button.setToolTip("录入新的报名表（Ctrl+N）")
        self.save_button = QPushButton("保存")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(False)
        self.delete_button = QPushButton("删除…")
        self.delete_button.setToolTip("删除这条报名记录（会记入历史记录）")
        self.history_button = QPushButton("历史记录")
        self.history_button.setToolTip("查看这条记录的修改历史")
        for b in self.buttons():
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            lay.addWidget(b)
        if locked:
            for b in (self.new_button, self.save_button, self.delete_button):
                b.setEnabled(False)
                b.setToolTip(LOCKED_TIP)

    def buttons(self) -> list[QPushButton]:
        return [self.new_button, self.save_button, self.delete_button, self.history_button]

    def show_record(self, heading: str, stored: bool) -> None:
        """"新报名", or the serial and name of a stored record (which may be deleted)."""
        self.heading.setText(heading)
        self.delete_button.setEnabled(stored and not self.locked)
        self.history_button.setEnabled(stored)

    def show_dirty(self, dirty: bool) -> None:
        self.save_button.setText("保存 *" if dirty else "保存")

    def say(self, text: str = "") -> None:
        """What was just done (已保存, 已删除 …); nothing once the person types again."""
        if text:
            self.status_label.setText(text)
        else:
            self.status_label.clear()
