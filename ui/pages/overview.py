"""The 概览 page: the campaign's registration points, their targets and how many registered;
on a class with nobody registered yet, a short guide to the first steps."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.services.startup import PointSummary, StartupInfo

_Index = QModelIndex | QPersistentModelIndex


class PointsTableModel(QAbstractTableModel):
    """One row per registration point (附件1): name, target, registered, gap, note."""

    COL_NAME = 0
    COL_TARGET = 1
    COL_REGISTERED = 2
    COL_GAP = 3
    COL_NOTE = 4
    HEADERS = ("报名点", "目标人数（不少于）", "已报名", "还差", "备注")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PointSummary] = []

    def set_rows(self, rows: Sequence[PointSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> PointSummary:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        point = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_NAME:
                return point.name
            if col == self.COL_TARGET:
                return point.target
            if col == self.COL_REGISTERED:
                return point.registered
            if col == self.COL_GAP:
                gap = point.target - point.registered
                return gap if gap > 0 else "已达标"
            if col == self.COL_NOTE:
                return point.note
        elif role == Qt.ItemDataRole.UserRole:
            # Sort key: the gap column mixes numbers and text on screen.
            if col == self.COL_GAP:
                return max(point.target - point.registered, 0)
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        elif role == Qt.ItemDataRole.TextAlignmentRole and col in (
            self.COL_TARGET,
            self.COL_REGISTERED,
            self.COL_GAP,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


GUIDE_TITLE = "第一次使用：先做这几步"
GUIDE_STEPS = (
    "① 核对班次和报名点：标题是本班次；下表是各报名点和目标人数（附件1）。培训费、考试费、"
    "截止日期、收款账户或报名点与今年的通知不符时，先在「班次设置」里改好（文件 → 班次）。",
    "② 录入报名表：在「报名录入」逐人录入纸质报名表（附件2、附件4），先选报名点。",
    "③ 或者导入县区报来的汇总表（附件5）：在「导出」页的「导入县区汇总表」中选择文件，"
    "先预览，有错误的行不会导入。",
)


class FirstStepsGuide(QGroupBox):
    """What to do first on an empty class: check the settings and the points, then register
    people or import a county's sheet; each step with a button that goes there."""

    sig_settings = Signal()
    """班次设置…: the 班次 dialog (文件 → 班次 → 班次管理), where the settings are changed."""
    sig_register = Signal()
    """去报名录入."""
    sig_import = Signal()
    """导入县区汇总表: the 导出 page's import part."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(GUIDE_TITLE, parent)
        self.setObjectName("firstStepsGuide")
        grid = QGridLayout(self)
        self.buttons: list[QPushButton] = []
        for row, (text, button_text, signal) in enumerate(zip(
                GUIDE_STEPS, ("班次设置…", "去报名录入", "导入县区汇总表"),
                (self.sig_settings, self.sig_register, self.sig_import), strict=True)):
            label = QLabel(text)
            label.setWordWrap(True)
            button = QPushButton(button_text)
            button.clicked.connect(signal.emit)
            self.buttons.append(button)
            grid.addWidget(label, row, 0)
            grid.addWidget(button, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)


class OverviewPage(QWidget):
    """What the campaign asks for and where it stands, at a glance."""

    def __init__(self, info: StartupInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPage")
        self.guide = FirstStepsGuide(self)

        title = QLabel(f"<h2>{html.escape(info.campaign_title)}</h2>")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")

        self.model = PointsTableModel(self)
        self.set_points(info.points, info.applicant_count)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)

        self.table = QTableView(self)
        self.table.setObjectName("pointsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the notice's order
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        # CJK fonts' tall line spacing doubles the default row; keep all 22 points in view.
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary_label)
        if info.backup_note:
            self.backup_label = QLabel(info.backup_note)
            self.backup_label.setObjectName("backupLabel")
            self.backup_label.setWordWrap(True)
            layout.addWidget(self.backup_label)
        layout.addWidget(self.guide)
        layout.addWidget(QLabel("各报名点培训计划目标（附件1）："))
        layout.addWidget(self.table, 1)

    def set_points(self, points: Sequence[PointSummary], applicant_count: int) -> None:
        """Show these points' counts (after applicants were saved or deleted)."""
        total_target = sum(p.target for p in points)
        self.summary_label.setText(
            f"已报名 <b>{applicant_count}</b> 人；"
            f"{len(points)} 个报名点，目标合计不少于 <b>{total_target}</b> 人。"
        )
        self.model.set_rows(points)
        # Shown only while nobody is registered: the first start (or an emptied class).
        self.guide.setVisible(applicant_count == 0)
