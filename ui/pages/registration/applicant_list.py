"""The applicant list: one search box, three filters, a table over ApplicantService.search."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import ApplicantStatus
from app.domain.flow import StatusFilter
from app.services.errors import ServiceError
from ui.pages.registration.list_model import PAGE_ROWS, ApplicantTableModel
from ui.widgets.workers import Task

if TYPE_CHECKING:
    from app.services.applicants import ApplicantRow, ApplicantService

log = logging.getLogger("classdesk.ui")

SEARCH_PLACEHOLDER = "搜索：姓名、身份证号、手机、报名序号或拼音首字母（如 zs）"
ALL = "全部"
# More rows than a person reads; beyond this the count label asks for a narrower search.
ROW_LIMIT = 1000
# textChanged restarts this single-shot timer: 0 ms runs the search as soon as the typed
# key's events are handled, yet folds a paste or a held key into one search.
SEARCH_DELAY_MS = 0

# Default column widths in characters of the list's font (报名序号 … 问题).
_COLUMN_CHARS = (4.5, 4.5, 2.8, 11.5, 7, 12, 7.5, 5.5, 3.5)
M = ApplicantTableModel
KEY_COLUMNS = (M.COL_SERIAL, M.COL_PROBLEMS, M.COL_NAME, M.COL_POINT)
"""Always in view, in this order on screen: a flagged person never looks clean."""
OPTIONAL_COLUMNS = (M.COL_ID_NUMBER, M.COL_STATUS, M.COL_GENDER, M.COL_MOBILE, M.COL_EMPLOYER)
"""Shown, in this order, as far as the list is wide enough (widen it to see more)."""
HEADER_KEY = "registration/list_header2"  # 2: 问题 moved next to 报名序号


class ApplicantListWidget(QWidget):
    """Search box, filters, the table and a count; tells the page which applicant is chosen."""

    sig_current_changed = Signal(int)
    """The person moved to another row: that applicant's id, or -1 for no row."""
    sig_activated = Signal(int)
    """The person asked to open an applicant (Enter on a row, a double click, or Enter in
    the search box with exactly one hit): go to the form."""
    sig_refreshed = Signal(int)
    """The list was reloaded from the database; the number of rows shown."""

    def __init__(
        self,
        service: ApplicantService,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("applicantList")
        self.service = service
        self._settings = settings
        self._quiet = 0  # >0 while the list moves its own selection (refresh, select_id)
        self._loaded = False
        self.total = 0
        self.limited = False
        # More than ROW_LIMIT match (a letter, a common surname, nothing typed): the total is
        # counted off the UI thread, one count at a time, the latest search's last.
        self._count_task: Task | None = None
        self._count_wanted: tuple[int, str, dict[str, Any]] | None = None
        self._search_no = 0
        self._warm_task: Task | None = None

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(
            SEARCH_PLACEHOLDER + "\nCtrl+F 回到这里；↓ 进入列表；回车打开唯一的结果"
        )
        self.search_edit.installEventFilter(self)

        self.point_combo = QComboBox()
        self.point_combo.setObjectName("pointFilter")
        self.point_combo.setToolTip("只看一个报名点")
        self.point_combo.addItem(f"报名点：{ALL}", None)
        for point in service.campaign.points:
            self.point_combo.addItem(point.name, point.id)
        self.point_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.setToolTip("只看一种状态，或某一步及以后的各步")
        self.status_combo.addItem(f"状态：{ALL}", None)
        for status in ApplicantStatus:
            if status is not ApplicantStatus.PAID:  # paid or not: the payments say
                self.status_combo.addItem(status.label, status)
        for step in (ApplicantStatus.REVIEW_PASSED, ApplicantStatus.SENT_TO_PROVINCE,
                     ApplicantStatus.PROVINCE_CHECKED, ApplicantStatus.PHONED):
            later = StatusFilter(step, and_later=True)
            self.status_combo.addItem(later.label, later)
        self.problems_check = QCheckBox("只看有问题的")
        self.problems_check.setObjectName("problemsFilter")

        # The view shows the model itself, which sorts its own rows when a header is
        # clicked (ApplicantTableModel.sort): no QSortFilterProxyModel in between, whose
        # index mapping asked Python for rowCount/columnCount thousands of times a paint.
        self.model = ApplicantTableModel(self)

        self.table = QTableView()
        self.table.setObjectName("applicantTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ApplicantTableModel.COL_SERIAL, Qt.SortOrder.AscendingOrder)
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        self._widths: dict[int, int] = {}
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        # Fixed row height: no per-row size hints to compute over 1000 rows on every keystroke.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        for visual, col in enumerate(KEY_COLUMNS):
            header.moveSection(header.visualIndex(col), visual)
        self._set_default_widths()

        self.count_label = QLabel()
        self.count_label.setObjectName("listCountLabel")

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.point_combo, 2)
        filters.addWidget(self.status_combo, 1)
        filters.addWidget(self.problems_check)
        self.point_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.status_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.point_combo.setMinimumContentsLength(6)
        self.status_combo.setMinimumContentsLength(5)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.point_combo.currentIndexChanged.connect(self.refresh)
        self.status_combo.currentIndexChanged.connect(self.refresh)
        self.problems_check.toggled.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.activated.connect(self._on_activated)
        self.search_edit.returnPressed.connect(self._open_single_hit)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        find.activated.connect(self.focus_search)
        self.find_shortcut = find

        self._restore_header()

    # ------------------------------------------------------------------ layout
    def _set_default_widths(self) -> None:
        em = self.table.fontMetrics().horizontalAdvance("中")
        header = self.table.horizontalHeader()
        for col, chars in enumerate(_COLUMN_CHARS):
            header.resizeSection(col, int(chars * em) + 12)
        icon = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        header.resizeSection(
            ApplicantTableModel.COL_PROBLEMS,
            max(header.sectionSize(ApplicantTableModel.COL_PROBLEMS), icon + 3 * em),
        )
        self._widths = {col: header.sectionSize(col) for col in range(len(_COLUMN_CHARS))}

    def fit_columns(self) -> None:
        """The key columns always; the others, in OPTIONAL_COLUMNS' order, while they fit
        the list's width: nothing to scroll sideways for."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        for col in range(len(_COLUMN_CHARS)):
            if not header.isSectionHidden(col) and header.sectionSize(col) > 0:
                self._widths[col] = header.sectionSize(col)
        used = sum(self._widths.get(col, 0) for col in KEY_COLUMNS)
        for col in OPTIONAL_COLUMNS:
            width = self._widths.get(col, 0)
            fits = used + width <= room
            if fits:
                used += width
            if header.isSectionHidden(col) == fits:
                header.setSectionHidden(col, not fits)
                if fits:
                    header.resizeSection(col, width)

    def _restore_header(self) -> None:
        if self._settings is None:
            return
        state = self._settings.value(HEADER_KEY)
        if state is not None and not self.table.horizontalHeader().restoreState(state):
            self._set_default_widths()

    def save_state(self) -> None:
        if self._settings is not None:
            self._settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

    # ------------------------------------------------------------------ data
    def filters(self) -> dict[str, Any]:
        return {
            "point_id": self.point_combo.currentData(),
            "status": self.status_combo.currentData(),
            "has_problems": True if self.problems_check.isChecked() else None,
        }

    def is_loaded(self) -> bool:
        """True once the list has been searched (it loads when its page is first shown)."""
        return self._loaded

    def ensure_loaded(self) -> None:
        """Load the list the first time it is needed (not before the page is shown), then
        make the search's in-memory keys off the UI thread."""
        if not self._loaded:
            self.refresh()
            self._warm_task = Task(self.service.warm_search_keys, self)
            self._warm_task.sig_failed.connect(self._count_failed)
            self._warm_task.start()

    def refresh(self) -> None:
        """Run the search again (text and filters), keeping the selected applicant."""
        self._search_timer.stop()
        self._loaded = True
        query = self.search_edit.text()
        filters = self.filters()
        # One pass over the narrow indexes (or the in-memory keys) gives the ids, and the
        # count unless more than ROW_LIMIT match in SQL; the rows are read a page at a
        # time, the first now, the next as the view is scrolled (fetchMore).
        hits = self.service.search_hits(query, limit=ROW_LIMIT + 1, **filters)
        self.limited = len(hits.ids) > ROW_LIMIT
        ids = hits.ids[:ROW_LIMIT]
        self._search_no += 1
        self._count_wanted = None
        if hits.total is not None:
            self.total = hits.total
        else:  # more than ROW_LIMIT: counted on a worker thread, never on this one
            self.total = -1  # being counted
            self._count_wanted = (self._search_no, query, filters)
            self._start_count()
        page = min(PAGE_ROWS, ROW_LIMIT)
        rows = self.service.rows_by_ids(ids[:page])

        def fetch(offset: int, limit: int) -> list[ApplicantRow]:
            return self.service.rows_by_ids(ids[offset:offset + limit])

        keep = self.current_id()
        self._quiet += 1
        try:
            self.model.set_rows(rows, fetch if len(ids) > page else None, len(ids))
            # Lay the rows out now rather than on the view's zero timer: otherwise the
            # paint that follows uses the old geometry (rows, scroll range) and the
            # timer's layout repaints the whole viewport again, a second paint per key.
            self.table.executeDelayedItemsLayout()
            if keep is not None:
                self._select_row(self.model.row_of_id(keep))
        finally:
            self._quiet -= 1
        self._update_count_label()
        self.sig_refreshed.emit(len(rows))

    def _start_count(self) -> None:
        """Count the latest limited search on a worker thread (unless one is counting: it
        starts this one when done)."""
        if self._count_task is not None or self._count_wanted is None:
            return
        number, query, filters = self._count_wanted
        self._count_wanted = None

        def count() -> tuple[int, int]:
            return number, self.service.search_count(query, **filters)

        task = Task(count, self)
        task.sig_done.connect(self._counted)
        task.sig_failed.connect(self._count_failed)
        task.sig_finished.connect(self._count_finished)
        self._count_task = task
        task.start()

    def _counted(self, result: tuple[int, int]) -> None:
        number, total = result
        if number == self._search_no:  # not a search typed over since
            self.total = total
            self._update_count_label()

    def _count_failed(self, exc: BaseException) -> None:
        log.warning("列表的后台查询失败 / the list's background query failed", exc_info=exc)

    def _count_finished(self) -> None:
        self._count_task = None
        self._start_count()

    def wait_background(self, timeout: float = 30.0) -> None:
        """Wait for the total being counted and the search's keys being made (tests,
        closing the database)."""
        for task in (self._count_task, self._warm_task):
            if task is not None:
                task.wait(timeout)

    def _update_count_label(self) -> None:
        shown = self.total if not self.limited else ROW_LIMIT  # read as the list scrolls
        if not self.limited:
            self.count_label.setText(f"共 {shown} 人")
            self.count_label.setToolTip("")
            return
        if self.total < 0:
            self.count_label.setText(f"超过 {ROW_LIMIT} 人，显示前 {shown} 条（正在统计总数…）")
        else:
            self.count_label.setText(f"共 {self.total} 人，显示前 {shown} 条")
        self.count_label.setToolTip("输入姓名、身份证号或报名序号可缩小范围")

    # ------------------------------------------------------------------ selection
    def current_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(
            index.row(), QModelIndex()
        ):
            return None
        value = index.data(ApplicantTableModel.ID_ROLE)
        return int(value) if value is not None else None

    def select_id(self, applicant_id: int | None, *, notify: bool = False) -> bool:
        """Select an applicant's row (False if not listed); the page is told only if `notify`."""
        row = -1 if applicant_id is None else self.model.row_of_id(applicant_id)
        if notify:
            self._select_row(row)
        else:
            self._quiet += 1
            try:
                self._select_row(row)
            finally:
                self._quiet -= 1
        return row >= 0

    def show_applicant(self, applicant_id: int) -> bool:
        """Select an applicant the form shows; if the search or filters hide it (just saved,
        or opened from a duplicate ID number), add its row at the end until the next search
        so the person does not lose sight of it. False if it no longer exists."""
        if self.select_id(applicant_id):
            return True
        row = self._fetch_row(applicant_id)
        if row is None:
            self.select_id(None)
            return False
        self._quiet += 1
        try:
            self.model.append_row(row)
            self._select_row(self.model.rowCount() - 1)
        finally:
            self._quiet -= 1
        return True

    def _fetch_row(self, applicant_id: int) -> ApplicantRow | None:
        try:
            serial = self.service.get(applicant_id).serial_no
        except ServiceError:  # gone (deleted at another desk): nothing to show
            return None
        for row in self.service.search(f"{serial:04d}", limit=None):
            if row.id == applicant_id:
                return row
        return None

    def _select_row(self, row: int) -> None:
        selection = self.table.selectionModel()
        if row < 0:
            selection.clear()
            return
        index = self.model.index(row, 0)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        value = current.data(ApplicantTableModel.ID_ROLE) if current.isValid() else None
        self.sig_current_changed.emit(int(value) if value is not None else -1)

    def _on_activated(self, index: QModelIndex) -> None:
        value = index.data(ApplicantTableModel.ID_ROLE)
        if value is not None:
            self.sig_activated.emit(int(value))

    def _open_single_hit(self) -> None:
        if self._search_timer.isActive():
            self.refresh()  # Enter typed before the pending search ran
        if self.model.rowCount() != 1:
            return
        index = self.model.index(0, 0)
        if self.current_id() != index.data(ApplicantTableModel.ID_ROLE):
            self._select_row(0)
        self._on_activated(index)

    # ------------------------------------------------------------------ keyboard
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self.fit_columns()
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_edit:
                if key == Qt.Key.Key_Down and not event.modifiers():
                    self._enter_list()
                    return True
                if key == Qt.Key.Key_Escape and self.search_edit.text():
                    self.search_edit.clear()
                    return True
            elif watched is self.table and key == Qt.Key.Key_Up and not event.modifiers():
                current = self.table.currentIndex()
                if not current.isValid() or current.row() == 0:
                    self.focus_search()
                    return True
        return super().eventFilter(watched, event)

    def _enter_list(self) -> None:
        if self._search_timer.isActive():
            self.refresh()
        if self.model.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if self.current_id() is None:
            self._select_row(0)
