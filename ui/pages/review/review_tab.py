"""初审 tab: who awaits the initial review, searched and filtered; one person's blockers and
history; 通过 / 退回 for one or for the selected batch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import ApplicantStatus
from app.services.desk import local_time
from app.services.errors import ServiceError
from app.services.workflow import PhotoState, ReviewBlockedError
from ui.dialogs import return_reasons
from ui.pages.review.filters import ListFilters
from ui.pages.review.models import ReviewModel, multi_table, selected_rows
from ui.widgets import messages
from ui.widgets.table import AMBER, GREEN, RED

if TYPE_CHECKING:
    from app.services.workflow import BulkResult, ReviewRow, WorkflowService

OVERRIDE_TITLE = "仍然通过初审"
PASS_KEYS = ("Ctrl+Return", "Ctrl+Enter")
RETURN_KEYS = ("Ctrl+Shift+Return", "Ctrl+Shift+Enter")
NEXT_STEP = "下一步：报省公司（在「报省与核查」中标记已报省公司）；省鉴定中心核查通过后再电话通知。"


def shortcut(parent: QWidget, keys: tuple[str, ...], slot: object) -> QShortcut:
    """Keys that work anywhere in `parent` (the list, the search box, the buttons)."""
    sc = QShortcut(parent)
    sc.setKeys([QKeySequence(k) for k in keys])
    sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(slot)
    return sc


class ReviewTab(QWidget):
    def __init__(self, workflow: WorkflowService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workflow = workflow
        self.model = ReviewModel(self)
        self.table = multi_table(self.model)
        self.table.setObjectName("reviewTable")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.filters = ListFilters(workflow.campaign,
                                   [s for s in ApplicantStatus if s is not ApplicantStatus.PAID],
                                   self.table, "review")
        self.filters.sig_changed.connect(self.refresh)
        self.all_check = QCheckBox("显示已初审的学员")
        self.all_check.toggled.connect(lambda _=False: self.refresh())
        self.count_label = QLabel()
        self.count_label.setObjectName("reviewCount")

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.blockers = QListWidget()
        self.blockers.setObjectName("blockerList")
        self.blockers.setWordWrap(True)
        self.history = QListWidget()
        self.history.setObjectName("statusHistory")
        self.history.setWordWrap(True)
        self.pass_button = QPushButton("通过")
        self.pass_button.setObjectName("passButton")
        self.pass_button.setToolTip("初审通过选中的学员（Ctrl+Enter）")
        self.pass_button.clicked.connect(self.review_pass)
        self.return_button = QPushButton("退回…")
        self.return_button.setObjectName("returnButton")
        self.return_button.setToolTip("退回补正选中的学员，填写一次原因（Ctrl+Shift+Enter）")
        self.return_button.clicked.connect(self.review_return)
        self.result_label = QLabel()
        self.result_label.setObjectName("reviewResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pass_shortcut = shortcut(self, PASS_KEYS, self.review_pass)
        self.return_shortcut = shortcut(self, RETURN_KEYS, self.review_return)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.filters)
        top = QHBoxLayout()
        top.addWidget(self.all_check)
        top.addStretch(1)
        top.addWidget(self.count_label)
        ll.addLayout(top)
        ll.addWidget(self.table)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.heading)
        rl.addWidget(QLabel("<b>须先解决的问题</b>（红：错误，黄：提示）"))
        rl.addWidget(self.blockers, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pass_button)
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        rl.addLayout(buttons)
        rl.addWidget(QLabel("快捷键：Ctrl+F 搜索，↓ 进入列表，Ctrl+Enter 通过，"
                            "Ctrl+Shift+Enter 退回"))
        rl.addWidget(self.result_label)
        rl.addWidget(QLabel("<b>状态记录</b>"))
        rl.addWidget(self.history, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([620, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        for first, second in ((self.filters.search_edit, self.filters.point_combo),
                              (self.filters.point_combo, self.filters.status_combo),
                              (self.filters.status_combo, self.all_check),
                              (self.all_check, self.table),
                              (self.table, self.pass_button),
                              (self.pass_button, self.return_button)):
            QWidget.setTabOrder(first, second)
        self._show_selected()

    # ------------------------------------------------------------------ the list
    def refresh(self) -> None:
        keep = {r.id for r in self.selected()}
        current = self.current()
        try:
            rows = self.workflow.review_list(include_reviewed=self.all_check.isChecked(),
                                             **self.filters.values())
        except ServiceError as e:  # search text too long: say so, keep the list
            self.count_label.setText(e.message)
            return
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 人")
        if rows:
            wanted = [i for i, r in enumerate(rows) if r.id in keep]
            if not wanted:
                target = next((i for i, r in enumerate(rows)
                               if current is not None and r.id == current.id), 0)
                wanted = [target]
            self._select_rows(wanted)
        self._show_selected()

    def _select_rows(self, rows: list[int]) -> None:
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.setCurrentIndex(self.model.index(rows[0], 0),
                                  flags.ClearAndSelect | flags.Rows)
        for r in rows[1:]:
            selection.select(self.model.index(r, 0), flags.Select | flags.Rows)

    def current(self) -> ReviewRow | None:
        row: ReviewRow | None = self.model.row_at(self.table.currentIndex().row())
        return row

    def selected(self) -> list[ReviewRow]:
        return [self.model.row_at(i) for i in selected_rows(self.table)]

    def select_id(self, applicant_id: int) -> None:
        for i, r in enumerate(self.model.rows()):
            if r.id == applicant_id:
                self.table.selectRow(i)
                return

    def _show_selected(self) -> None:
        rows = self.selected()
        self.blockers.clear()
        self.history.clear()
        self.pass_button.setEnabled(bool(rows))
        self.return_button.setEnabled(bool(rows))
        if len(rows) > 1:
            self.pass_button.setText(f"通过选中的 {len(rows)} 人")
            self.return_button.setText(f"退回选中的 {len(rows)} 人…")
            with_errors = [r for r in rows
                           if r.error_count or r.photo is PhotoState.FAILED]
            self.heading.setText(f"<h3>已选 {len(rows)} 人</h3>"
                                 f"其中 {len(with_errors)} 人有错误"
                                 "（须逐人处理，批量通过时会跳过）")
            for r in with_errors:
                what = [f"{r.error_count} 个错误"] if r.error_count else []
                what += ["照片不合格"] if r.photo is PhotoState.FAILED else []
                item = QListWidgetItem(f"✗ {r.serial_text} {r.name}：{'，'.join(what)}")
                item.setForeground(QColor(RED))
                self.blockers.addItem(item)
            return
        self.pass_button.setText("通过")
        self.return_button.setText("退回…")
        if not rows:
            self.heading.setText("请在左侧选择学员（可按住 Shift 或 Ctrl 多选）。")
            return
        row = rows[0]
        self.heading.setText(f"<h3>{row.serial_text} {row.name}</h3>"
                             f"{row.point_name}　状态：{row.status.label}")
        try:
            problems = self.workflow.blockers(row.id)
            changes = self.workflow.status_history(row.id)
        except ServiceError as e:
            self.heading.setText(e.message)
            return
        if not problems:
            item = QListWidgetItem("没有问题，可以通过初审。")
            item.setForeground(QColor(GREEN))
            self.blockers.addItem(item)
        for p in problems:
            item = QListWidgetItem(("✗ " if p.is_error else "！ ") + p.message)
            item.setForeground(QColor(RED if p.is_error else AMBER))
            self.blockers.addItem(item)
        for c in changes:
            self.history.addItem(f"{local_time(c.at):%m-%d %H:%M} {c.operator}：{c.text}")

    # ------------------------------------------------------------------ decisions
    def review_pass(self) -> None:
        rows = self.selected()
        if len(rows) > 1:
            self._pass_many(rows)
            return
        if not rows:
            return
        row = rows[0]
        try:
            try:
                self.workflow.review_pass(row.id, row.version)
            except ReviewBlockedError as e:
                note = messages.ask_multiline_text(
                    self, OVERRIDE_TITLE, f"{e.message}\n\n请写明仍然通过的理由：")
                if not note:
                    return
                self.workflow.review_pass(row.id, row.version, note, override=True)
        except ServiceError as e:
            messages.warn(self, "不能通过初审", e.message)
            return
        self.result_label.setText(f"{row.name}：初审通过。{NEXT_STEP}")
        self.refresh()

    def _pass_many(self, rows: list[ReviewRow]) -> None:
        if not messages.confirm(self, "批量通过初审",
                                f"初审通过选中的 {len(rows)} 人？有错误的学员会跳过，须逐人处理。",
                                f"通过 {len(rows)} 人"):
            return
        result = self.workflow.review_pass_many([(r.id, r.version) for r in rows])
        self._show_batch(rows, result, f"初审通过。{NEXT_STEP}")

    def review_return(self) -> None:
        rows = self.selected()
        if not rows:
            return
        who = rows[0].name if len(rows) == 1 else f"选中的 {len(rows)} 人"
        answer = return_reasons.ask_return(self, who)
        if answer is None:
            return
        reasons, note = answer
        if len(rows) > 1:
            try:
                result = self.workflow.review_return_many([(r.id, r.version) for r in rows],
                                                          reasons, note)
            except ServiceError as e:
                messages.warn(self, "不能退回", e.message)
                return
            self._show_batch(rows, result,
                             f"已退回补正（{'；'.join(reasons)}），已列入电话通知名单。")
            return
        row = rows[0]
        try:
            self.workflow.review_return(row.id, row.version, reasons, note)
        except ServiceError as e:
            messages.warn(self, "不能退回", e.message)
            return
        self.result_label.setText(f"{row.name}：已退回补正（{'；'.join(reasons)}），"
                                  "已列入电话通知名单。")
        self.refresh()

    def _show_batch(self, rows: list[ReviewRow], result: BulkResult, done: str) -> None:
        names = {r.id: f"{r.serial_text} {r.name}" for r in rows}
        lines = [f"{result.message}{done if result.changed else ''}"]
        lines += [f"未更改 {names.get(aid, aid)}：{why}" for aid, why in result.refused]
        self.result_label.setText("\n".join(lines))
        self.refresh()
