"""班次设置: every setting of one class in a form, and its registration points in a table
(add, rename, remove an unused one, reorder, target, note, county flag, aliases). What the
rules refuse is listed under the form; nothing is saved until every error is fixed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.class_settings import (
    LEVEL_LABELS,
    LEVEL_NAMES,
    MAX_FEE,
    MAX_TARGET,
    ClassSettings,
    PointSettings,
)
from app.domain.problems import Problem
from app.services.classes import ClassService, SettingsError
from app.services.errors import ServiceError

COLUMNS = ("报名点", "目标人数", "说明（通知的建议）", "县区", "别名（用、分隔）", "已报名")
COL_NAME, COL_TARGET, COL_NOTE, COL_COUNTY, COL_ALIASES, COL_USED = range(len(COLUMNS))
KEY_ROLE = Qt.ItemDataRole.UserRole


def _qdate(d: date | None) -> QDate:
    return QDate(d.year, d.month, d.day) if d is not None else QDate(2000, 1, 1)


def _date(q: QDate) -> date | None:
    return None if q == QDate(2000, 1, 1) else date(q.year(), q.month(), q.day())


def _spin(high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, high)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(False)
    return box


class ClassSettingsDialog(QDialog):
    """The form of one class's settings. `class_id` None: a new class made from `from_id`
    (its settings moved to the next year are the start)."""

    def __init__(self, service: ClassService, settings: ClassSettings, *,
                 class_id: int | None = None, from_id: int | None = None,
                 read_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.class_id = class_id
        self.from_id = from_id
        self.saved_id: int | None = None
        self.read_only = read_only
        self.used = service.points_in_use(class_id) if class_id is not None else {}
        self.setObjectName("classSettingsDialog")
        new = class_id is None
        self.setWindowTitle("新建班次" if new else f"班次设置：{settings.title}")
        layout = QVBoxLayout(self)
        if read_only:
            note = QLabel("往年班次，只读。需要修改时，请在班次列表里点“解锁…”并写明原因。")
            note.setObjectName("readOnlyNote")
            note.setProperty("role", "warning")
            layout.addWidget(note)
        layout.addWidget(self._settings_box())
        layout.addWidget(self._points_box(), 1)
        self.problems = QLabel()
        self.problems.setObjectName("classProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.hide()
        layout.addWidget(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("新建班次" if new else "保存")
        self.ok.setEnabled(not read_only)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "关闭" if read_only else "取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.set_settings(settings)
        self.table.setColumnHidden(COL_USED, new)  # a new class has nobody yet
        if read_only:
            for w in self.findChildren(QWidget):
                if isinstance(w, QLineEdit | QSpinBox | QDateEdit | QComboBox):
                    w.setEnabled(False)
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
                b.setEnabled(False)
        self.resize(1080, 700)

    # ------------------------------------------------------------------ building
    def _settings_box(self) -> QGroupBox:
        box = QGroupBox("班次（通知里的设置）")
        grid = QGridLayout(box)
        self.code = QLineEdit()
        self.code.setObjectName("code")
        self.year = _spin(2100)
        self.year.setMinimum(2000)
        self.year.setObjectName("year")
        self.level = QComboBox()
        self.level.setObjectName("level")
        for n, label in sorted(LEVEL_LABELS.items(), reverse=True):
            self.level.addItem(f"{label}（{LEVEL_NAMES[n]}）", n)
        self.level_name = QLineEdit()
        self.class_name = QLineEdit()
        self.city = QLineEdit()
        self.occupation = QLineEdit()
        self.min_trainees = _spin(MAX_TARGET, " 人")
        self.training_fee = _spin(MAX_FEE, " 元")
        self.training_fee.setObjectName("trainingFee")
        self.exam_fee = _spin(MAX_FEE, " 元")
        self.exam_fee.setObjectName("examFee")
        self.registration_deadline = self._date_edit("registrationDeadline")
        self.county_deadline = self._date_edit("countyDeadline")
        self.training_period = QLineEdit()
        self.payee_name = QLineEdit()
        self.payee_bank = QLineEdit()
        self.payee_account = QLineEdit()
        self.payee_account.setObjectName("payeeAccount")
        self.source = QLineEdit()
        columns = (
            (("年度", self.year), ("等级", self.level), ("等级名称", self.level_name),
             ("班名", self.class_name), ("职业", self.occupation), ("城市", self.city)),
            (("班次代码", self.code), ("最少开班", self.min_trainees),
             ("培训费", self.training_fee), ("考试费", self.exam_fee),
             ("报名截止", self.registration_deadline), ("县区报送截止", self.county_deadline)),
            (("培训时间", self.training_period), ("收款单位", self.payee_name),
             ("开户行", self.payee_bank), ("收款账号", self.payee_account),
             ("通知文件", self.source)),
        )
        for col, rows in enumerate(columns):
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            for label, widget in rows:
                form.addRow(label, widget)
            grid.addLayout(form, 0, col)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return box

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setSpecialValueText("未填")
        return edit

    def _points_box(self) -> QGroupBox:
        box = QGroupBox("报名点与计划目标（附件1；目标为“不少于人数”）")
        layout = QHBoxLayout(box)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("pointsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for col, mode in ((COL_NAME, QHeaderView.ResizeMode.Interactive),
                          (COL_TARGET, QHeaderView.ResizeMode.ResizeToContents),
                          (COL_NOTE, QHeaderView.ResizeMode.Stretch),
                          (COL_COUNTY, QHeaderView.ResizeMode.ResizeToContents),
                          (COL_ALIASES, QHeaderView.ResizeMode.Stretch),
                          (COL_USED, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.table.setColumnWidth(COL_NAME, 150)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        side = QVBoxLayout()
        self.add_button = QPushButton("添加报名点")
        self.add_button.setObjectName("addPoint")
        self.remove_button = QPushButton("删除报名点")
        self.remove_button.setObjectName("removePoint")
        self.up_button = QPushButton("上移")
        self.up_button.setObjectName("pointUp")
        self.down_button = QPushButton("下移")
        self.down_button.setObjectName("pointDown")
        self.add_button.clicked.connect(self.add_point)
        self.remove_button.clicked.connect(self.remove_point)
        self.up_button.clicked.connect(lambda: self.move_point(-1))
        self.down_button.clicked.connect(lambda: self.move_point(1))
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            side.addWidget(b)
        self.total = QLabel()
        self.total.setObjectName("targetTotal")
        self.total.setWordWrap(True)
        side.addWidget(self.total)
        side.addStretch(1)
        layout.addLayout(side)
        self.table.itemChanged.connect(lambda _item: self._show_total())
        return box

    # ------------------------------------------------------------------ values
    def set_settings(self, s: ClassSettings) -> None:
        self.code.setText(s.code)
        self.year.setValue(s.year)
        self.level.setCurrentIndex(max(self.level.findData(s.level), 0))
        for edit, value in ((self.level_name, s.level_name), (self.class_name, s.class_name),
                            (self.city, s.city), (self.occupation, s.occupation),
                            (self.training_period, s.training_period),
                            (self.payee_name, s.payee_name), (self.payee_bank, s.payee_bank),
                            (self.payee_account, s.payee_account), (self.source, s.source)):
            edit.setText(value)
            edit.setCursorPosition(0)
        self.min_trainees.setValue(s.min_trainees)
        self.training_fee.setValue(s.training_fee)
        self.exam_fee.setValue(s.exam_fee)
        self.registration_deadline.setDate(_qdate(s.registration_deadline))
        self.county_deadline.setDate(_qdate(s.county_deadline))
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for p in s.points:
            self._append(p)
        self.table.blockSignals(False)
        self._show_total()
        self._update_buttons()

    def _append(self, p: PointSettings, row: int | None = None) -> int:
        row = self.table.rowCount() if row is None else row
        self.table.insertRow(row)
        name = QTableWidgetItem(p.name)
        name.setData(KEY_ROLE, p.key)
        target = QTableWidgetItem()
        target.setData(Qt.ItemDataRole.EditRole, p.target)
        county = QTableWidgetItem()
        county.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                        | Qt.ItemFlag.ItemIsSelectable)
        county.setCheckState(Qt.CheckState.Checked if p.county else Qt.CheckState.Unchecked)
        used = QTableWidgetItem(str(self.used.get(p.key, 0)) if p.key is not None else "0")
        used.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        used.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        for col, item in ((COL_NAME, name), (COL_TARGET, target),
                          (COL_NOTE, QTableWidgetItem(p.note)), (COL_COUNTY, county),
                          (COL_ALIASES, QTableWidgetItem("、".join(p.aliases))),
                          (COL_USED, used)):
            self.table.setItem(row, col, item)
        return row

    def _text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text().strip() if item is not None else ""

    def points(self) -> tuple[PointSettings, ...]:
        out = []
        for row in range(self.table.rowCount()):
            name_item = self.table.item(row, COL_NAME)
            key = name_item.data(KEY_ROLE) if name_item is not None else None
            target_item = self.table.item(row, COL_TARGET)
            target = target_item.data(Qt.ItemDataRole.EditRole) if target_item else 0
            county = self.table.item(row, COL_COUNTY)
            aliases = self._text(row, COL_ALIASES).replace("，", "、").replace(",", "、")
            out.append(PointSettings(
                name=self._text(row, COL_NAME), target=int(target or 0),
                note=self._text(row, COL_NOTE),
                county=county is not None and county.checkState() == Qt.CheckState.Checked,
                aliases=tuple(a.strip() for a in aliases.split("、") if a.strip()),
                key=int(key) if key is not None else None))
        return tuple(out)

    def settings(self) -> ClassSettings:
        return ClassSettings(
            code=self.code.text().strip(), year=self.year.value(),
            occupation=self.occupation.text().strip(), level=int(self.level.currentData()),
            level_name=self.level_name.text().strip(), class_name=self.class_name.text().strip(),
            city=self.city.text().strip(), min_trainees=self.min_trainees.value(),
            training_fee=self.training_fee.value(), exam_fee=self.exam_fee.value(),
            registration_deadline=_date(self.registration_deadline.date()),
            county_deadline=_date(self.county_deadline.date()),
            training_period=self.training_period.text().strip(),
            payee_name=self.payee_name.text().strip(), payee_bank=self.payee_bank.text().strip(),
            payee_account=self.payee_account.text().strip(), source=self.source.text().strip(),
            points=self.points())

    # ------------------------------------------------------------------ points
    def _selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update_buttons(self) -> None:
        if self.read_only:
            return
        row = self._selected_row()
        key = self.table.item(row, COL_NAME).data(KEY_ROLE) if row >= 0 else None  # type: ignore[union-attr]
        used = self.used.get(key, 0) if key is not None else 0
        self.remove_button.setEnabled(row >= 0 and used == 0)
        self.remove_button.setToolTip(f"已有 {used} 人从这个报名点报名，不能删除；可把目标改成 0"
                                      if used else "删除选中的报名点（没有人报名的才能删除）")
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.table.rowCount() - 1)

    def _show_total(self) -> None:
        points = self.points()
        self.total.setText(f"{len(points)} 个报名点\n目标合计 {sum(p.target for p in points)} 人")

    def add_point(self) -> None:
        row = self._append(PointSettings("", 0), max(self._selected_row() + 1, 0)
                           if self._selected_row() >= 0 else None)
        self.table.selectRow(row)
        item = self.table.item(row, COL_NAME)
        if item is not None:
            self.table.editItem(item)

    def remove_point(self) -> None:
        row = self._selected_row()
        if row >= 0:
            self.table.removeRow(row)
            self._show_total()

    def move_point(self, step: int) -> None:
        row = self._selected_row()
        points = list(self.points())
        to = row + step
        if row < 0 or not 0 <= to < len(points):
            return
        points[row], points[to] = points[to], points[row]
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for p in points:
            self._append(p)
        self.table.blockSignals(False)
        self.table.selectRow(to)

    # ------------------------------------------------------------------ saving
    def show_problems(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.is_error]
        self.problems.setText("请先改正：\n" + "\n".join(f"· {p.message}" for p in errors)
                              if errors else "")
        self.problems.setVisible(bool(errors))

    def save(self) -> None:
        """Check, then store (a new class, or the edited one); stays open on a problem."""
        s = self.settings()
        found = self.service.validate(s, self.class_id)
        if any(p.is_error for p in found):
            self.show_problems(found)
            return
        try:
            if self.class_id is None:
                self.saved_id = self.service.create(
                    replace(s, points=tuple(replace(p, key=None) for p in s.points)),
                    from_id=self.from_id)
            else:
                self.service.update(self.class_id, s)
                self.saved_id = self.class_id
        except SettingsError as e:
            self.show_problems(e.problems)
            return
        except ServiceError as e:
            self.problems.setText(e.message)
            self.problems.show()
            return
        self.accept()
