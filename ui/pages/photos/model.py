"""The 照片检查 page's rows: one per checked file, its verdict and what was done to it, and
the proxy that sorts them and shows one kind (不合格, 可修复, 合格)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ui.widgets.photo_common import (
    VerdictState,
    pixels_text,
    reasons_tooltip,
    short_reasons,
    size_text,
    verdict_state,
)

if TYPE_CHECKING:
    from app.domain.photo import PhotoVerdict

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


@dataclass(frozen=True)
class PhotoRow:
    """One file of the batch: its verdict (None: could not be checked) and what was done."""

    path: Path
    verdict: PhotoVerdict | None
    failure: str = ""
    action: str = ""
    action_ok: bool = True

    @property
    def state(self) -> VerdictState:
        return VerdictState.FAIL if self.verdict is None else verdict_state(self.verdict)

    @property
    def fixable(self) -> bool:
        v = self.verdict
        return v is not None and not v.passed and v.fixable

    @property
    def usable(self) -> bool:
        v = self.verdict
        return v is not None and v.facts.error is None and bool(v.facts.width)


class PhotoTableModel(QAbstractTableModel):
    """The checked files; rows are added and updated as the workers report."""

    COL_FILE = 0
    COL_SIZE = 1
    COL_PIXELS = 2
    COL_VERDICT = 3
    COL_REASONS = 4
    COL_ACTION = 5
    HEADERS = ("文件", "大小", "像素", "结论", "原因", "处理")

    SORT_ROLE = Qt.ItemDataRole.UserRole
    STATE_ROLE = Qt.ItemDataRole.UserRole + 1
    PATH_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PhotoRow] = []
        self._by_path: dict[Path, int] = {}

    # ------------------------------------------------------------------ changing
    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._by_path = {}
        self.endResetModel()

    def has(self, path: Path) -> bool:
        return path.absolute() in self._by_path

    def put(self, rows: Sequence[PhotoRow]) -> None:
        """Add new rows (at the end) and replace known ones (same path)."""
        new: list[PhotoRow] = []
        for row in rows:
            at = self._by_path.get(row.path.absolute())
            if at is None:
                new.append(row)
                continue
            self._rows[at] = row
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(self.HEADERS) - 1))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for row in new:
                self._by_path[row.path.absolute()] = len(self._rows)
                self._rows.append(row)
            self.endInsertRows()

    def update(self, path: Path, **changes: Any) -> None:
        at = self._by_path.get(path.absolute())
        if at is not None:
            self.put([replace(self._rows[at], **changes)])

    # ------------------------------------------------------------------ reading
    def rows(self) -> list[PhotoRow]:
        return list(self._rows)

    def row_at(self, row: int) -> PhotoRow:
        return self._rows[row]

    def row_for(self, path: Path) -> PhotoRow | None:
        at = self._by_path.get(path.absolute())
        return self._rows[at] if at is not None else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            return self._text(row, col)
        if role == self.SORT_ROLE:
            return self._sort_value(row, col)
        if role == _TOOLTIP:
            return self._tooltip(row, col)
        if role == self.STATE_ROLE:
            return row.state.value
        if role == self.PATH_ROLE:
            return str(row.path)
        if role == _FOREGROUND:
            coloured = col == self.COL_VERDICT or (
                col == self.COL_REASONS and row.state is not VerdictState.PASS
            )
            if coloured:
                return QBrush(QColor(row.state.color))
            if col == self.COL_ACTION and not row.action_ok:
                return QBrush(QColor(VerdictState.FAIL.color))
            return None
        if role == _BACKGROUND and col == self.COL_VERDICT:
            return QBrush(QColor(row.state.background))
        if role == _ALIGN:
            if col in (self.COL_SIZE, self.COL_PIXELS):
                return _RIGHT
            if col == self.COL_VERDICT:
                return _CENTER
        return None

    def _text(self, row: PhotoRow, col: int) -> str:
        v = row.verdict
        if col == self.COL_FILE:
            return row.path.name
        if col == self.COL_ACTION:
            return row.action
        if v is None:
            return {self.COL_VERDICT: "不合格", self.COL_REASONS: row.failure}.get(col, "—")
        facts = v.facts
        if col == self.COL_SIZE:
            return size_text(facts.size)
        if col == self.COL_PIXELS:
            shown = facts.display_size or (facts.width, facts.height)
            return pixels_text(*shown)
        if col == self.COL_VERDICT:
            return row.state.text
        if col == self.COL_REASONS:
            return "；".join(short_reasons(v))
        return ""

    def _sort_value(self, row: PhotoRow, col: int) -> Any:
        v = row.verdict
        if col == self.COL_SIZE:
            return v.facts.size if v is not None else -1
        if col == self.COL_PIXELS:
            return (v.facts.width or 0) * (v.facts.height or 0) if v is not None else -1
        if col == self.COL_VERDICT:
            order = {VerdictState.FAIL: 0, VerdictState.WARN: 1, VerdictState.PASS: 2}
            return order[row.state] * 2 + (0 if row.fixable else 1)
        return self._text(row, col)

    def _tooltip(self, row: PhotoRow, col: int) -> str:
        if col == self.COL_FILE:
            return str(row.path)
        if col in (self.COL_VERDICT, self.COL_REASONS):
            if row.verdict is None:
                return row.failure
            tip = reasons_tooltip(row.verdict)
            if row.fixable:
                tip += "\n\n可以自动修复（修复全部可修复的…）"
            return tip
        if col == self.COL_ACTION:
            return row.action
        return ""


class PhotoFilterProxy(QSortFilterProxyModel):
    """Sorts by the model's SORT_ROLE; shows all rows or one kind (不合格, 可修复, 合格)."""

    ALL = "all"
    FAILED = "fail"
    FIXABLE = "fixable"
    PASSED = "pass"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(PhotoTableModel.SORT_ROLE)
        self.setSortLocaleAware(True)
        self._kind = self.ALL

    def set_kind(self, kind: str) -> None:
        self.beginFilterChange()
        self._kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self._kind == self.ALL:
            return True
        model = self.sourceModel()
        assert isinstance(model, PhotoTableModel)
        row = model.row_at(source_row)
        if self._kind == self.FAILED:
            return row.state is VerdictState.FAIL
        if self._kind == self.FIXABLE:
            return row.fixable
        return row.state is not VerdictState.FAIL
