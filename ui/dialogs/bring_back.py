"""带回上年未通过: the previous class's people who did not pass (or have no result), each
with a checkbox, the type to bring them back as (补考 / 只听课), and one action that copies
the chosen records into this class (photo re-checked, link to last year's record kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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

from app.domain.codes import EnrolmentType
from app.services.errors import ServiceError
from ui.widgets import messages

if TYPE_CHECKING:
    from app.services.bring_back import BringBackService, Candidate


class BringBackDialog(QDialog):
    """One row per person of last year's class who did not pass; 带回 copies the ticked
    ones into this class as the type chosen. `only` shows just those people (the form's
    offer when their ID number is typed), ticked."""

    HEADERS = ("带回", "上年序号", "姓名", "身份证号", "报名点", "上年结果", "本期")

    sig_brought = Signal(list)
    """People were brought back: their new applicant ids."""

    def __init__(self, service: BringBackService, parent: QWidget | None = None, *,
                 only: list[Candidate] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bringBackDialog")
        self.service = service
        prev = service.previous()
        year = prev[1] if prev else service.campaign.year - 1
        self.people = only if only is not None else service.candidates()
        self.setWindowTitle(f"带回{year}年度未通过的学员")
        self.resize(980, 520)
        waiting = sum(1 for c in self.people if c.here_serial is None)
        intro = QLabel(
            f"{year}年度班未通过（或没有成绩）的学员共 {len(self.people)} 人，"
            f"其中 {waiting} 人尚未在{service.campaign.title}登记。勾选要带回的人，选择类别后按"
            "「带回」：报名信息照搬上年的（不用重新录入），照片按现在的要求重新检查，合格的才带过来。"
            if prev else "本期之前没有培训班次：没有可带回的上年学员。")
        intro.setObjectName("bringBackIntro")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.people), len(self.HEADERS))
        self.table.setObjectName("bringBackTable")
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        for r, c in enumerate(self.people):
            here = f"已登记 {c.here_serial:04d}" if c.here_serial is not None else ""
            cells = ("", f"{c.serial_no:04d}", c.name, c.id_number, c.point_name,
                     c.result_text, here)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col == 0:
                    if c.here_serial is None:
                        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                        item.setCheckState(Qt.CheckState.Checked if only is not None
                                           else Qt.CheckState.Unchecked)
                    else:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.kind = QComboBox()
        self.kind.setObjectName("bringBackType")
        for t in (EnrolmentType.RESIT, EnrolmentType.RETAKE_AUDIT):
            self.kind.addItem(t.label_for(service.campaign.year), t)
        all_button = QPushButton("全选")
        all_button.clicked.connect(lambda: self._tick_all(Qt.CheckState.Checked))
        none_button = QPushButton("全不选")
        none_button.clicked.connect(lambda: self._tick_all(Qt.CheckState.Unchecked))
        self.report = QLabel()
        self.report.setObjectName("bringBackReport")
        self.report.setWordWrap(True)
        self.apply_button = QPushButton("带回")
        self.apply_button.setObjectName("bringBackButton")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        choose = QHBoxLayout()
        choose.addWidget(all_button)
        choose.addWidget(none_button)
        choose.addStretch(1)
        choose.addWidget(QLabel("带回后的类别："))
        choose.addWidget(self.kind)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(choose)
        layout.addLayout(buttons)
        self.table.itemChanged.connect(self._update)
        self._update()

    def _tick_all(self, state: Qt.CheckState) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(state)

    def chosen(self) -> list[int]:
        """Last year's applicant ids of the ticked rows."""
        out = []
        for r, c in enumerate(self.people):
            item = self.table.item(r, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(c.applicant_id)
        return out

    def _update(self, *_: object) -> None:
        n = len(self.chosen())
        self.apply_button.setText(f"带回（{n} 人）")
        self.apply_button.setEnabled(n > 0)

    def apply(self) -> None:
        kind = self.kind.currentData()
        try:
            result = self.service.bring_back(self.chosen(), kind)
        except ServiceError as e:
            messages.warn(self, "无法带回", e.message)
            return
        lines = [result.summary]
        lines += [f"照片没有带过来：{name}（{why}），请让本人重新交照片。"
                  for name, why in result.photos_left[:5]]
        lines += [f"未带回：{name}：{why}" for name, why in result.refused[:5]]
        self.report.setText("\n".join(lines))
        serial_of = {new: serial for new, _, serial in result.created}
        new_serials = {old: serial_of[new] for old, new in result.links}
        for r, c in enumerate(self.people):
            if c.applicant_id in new_serials:
                item = self.table.item(r, 6)
                if item is not None:
                    item.setText(f"已带回 {new_serials[c.applicant_id]:04d}")
                box = self.table.item(r, 0)
                if box is not None:
                    box.setCheckState(Qt.CheckState.Unchecked)
                    box.setFlags(box.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        if result.created:
            self.sig_brought.emit([new for new, _, _ in result.created])
