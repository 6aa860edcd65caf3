"""The 概览 page: the campaign's registration points, their targets and how many registered."""

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
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
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


class OverviewPage(QWidget):
    """What the campaign asks for and where it stands, at a glance."""

    def __init__(self, info: StartupInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPage")

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
