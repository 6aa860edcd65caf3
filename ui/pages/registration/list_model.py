"""The applicant list's Qt model: the rows of ApplicantService.search, read a page at a
time as the view scrolls (canFetchMore/fetchMore), sorted by the model itself in Python
(pinyin order for Chinese text) when a header is clicked; the view shows it directly."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QCollatorSortKey,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

if TYPE_CHECKING:
    from app.services.applicants import ApplicantRow

_Index = QModelIndex | QPersistentModelIndex

# Plain ints: data() is called for every visible cell and role on each paint, and the
# role arrives as an int; comparing it with an IntEnum member goes through enum's __eq__.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_SORT = int(Qt.ItemDataRole.UserRole)
_ID = _SORT + 1
_ANSWERED = frozenset((_DISPLAY, _TOOLTIP, _DECORATION, _ALIGN, _SORT, _ID))
"""The roles data() has an answer for; a paint asks for about seven per cell (font,
colours, check state …): the others return at once."""

PAGE_ROWS = 100
"""Rows read per page: a screen (about 25 rows at 768 px) and then some; the view asks
for the next page when it is scrolled to the end."""

Fetch = Callable[[int, int], "Sequence[ApplicantRow]"]
"""(offset, limit) → the next rows of the same search, in 报名序号 order."""


class ApplicantTableModel(QAbstractTableModel):
    """Rows of ApplicantService.search (ApplicantRow tuples; never ORM objects, no photos)."""

    COL_SERIAL = 0
    COL_NAME = 1
    COL_GENDER = 2
    COL_ID_NUMBER = 3
    COL_POINT = 4
    COL_EMPLOYER = 5
    COL_MOBILE = 6
    COL_STATUS = 7
    COL_PROBLEMS = 8
    HEADERS = ("报名序号", "姓名", "性别", "身份证号", "报名点", "工作单位", "手机", "状态", "问题")

    SORT_ROLE = Qt.ItemDataRole.UserRole
    """A value that sorts right: the serial as a number, problems by errors then warnings."""
    ID_ROLE = Qt.ItemDataRole.UserRole + 1
    """The applicant's database id (the same in every column)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ApplicantRow] = []
        self._texts: list[tuple[str, ...]] = []  # each row's DisplayRole, made once
        self._fetch: Fetch | None = None
        self._cap = 0
        self._read = 0  # rows of the search read so far (append_row adds others)
        self._sort_column = self.COL_SERIAL
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self._collator.setNumericMode(True)
        self._text_keys: dict[str, QCollatorSortKey] = {}
        style = QApplication.style()
        self._error_icon: QIcon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        self._warning_icon: QIcon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

    def set_rows(self, rows: Sequence[ApplicantRow], fetch: Fetch | None = None,
                 cap: int = 0) -> None:
        """Show these rows (kept in the current sort order). With `fetch`, more rows of the
        same search follow, up to `cap` in all, read when the view scrolls to the end (or
        all at once when the list is sorted by another column than 报名序号)."""
        ordered = list(rows)
        self._fetch = fetch if fetch is not None and len(ordered) < cap else None
        self._cap = cap
        self._read = len(ordered)
        if not self._serial_order():
            ordered += self._read_rest()
            self._order(ordered)  # the service returns them by 报名序号 already
        self.beginResetModel()
        self._rows = ordered
        self._texts = [_texts(r) for r in ordered]
        self.endResetModel()

    def _serial_order(self) -> bool:
        return (self._sort_column == self.COL_SERIAL
                and self._sort_order == Qt.SortOrder.AscendingOrder)

    def _read_rest(self) -> list[ApplicantRow]:
        """Every row still to read (up to the cap): a sort by another column needs them."""
        rest: list[ApplicantRow] = []
        while self._fetch is not None:
            rest += self._read_page()
        return rest

    def _read_page(self) -> list[ApplicantRow]:
        assert self._fetch is not None
        offset = self._read
        limit = min(PAGE_ROWS, self._cap - offset)
        page = list(self._fetch(offset, limit)) if limit > 0 else []
        self._read += len(page)
        if len(page) < limit or self._read >= self._cap:
            self._fetch = None  # the end of the search, or the cap
        return page

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._fetch is not None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetch is None:
            return
        page = self._read_page()
        if page:
            n = len(self._rows)
            self.beginInsertRows(QModelIndex(), n, n + len(page) - 1)
            self._rows += page
            self._texts += [_texts(r) for r in page]
            self.endInsertRows()

    # ------------------------------------------------------------------ sorting
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows by `column`'s SORT_ROLE value, in Python over the plain tuples.

        The view calls this when a header is clicked (sorting enabled, no proxy): Qt's
        generic sort in a QSortFilterProxyModel asked data() for both sides of every
        comparison, ~20,000 calls into Python per 1000 rows, 45–85 ms (measured); this
        takes about 1 ms.
        """
        if column < 0:
            column, order = self.COL_SERIAL, Qt.SortOrder.AscendingOrder
        self._sort_column, self._sort_order = column, order
        if self._fetch is not None and not self._serial_order():
            self.fetch_all()
        self.layoutAboutToBeChanged.emit()
        old = list(self._rows)
        self._order(self._rows)
        new_row = {id(r): i for i, r in enumerate(self._rows)}
        text_of = {id(r): t for r, t in zip(old, self._texts, strict=True)}
        self._texts = [text_of[id(r)] for r in self._rows]
        moved_from = self.persistentIndexList()
        moved_to = [self.index(new_row[id(old[p.row()])], p.column()) for p in moved_from]
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()

    def fetch_all(self) -> None:
        """Read the rest of the search now (up to the cap)."""
        rest = self._read_rest()
        if rest:
            n = len(self._rows)
            self.beginInsertRows(QModelIndex(), n, n + len(rest) - 1)
            self._rows += rest
            self._texts += [_texts(r) for r in rest]
            self.endInsertRows()

    def sort_column(self) -> int:
        return self._sort_column

    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def _order(self, rows: list[ApplicantRow]) -> None:
        col = self._sort_column
        key = self._sort_key(col)
        rows.sort(
            key=lambda r: (key(r), r.serial_no),
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )

    def _sort_key(self, col: int) -> Any:
        text = self._text_key
        keys: dict[int, Any] = {
            self.COL_SERIAL: lambda r: r.serial_no,
            self.COL_NAME: lambda r: text(r.name),
            self.COL_GENDER: lambda r: r.gender.code if r.gender is not None else 0,
            self.COL_ID_NUMBER: lambda r: r.id_number,
            self.COL_POINT: lambda r: text(r.point_name),
            self.COL_EMPLOYER: lambda r: text(r.employer),
            self.COL_MOBILE: lambda r: r.mobile,
            self.COL_STATUS: lambda r: r.status.code,
            self.COL_PROBLEMS: lambda r: r.error_count * 1000 + r.warning_count,
        }
        return keys[col]

    def _text_key(self, value: str) -> QCollatorSortKey:
        """Chinese text sorts by pinyin (张 after 李), as a person looks for it."""
        key = self._text_keys.get(value)
        if key is None:
            if len(self._text_keys) > 50_000:
                self._text_keys.clear()
            key = self._text_keys[value] = self._collator.sortKey(value)
        return key

    def append_row(self, row: ApplicantRow) -> None:
        """One more row at the end, whatever the sort (until the next set_rows)."""
        n = len(self._rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self._rows.append(row)
        self._texts.append(_texts(row))
        self.endInsertRows()

    def rows(self) -> list[ApplicantRow]:
        return list(self._rows)

    def row_at(self, row: int) -> ApplicantRow:
        return self._rows[row]

    def row_of_id(self, applicant_id: int) -> int:
        """The model row of an applicant, or -1 if it is not in the list."""
        for i, r in enumerate(self._rows):
            if r.id == applicant_id:
                return i
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called for every visible cell and role on each paint: the text is made once per
        # row (_texts), and the roles without an answer return before anything else.
        if role == _DISPLAY:
            return self._texts[index.row()][index.column()] if index.isValid() else None
        if role not in _ANSWERED or not index.isValid():
            return None
        if role == _DECORATION:
            if index.column() != self.COL_PROBLEMS:
                return None
            r = self._rows[index.row()]
            if r.error_count:
                return self._error_icon
            if r.warning_count:
                return self._warning_icon
            return None
        if role == _ALIGN:
            return _RIGHT if index.column() == self.COL_SERIAL else None
        if role == _SORT:
            r = self._rows[index.row()]
            col = index.column()
            if col == self.COL_SERIAL:
                return r.serial_no
            if col == self.COL_GENDER:
                return r.gender.code if r.gender is not None else 0
            if col == self.COL_STATUS:
                return r.status.code  # the order of the flow, not of the labels
            if col == self.COL_PROBLEMS:
                return r.error_count * 1000 + r.warning_count
            return self._texts[index.row()][col]
        if role == _ID:
            return self._rows[index.row()].id
        return self._tooltip(self._rows[index.row()], index.column())  # _TOOLTIP

    def _tooltip(self, r: ApplicantRow, col: int) -> str | None:
        if col == self.COL_PROBLEMS:
            problems = r.problems  # parsed only here: a tooltip is one row at a time
            if not problems:
                return "没有发现问题"
            lines = [f"{p.severity.label}：{html.escape(p.message)}" for p in problems]
            return "<br>".join(lines)
        # The two long columns are elided on screen; the tooltip shows them whole.
        if col == self.COL_EMPLOYER and r.employer:
            return html.escape(r.employer)
        if col == self.COL_POINT and r.point_name:
            return html.escape(r.point_name)
        return None


def _texts(r: ApplicantRow) -> tuple[str, ...]:
    """What a row shows in each column (DisplayRole), in the model's column order."""
    n = r.error_count + r.warning_count
    return (
        f"{r.serial_no:04d}",
        r.name,
        r.gender.label if r.gender is not None else "",
        r.id_number,
        r.point_name,
        r.employer,
        r.mobile,
        r.status.label,
        str(n) if n else "",
    )
