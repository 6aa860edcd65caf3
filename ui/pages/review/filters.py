"""The search box and filters over a desk list (初审, 电话通知): search as you type with the
applicant list's rules, 报名点 and status, and the keys that move between box and list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QTableView, QWidget

from app.domain.codes import ApplicantStatus
from app.services.campaign import CampaignInfo

ALL = "全部"
SEARCH_PLACEHOLDER = "搜索：姓名、身份证号、手机、报名序号或拼音首字母（如 zs）"
SEARCH_TIP = (SEARCH_PLACEHOLDER + "\nCtrl+F 回到这里；↓ 进入列表；Esc 清空"
              "\n列表中：Shift/Ctrl+方向键或 Ctrl+A 多选，批量处理选中的学员")


class ListFilters(QWidget):
    """Search text, 报名点 and status for one desk list; `sig_changed` when any changes."""

    sig_changed = Signal()
    """The search text or a filter changed: search again."""

    def __init__(self, campaign: CampaignInfo, statuses: Iterable[ApplicantStatus],
                 table: QTableView, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName(f"{name}Search")
        self.search_edit.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(SEARCH_TIP)
        self.search_edit.installEventFilter(self)
        self.point_combo = QComboBox()
        self.point_combo.setObjectName(f"{name}PointFilter")
        self.point_combo.setToolTip("只看一个报名点")
        self.point_combo.addItem(f"报名点：{ALL}", None)
        for point in campaign.points:
            self.point_combo.addItem(point.name, point.id)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName(f"{name}StatusFilter")
        self.status_combo.setToolTip("只看一种状态")
        self.status_combo.addItem(f"状态：{ALL}", None)
        for status in statuses:
            self.status_combo.addItem(status.label, status)
        table.installEventFilter(self)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit, 3)
        layout.addWidget(self.point_combo, 1)
        layout.addWidget(self.status_combo, 1)

        # 0 ms: the search runs as soon as the typed key's events are handled, yet a paste
        # or a held key is one search.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.sig_changed.emit)
        self.search_edit.textChanged.connect(self._timer.start)
        self.point_combo.currentIndexChanged.connect(lambda _=0: self.sig_changed.emit())
        self.status_combo.currentIndexChanged.connect(lambda _=0: self.sig_changed.emit())
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        find.activated.connect(self.focus_search)

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments: query, point_id, status."""
        return {"query": self.search_edit.text(), "point_id": self.point_combo.currentData(),
                "status": self.status_combo.currentData()}

    def flush(self) -> None:
        """Run a pending search now (Enter or ↓ typed before it ran)."""
        if self._timer.isActive():
            self._timer.stop()
            self.sig_changed.emit()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def enter_list(self) -> None:
        self.flush()
        model = self.table.model()
        if model is None or model.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.table.selectionModel().hasSelection():
            self.table.selectionModel().setCurrentIndex(
                model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_edit:
                if key == Qt.Key.Key_Down and not event.modifiers():
                    self.enter_list()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                    self.enter_list()
                    return True
                if key == Qt.Key.Key_Escape and self.search_edit.text():
                    self.search_edit.clear()
                    return True
            elif (watched is self.table and key == Qt.Key.Key_Up
                  and not event.modifiers()):
                current = self.table.currentIndex()
                if not current.isValid() or current.row() == 0:
                    self.focus_search()
                    return True
        return super().eventFilter(watched, event)
