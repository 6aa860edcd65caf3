"""Table plumbing the desk pages share: a read-only rows model over service results, the
table view they all use, and the colours that mean the same on every page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
"""What Qt passes to a model's methods."""

GREEN, AMBER, RED, GREY = "#1b7f3b", "#a86400", "#c62828", "#6b6b6b"
"""Done or fine; needs attention; wrong or missing; not applicable."""

_DISPLAY = Qt.ItemDataRole.DisplayRole
_FG = Qt.ItemDataRole.ForegroundRole


class RowsModel(QAbstractTableModel):
    """Rows of a service's results, one per line: a subclass names its HEADERS and says
    each cell's `text` (and `colour`, if any)."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.HEADERS[section]
        return None

    def text(self, row: Any, col: int) -> str:
        raise NotImplementedError

    def colour(self, row: Any, col: int) -> str | None:
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == _DISPLAY:
            return self.text(row, index.column())
        if role == _FG:
            c = self.colour(row, index.column())
            return QBrush(QColor(c)) if c else None
        return None


def rows_table(model: QAbstractTableModel) -> QTableView:
    """A read-only table of whole rows, one selected at a time, columns sized to content."""
    t = QTableView()
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t
