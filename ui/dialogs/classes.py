"""文件 → 班次…: every class with its year, level, dates and counts; switch the current
class (remembered in the database), 新建班次 from the previous one, edit the settings,
unlock a past class with a reason, export the settings or make a class from a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.classes import ClassRow, ClassService
from app.services.errors import ServiceError
from ui.dialogs.class_settings import ClassSettingsDialog
from ui.widgets import files, messages

TITLE = "班次"
COLUMNS = ("年度", "班次", "等级", "报名截止", "县区截止", "培训时间", "已报名", "已确认",
           "目标", "状态")
ID_ROLE = Qt.ItemDataRole.UserRole
FILE_FILTER = "班次设置文件 (*.json)"


def _state(r: ClassRow) -> str:
    return "、".join(w for w, on in (("当前班次", r.is_current), ("只读", r.locked)) if on) or ""


class ClassesDialog(QDialog):
    """The classes of the database; `switched` says whether the current class changed
    (the window then reopens every page on it)."""

    def __init__(self, service: ClassService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.switched = False
        self.rows: list[ClassRow] = []
        self.setObjectName("classesDialog")
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)
        intro = QLabel("每年一个班次。窗口、各页面、导出和命令行都用“当前班次”；往年班次只读，"
                       "需要修改时先解锁并写明原因。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("classesTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.edit_settings())
        layout.addWidget(self.table, 1)
        buttons = QGridLayout()
        self.use_button = self._button("设为当前班次", "useClass", self.use_selected)
        self.new_button = self._button("新建班次…", "newClass", self.new_class)
        self.edit_button = self._button("班次设置…", "editClass", self.edit_settings)
        self.unlock_button = self._button("解锁…", "unlockClass", self.unlock_selected)
        self.export_button = self._button("导出设置…", "exportClass", self.export_selected)
        self.import_button = self._button("从设置文件新建…", "importClass", self.import_file)
        for i, b in enumerate((self.use_button, self.new_button, self.edit_button,
                               self.unlock_button, self.export_button, self.import_button)):
            buttons.addWidget(b, i // 3, i % 3)
        bottom = QHBoxLayout()
        bottom.addLayout(buttons)
        bottom.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        bottom.addWidget(close, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(bottom)
        self.refresh()
        self.resize(1000, 420)

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.clicked.connect(slot)
        return b

    # ------------------------------------------------------------------ list
    def refresh(self, select: int | None = None) -> None:
        self.rows = self.service.rows()
        self.table.setRowCount(0)
        chosen = 0
        for i, r in enumerate(self.rows):
            self.table.insertRow(i)
            values = (str(r.year), r.title, r.level_label, _day(r.registration_deadline),
                      _day(r.county_deadline), r.training_period, str(r.people),
                      str(r.confirmed), str(r.target), _state(r))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, r.id)
                if col >= 6 and col <= 8:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if r.is_current:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, col, item)
            if (select is None and r.is_current) or r.id == select:
                chosen = i
        if self.rows:
            self.table.selectRow(chosen)
        self._update_buttons()

    def selected(self) -> ClassRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        r = self.selected()
        self.use_button.setEnabled(r is not None and not r.is_current)
        for b in (self.new_button, self.edit_button, self.export_button):
            b.setEnabled(r is not None)
        self.unlock_button.setEnabled(r is not None and r.locked)
        self.edit_button.setText("查看设置…" if r is not None and r.locked else "班次设置…")

    # ------------------------------------------------------------------ actions
    def use_selected(self) -> None:
        r = self.selected()
        if r is None or r.is_current:
            return
        try:
            self.service.use(r.id)
        except ServiceError as e:
            messages.warn(self, TITLE, e.message)
            return
        self.switched = True
        self.refresh(r.id)
        if r.locked:
            messages.inform(self, TITLE, f"已切换到 {r.title}。这是往年班次，只能查看；"
                                         "需要修改时请点“解锁…”并写明原因。")

    def new_class(self) -> None:
        """新建班次 from the selected class (the newest by default), the next year."""
        r = self.selected()
        if r is None:
            return
        year = max(x.year for x in self.rows) + 1
        settings = self.service.new_settings_from(r.id, year)
        dialog = ClassSettingsDialog(self.service, settings, from_id=r.id, parent=self)
        if messages.exec_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.switched = True
            self.refresh(dialog.saved_id)
        dialog.deleteLater()

    def edit_settings(self) -> None:
        r = self.selected()
        if r is None:
            return
        dialog = ClassSettingsDialog(self.service, self.service.settings(r.id), class_id=r.id,
                                     read_only=r.locked, parent=self)
        if messages.exec_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.switched = self.switched or r.is_current  # the pages show the new settings
            self.refresh(r.id)
        dialog.deleteLater()

    def unlock_selected(self) -> None:
        r = self.selected()
        if r is None or not r.locked:
            return
        reason = messages.ask_text(self, "解锁往年班次",
                                   f"解锁 {r.title}，以便修改它的学员或设置。\n"
                                   "请写明原因（记入历史），如：补录省里返回的成绩")
        if reason is None:
            return
        try:
            self.service.unlock(r.id, reason)
        except ServiceError as e:
            messages.warn(self, "解锁往年班次", e.message)
            return
        self.switched = self.switched or r.is_current
        self.refresh(r.id)

    def export_selected(self) -> None:
        r = self.selected()
        if r is None:
            return
        path = files.choose_save_file(self, "导出班次设置", f"{r.code}.json", FILE_FILTER)
        if not path:
            return
        try:
            self.service.export_file(r.id, Path(path))
        except ServiceError as e:
            messages.warn(self, "导出班次设置", e.message)
            return
        messages.inform(self, "导出班次设置", f"已导出 {r.title} 的设置：\n{path}")

    def import_file(self) -> None:
        path = files.choose_open_file(self, "从班次设置文件新建", "", FILE_FILTER)
        if not path:
            return
        try:
            cid = self.service.import_file(Path(path))
        except ServiceError as e:
            messages.warn(self, "从班次设置文件新建", e.message)
            return
        self.switched = True
        self.refresh(cid)


def _day(d: object) -> str:
    return str(d) if d is not None else ""


def show_classes(parent: QWidget | None, service: ClassService) -> bool:
    """The 班次 dialog; True when the current class (or its settings) changed."""
    dialog = ClassesDialog(service, parent)
    messages.exec_dialog(dialog)
    switched = dialog.switched
    dialog.deleteLater()
    return switched


def fill_class_menu(menu: QMenu, service: ClassService | None,
                    on_switched: Callable[[], None], on_manage: Callable[[], None]) -> None:
    """文件 → 班次 ▸: one checkable action per class (the current one checked, a past one
    marked 只读): choosing another switches at once (remembered in the database); then
    班次管理… (the dialog: 新建班次, settings, 解锁, files)."""
    menu.clear()
    if service is None:
        return
    for r in service.rows():
        action = menu.addAction(f"{r.title}（{r.code}）" + ("　只读" if r.locked else ""))
        action.setCheckable(True)
        action.setChecked(r.is_current)
        action.setData(r.id)
        if not r.is_current:
            action.triggered.connect(
                lambda _on=False, cid=r.id: _switch(menu, service, cid, on_switched))
    menu.addSeparator()
    manage = menu.addAction("班次管理（新建、设置、解锁、导出）…")
    manage.setObjectName("manageClasses")
    manage.triggered.connect(on_manage)


def _switch(parent: QWidget, service: ClassService, class_id: int,
            on_switched: Callable[[], None]) -> None:
    try:
        service.use(class_id)
    except ServiceError as e:
        messages.warn(parent, TITLE, e.message)
        return
    on_switched()
