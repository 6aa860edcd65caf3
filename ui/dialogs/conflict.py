"""When another desk saved the same record first: compare both versions, choose per field."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import Enum, auto
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.applicant import ApplicantData
from ui.dialogs.history import display_value, field_label, local_time

if TYPE_CHECKING:
    from app.services.applicants import ApplicantRecord


class ConflictChoice(Enum):
    CANCEL = auto()
    SAVE_MERGED = auto()  # 按选择保存
    LOAD_THEIRS = auto()  # 放弃我的修改，载入对方版本
    SAVE_AS_NEW = auto()  # the other desk deleted it: 另存为新记录
    DISCARD = auto()  # the other desk deleted it: 放弃我的修改


def differing_fields(a: ApplicantData, b: ApplicantData) -> list[str]:
    """Fields whose values differ, in the order of the paper form (报名序号 never)."""
    names = [f for f in ApplicantData.field_names() if f != "serial_no"]
    out = [f for f in names if getattr(a, f) != getattr(b, f)]
    if a.extra != b.extra:
        out.append("extra")
    return out


def _value(data: ApplicantData, name: str) -> Any:
    return getattr(data, name)


class ConflictDialog(QDialog):
    """Both versions side by side: one row per differing field, a choice per row.

    `mine` is what this desk wants to save, `base` what it loaded, `current` what the
    other desk saved (None: the other desk deleted the record). After exec(),
    `choice` says what the person chose and `merged_data()` builds the chosen record.
    """

    COL_FIELD = 0
    COL_BASE = 1
    COL_MINE = 2
    COL_THEIRS = 3

    def __init__(
        self,
        mine: ApplicantData,
        base: ApplicantData | None,
        current: ApplicantRecord | None,
        changed_by: str = "",
        changed_at: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.mine = mine
        self.base = base
        self.current = current
        self.choice = ConflictChoice.CANCEL
        self._groups: dict[str, QButtonGroup] = {}
        self._mine_buttons: dict[str, QRadioButton] = {}
        self._theirs_buttons: dict[str, QRadioButton] = {}
        self.fields: list[str] = []

        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("取消（继续编辑，暂不保存）")
        self.cancel_button.clicked.connect(self._cancel)

        if current is None:
            self.setWindowTitle("记录已被其他电脑删除")
            self.message.setText(
                "您正在修改的这条记录，已被其他电脑删除。您的修改还没有保存。\n\n"
                "• 另存为新记录：按您现在填写的内容重新登记（会得到新的报名序号）。\n"
                "• 放弃我的修改：不保存，清空表单。\n"
                "• 取消：回到表单，内容保留。"
            )
            self.table: QTableWidget | None = None
            self.save_as_new_button = QPushButton("另存为新记录")
            self.save_as_new_button.setDefault(True)
            self.save_as_new_button.clicked.connect(
                lambda: self._finish(ConflictChoice.SAVE_AS_NEW)
            )
            self.discard_button = QPushButton("放弃我的修改")
            self.discard_button.clicked.connect(lambda: self._finish(ConflictChoice.DISCARD))
            buttons.addWidget(self.save_as_new_button)
            buttons.addWidget(self.discard_button)
            buttons.addWidget(self.cancel_button)
            layout.addLayout(buttons)
            self.resize(520, 220)
            return

        who = changed_by or current.updated_by
        at = changed_at or current.updated_at
        when = local_time(at).strftime("%Y-%m-%d %H:%M") if at else ""
        self.setWindowTitle("其他电脑已修改这条记录")
        self.fields = differing_fields(mine, current.data)
        name = current.data.name or mine.name
        intro = (
            f"报名序号 {current.serial_text} {name} 的记录，在您打开之后已被「{who}」于 {when} "
            "修改并保存。为了不覆盖对方的修改，您的内容还没有保存。\n"
            "下表列出两边不同的内容：请逐项选择保留哪一个（默认：您改过的项保留您的，"
            "只有对方改过的项保留对方的；橙色字段是双方都改过的）。"
        )
        if not self.fields:
            intro += "\n\n两边的内容其实相同，可以直接保存。"
        self.message.setText(intro)

        table = QTableWidget(len(self.fields), 4)
        table.setObjectName("conflictTable")
        table.setHorizontalHeaderLabels(
            ["字段", "打开时的内容", "您的修改", f"对方保存的版本（{who}，{when}）"]
        )
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the choices themselves
        header = table.horizontalHeader()
        header.setSectionResizeMode(self.COL_FIELD, QHeaderView.ResizeMode.ResizeToContents)
        for col in (self.COL_BASE, self.COL_MINE, self.COL_THEIRS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        grey = QColor("#6b6b6b")
        for row, name_ in enumerate(self.fields):
            label = QTableWidgetItem(field_label(name_))
            bold = QFont(label.font())
            bold.setBold(True)
            label.setFont(bold)
            table.setItem(row, self.COL_FIELD, label)
            base_text = display_value(_value(base, name_)) if base is not None else ""
            base_item = QTableWidgetItem(base_text)
            base_item.setForeground(grey)
            table.setItem(row, self.COL_BASE, base_item)

            mine_value = _value(mine, name_)
            theirs_value = _value(current.data, name_)
            i_changed = base is None or mine_value != _value(base, name_)
            if i_changed and (base is None or theirs_value != _value(base, name_)):
                # both desks changed this field: the one that really needs a decision
                label.setForeground(QColor("#b54708"))
                label.setToolTip("双方都修改了这一项，请选择保留哪一个")
            mine_text = display_value(mine_value) + ("" if i_changed else "（未改动）")
            theirs_changed = base is None or theirs_value != _value(base, name_)
            theirs_text = display_value(theirs_value) + ("" if theirs_changed else "（未改动）")
            mine_button = QRadioButton(mine_text)
            theirs_button = QRadioButton(theirs_text)
            mine_button.setObjectName(f"mine_{name_}")
            theirs_button.setObjectName(f"theirs_{name_}")
            group = QButtonGroup(self)
            group.addButton(mine_button)
            group.addButton(theirs_button)
            (mine_button if i_changed else theirs_button).setChecked(True)
            self._groups[name_] = group
            self._mine_buttons[name_] = mine_button
            self._theirs_buttons[name_] = theirs_button
            table.setCellWidget(row, self.COL_MINE, _padded(mine_button))
            table.setCellWidget(row, self.COL_THEIRS, _padded(theirs_button))
        table.resizeRowsToContents()
        self.table = table
        layout.addWidget(table, 1)

        self.save_button = QPushButton("按选择保存")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self._finish(ConflictChoice.SAVE_MERGED))
        self.load_theirs_button = QPushButton("放弃我的修改，载入对方版本")
        self.load_theirs_button.clicked.connect(lambda: self._finish(ConflictChoice.LOAD_THEIRS))
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.load_theirs_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.resize(900, min(260 + 34 * len(self.fields), 620))

    # ------------------------------------------------------------------ choices
    def keeps_mine(self, name: str) -> bool:
        return self._mine_buttons[name].isChecked()

    def choose(self, name: str, mine: bool) -> None:
        """Keep this desk's value of `name` (mine=True) or the other desk's."""
        (self._mine_buttons if mine else self._theirs_buttons)[name].setChecked(True)

    def mine_button(self, name: str) -> QRadioButton:
        return self._mine_buttons[name]

    def theirs_button(self, name: str) -> QRadioButton:
        return self._theirs_buttons[name]

    def merged_data(self) -> ApplicantData:
        """The other desk's version with the fields chosen as "mine" taken from this desk."""
        if self.current is None:
            return replace(self.mine, extra=dict(self.mine.extra))
        merged = replace(self.current.data, extra=dict(self.current.data.extra))
        for name in self.fields:
            if self.keeps_mine(name):
                value = _value(self.mine, name)
                setattr(merged, name, dict(value) if name == "extra" else value)
        return merged

    def _finish(self, choice: ConflictChoice) -> None:
        self.choice = choice
        self.accept()

    def _cancel(self) -> None:
        self.choice = ConflictChoice.CANCEL
        self.reject()

    def reject(self) -> None:
        # Esc and the window's close button are 取消 too.
        self.choice = ConflictChoice.CANCEL
        super().reject()


def _padded(widget: QWidget) -> QWidget:
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(6, 2, 6, 2)
    lay.addWidget(widget)
    lay.addStretch(1)
    return box
