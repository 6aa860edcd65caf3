"""The import preview: one row per line of the county sheet, coloured by what importing it
would do, with the person's choice per row (导入/更新 or 跳过)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.applicant import FIELD_LABELS
from ui.pages.exchange.progress import MUTED_COLOR

if TYPE_CHECKING:
    from app.services.excel_import import ImportPreview, PreviewRow

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_CHECK = Qt.ItemDataRole.CheckStateRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole

KIND_LABELS = {
    "new": "新增",
    "existing": "已存在·有变化",
    "unchanged": "已存在·无变化",
    "error": "有错误",
    "duplicate": "文件内重复",
}
KIND_COLORS = {  # (text, row background)
    "new": ("#2e7d32", "#eef8ee"),
    "existing": ("#9a5b00", "#fff6e0"),
    "unchanged": ("#5f6b7a", "#ffffff"),
    "error": ("#c62828", "#fdecea"),
    "duplicate": ("#5f6b7a", "#f2f3f5"),
}


def kind_of(r: PreviewRow) -> str:
    """new, existing, unchanged, error or duplicate."""
    return str(r.kind.value)


def row_note(r: PreviewRow) -> str:
    """The 说明 column: the reasons of a refused row, or the differences old → new."""
    kind = kind_of(r)
    if kind in ("error", "duplicate"):
        return "；".join(r.reasons)
    if kind == "existing":
        return "；".join(f"{c.label}：{c.old} → {c.new}" for c in r.changes)
    if kind == "unchanged":
        if r.existing_serial:
            return f"与报名序号 {r.existing_serial:04d} 的记录相同"
        return "与已有记录相同"
    fields = list(dict.fromkeys(FIELD_LABELS.get(p.field, p.field) for p in r.warning_problems))
    if not fields:
        return ""
    return f"提醒（{len(r.warning_problems)} 项，可在报名录入中补填）：" + "、".join(fields)


class PreviewModel(QAbstractTableModel):
    """The rows of an ImportPreview with the person's choice per row (导入/更新 or 跳过)."""

    COL_ROW, COL_NAME, COL_ID, COL_POINT, COL_KIND, COL_CHOICE, COL_NOTE = range(7)
    HEADERS = ("行号", "姓名", "身份证号", "报名点", "类别", "处理", "说明")

    sig_choices_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PreviewRow] = []
        self._take: dict[int, bool] = {}  # key → import (new) / update (existing)
        self._many_sheets = False
        self._sheet_points: dict[str, str] = {}
        self._locked = False
        self._bold = QFont()
        self._bold.setBold(True)

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self._rows = list(preview.rows) if preview is not None else []
        self._sheet_points = {sh.title: sh.point_line for sh in preview.file.sheets
                              } if preview is not None else {}
        self._many_sheets = len({r.sheet for r in self._rows}) > 1
        # New rows are imported unless unticked; changed ones are kept as they are
        # unless the person chooses 更新 (per row or 全部更新).
        self._take = {r.key: kind_of(r) == "new" for r in self._rows
                      if kind_of(r) in ("new", "existing")}
        self._locked = False
        self.endResetModel()
        self.sig_choices_changed.emit()

    def rows(self) -> list[PreviewRow]:
        return list(self._rows)

    def row_at(self, row: int) -> PreviewRow:
        return self._rows[row]

    def lock(self) -> None:
        """The import was written: the choices can no longer change."""
        self._locked = True
        if self._rows:
            self.dataChanged.emit(self.index(0, self.COL_CHOICE),
                                  self.index(len(self._rows) - 1, self.COL_CHOICE))

    def choices(self) -> dict[int, str]:
        return {key: "update" if take else "skip" for key, take in self._take.items()}

    def chosen_counts(self) -> tuple[int, int]:
        """(new rows to import, existing rows to update)."""
        new = sum(1 for r in self._rows if kind_of(r) == "new" and self._take.get(r.key))
        upd = sum(1 for r in self._rows if kind_of(r) == "existing" and self._take.get(r.key))
        return new, upd

    def set_choice(self, key: int, take: bool) -> None:
        if key not in self._take or self._locked:
            return
        self._take[key] = take
        for i, r in enumerate(self._rows):
            if r.key == key:
                idx = self.index(i, self.COL_CHOICE)
                self.dataChanged.emit(idx, idx)
        self.sig_choices_changed.emit()

    def set_all_existing(self, take: bool) -> None:
        if self._locked:
            return
        for r in self._rows:
            if kind_of(r) == "existing":
                self._take[r.key] = take
        if self._rows:
            self.dataChanged.emit(self.index(0, self.COL_CHOICE),
                                  self.index(len(self._rows) - 1, self.COL_CHOICE))
        self.sig_choices_changed.emit()

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (index.isValid() and index.column() == self.COL_CHOICE and not self._locked
                and self._rows[index.row()].key in self._take):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def text(self, r: PreviewRow, col: int) -> str:
        kind = kind_of(r)
        if col == self.COL_ROW:
            return f"{r.sheet}:{r.row}" if self._many_sheets else str(r.row)
        if col == self.COL_NAME:
            return r.name
        if col == self.COL_ID:
            return r.id_number
        if col == self.COL_POINT:
            if r.data is not None:
                return r.data.registration_point
            return self._sheet_points.get(r.sheet, "")  # as the sheet names it
        if col == self.COL_KIND:
            return KIND_LABELS.get(kind, kind)
        if col == self.COL_CHOICE:
            take = self._take.get(r.key)
            if kind == "existing":
                return "更新" if take else "跳过"
            if kind == "new":
                return "导入" if take else "不导入"
            return {"unchanged": "无需导入", "error": "不导入", "duplicate": "忽略"}.get(kind, "")
        if col == self.COL_NOTE:
            return row_note(r)
        return ""

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        kind = kind_of(r)
        if role == _DISPLAY:
            return self.text(r, col)
        if role == _CHECK and col == self.COL_CHOICE and r.key in self._take:
            return Qt.CheckState.Checked if self._take[r.key] else Qt.CheckState.Unchecked
        if role == _BACKGROUND:
            return QBrush(QColor(KIND_COLORS.get(kind, ("", "#ffffff"))[1]))
        if role == _FOREGROUND:
            if col == self.COL_KIND or (col == self.COL_NOTE and kind == "error"):
                return QBrush(QColor(KIND_COLORS.get(kind, ("#000000", ""))[0]))
            if col == self.COL_CHOICE and r.key not in self._take:
                return QBrush(QColor(MUTED_COLOR))
            return None
        if role == _FONT and col == self.COL_KIND:
            return self._bold
        if role == _ALIGN and col == self.COL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == _TOOLTIP:
            if col == self.COL_NOTE or col == self.COL_KIND:
                return self.detail(r)
            if col == self.COL_ROW:
                return r.where
            if col == self.COL_CHOICE and kind == "existing":
                return "勾选：用表中的内容更新已有记录；不勾选：跳过，保持数据库中的内容"
            if col == self.COL_CHOICE and kind == "new":
                return "勾选：作为新学员导入；不勾选：这一行不导入"
        return None

    def detail(self, r: PreviewRow) -> str:
        kind = kind_of(r)
        head = f"<b>{html.escape(r.where)}</b>　{KIND_LABELS.get(kind, kind)}"
        if kind == "existing":
            lines = [f"{html.escape(c.label)}：{html.escape(c.old)} → {html.escape(c.new)}"
                     for c in r.changes]
        else:
            lines = [html.escape(x) for x in r.reasons]
        lines += [f"提醒：{html.escape(w)}" for w in r.warnings]
        return "<br>".join([head, *lines])

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != _CHECK or index.column() != self.COL_CHOICE:
            return False
        r = self._rows[index.row()]
        if r.key not in self._take or self._locked:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self.set_choice(r.key, bool(checked))
        return True
