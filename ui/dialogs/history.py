"""A record's history: who changed what and when, read-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.applicant import FIELD_LABELS
from app.domain.codes import CodeEnum
from app.domain.history_labels import action_label
from app.domain.yearmonth import YearMonth

if TYPE_CHECKING:
    from app.services.applicants import HistoryEntry

_Index = QModelIndex | QPersistentModelIndex

EMPTY = "（空）"


def display_value(value: Any) -> str:
    """A field value as the person reads it: codes as "3 大学专科", blanks as （空）."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, CodeEnum):
        return value.display
    if isinstance(value, YearMonth):
        return str(value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items()) or EMPTY
    return str(value)


def local_time(at: datetime) -> datetime:
    """History times are stored as naive UTC; the desk reads its own clock."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().replace(tzinfo=None)


def _value_text(name: str, value: Any) -> str:
    if name == "serial_no" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}"
    return display_value(value)


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, "其他列" if name == "extra" else name)


def describe_changes(action: str, changes: dict[str, list[Any]]) -> str:
    """One line per field: "手机：13912345678 → 13812345678"; new records list values."""
    lines: list[str] = []
    for name, pair in changes.items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        label = field_label(name)
        if action == "create" or (old in (None, "") and action != "delete"):
            lines.append(f"{label}：{_value_text(name, new)}")
        elif action == "delete":
            lines.append(f"{label}：{_value_text(name, old)}")
        else:
            lines.append(f"{label}：{_value_text(name, old)} → {_value_text(name, new)}")
    return "\n".join(lines)


SUMMARY_LINES = 4
_KEY_FIELDS = ("serial_no", "name", "id_number")


def summarize_changes(action: str, changes: dict[str, list[Any]]) -> str:
    """What fits in a table row: all of a small change, the key fields of a whole record."""
    full = describe_changes(action, changes)
    lines = full.splitlines()
    if len(lines) <= SUMMARY_LINES:
        return full
    if action in ("create", "delete"):
        keys = {k: changes[k] for k in _KEY_FIELDS if k in changes}
        head = "；".join(describe_changes(action, keys).splitlines())
        return f"{head}\n（共 {len(lines)} 项，选中此行在下方查看全部）"
    shown = "\n".join(lines[: SUMMARY_LINES - 1])
    return f"{shown}\n……共 {len(lines)} 项（选中此行在下方查看全部）"


class HistoryModel(QAbstractTableModel):
    """History entries, oldest first: 时间, 操作人, 操作, 修改内容."""

    COL_AT = 0
    COL_OPERATOR = 1
    COL_ACTION = 2
    COL_CHANGES = 3
    HEADERS = ("时间", "操作人", "操作", "修改内容")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[HistoryEntry] = []

    def set_rows(self, rows: Sequence[HistoryEntry]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> HistoryEntry:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def text(self, row: int, column: int) -> str:
        e = self._rows[row]
        if column == self.COL_AT:
            return local_time(e.at).strftime("%Y-%m-%d %H:%M:%S")
        if column == self.COL_OPERATOR:
            return e.operator
        if column == self.COL_ACTION:
            return action_label(e.action, e.entity)
        return self._with_note(e, summarize_changes(e.action, e.changes))

    def details(self, row: int) -> str:
        """Everything recorded for one row, for the pane under the table."""
        e = self._rows[row]
        return self._with_note(e, describe_changes(e.action, e.changes))

    @staticmethod
    def _with_note(e: HistoryEntry, text: str) -> str:
        if e.note:
            reason = "删除原因" if e.action == "delete" else "备注"
            text = f"{reason}：{e.note}\n{text}" if text else f"{reason}：{e.note}"
        return text

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.COL_CHANGES:
            return self.details(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class HistoryDialog(QDialog):
    """Read-only list of what happened to one record."""

    def __init__(
        self, entries: Sequence[HistoryEntry], title: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(f"历史记录 — {title}" if title else "历史记录")
        self.model = HistoryModel(self)
        self.model.set_rows(entries)
        self.view = QTableView()
        self.view.setObjectName("historyTable")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setStyleSheet("QTableView::item { padding: 3px 8px; }")
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        for col in (HistoryModel.COL_AT, HistoryModel.COL_OPERATOR, HistoryModel.COL_ACTION):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HistoryModel.COL_CHANGES, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        summary = QLabel(
            f"共 {len(entries)} 条记录。时间为本机时间。" if entries else "还没有历史记录。"
        )
        self.details = QPlainTextEdit()
        self.details.setObjectName("historyDetails")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("选中上面的一行，这里显示这次操作的全部内容。")
        self.details.setMaximumHeight(150)
        self.view.selectionModel().currentRowChanged.connect(self._show_details)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText("关闭")
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.resize(860, 560)
        if entries:
            self.view.selectRow(len(entries) - 1)
            self.view.scrollToBottom()

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.details.setPlainText(self.model.details(current.row()) if current.isValid() else "")
