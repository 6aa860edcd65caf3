"""The office's parts of the form: the strip it fills in (报名点, 报名方式, 学员类别, 参加考试),
the 附件5 summary sheet's own column (the employer's credit code), and the office's notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.domain.codes import EnrolmentType, RegistrationType
from app.domain.pinyin import name_initials
from ui.pages.registration.form.cells import FieldCells, mono_font
from ui.widgets.code_combo import CodeCombo, NoWheelComboBox

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService


SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
"""A point's name and its pinyin initials, what the completer searches."""


class PointCompleter(QCompleter):
    """Offers the points whose name or initials hold what is typed; puts in the name."""

    def __init__(self, model: QStandardItemModel, parent: QObject) -> None:
        super().__init__(model, parent)
        self.setCompletionRole(SEARCH_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class OfficeStrip(QFrame):
    """办公室填写, above the paper form: where and how the person registers."""

    def __init__(self, cells: FieldCells, service: ApplicantService) -> None:
        super().__init__()
        self.setObjectName("officeStrip")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)

        self.point = NoWheelComboBox()
        self.point.setEditable(True)
        self.point.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.point.addItem("")
        self.point.addItems(service.point_names())
        self.point_edit().setPlaceholderText("选择或输入报名点")
        # 报名点 by part of its name or by its pinyin initials: "rg" → 如皋市
        self.point_names = service.point_names()
        # The initials need pypinyin's tables (~0.3 s to load): not while the window
        # starts. They are filled in at the first key typed in the box (fill_initials),
        # the tables loaded by then by ui.main's warm-up; until then names match.
        self._initials: dict[str, list[str]] = {}
        self.point_model = QStandardItemModel(self.point)
        for name in self.point_names:
            item = QStandardItem(name)
            item.setData(name, SEARCH_ROLE)
            self.point_model.appendRow(item)
        self.point_completer = PointCompleter(self.point_model, self.point)
        self.point.setCompleter(self.point_completer)
        self.point_list = self.point_completer.popup()
        assert self.point_list is not None  # a completer always has its list
        self.point_list.installEventFilter(self)
        self.point.installEventFilter(self)  # keys reach the combo, which hands them on
        self.point_edit().installEventFilter(self)
        self.point.setMinimumWidth(170)
        self.registration_type = CodeCombo(RegistrationType, allow_blank=False)
        self.enrolment_type = CodeCombo(EnrolmentType, allow_blank=False)
        year = service.campaign.year
        for i in range(self.enrolment_type.count()):
            member = self.enrolment_type.itemData(i)
            if isinstance(member, EnrolmentType):  # last year written out: 2020年未通过·补考
                self.enrolment_type.setItemText(i, f"{member.code} {member.label_for(year)}")
        self.enrolment_type.setToolTip(
            f"{year - 1}年度未通过的学员：参加补考的缴考试费（转账备注 "
            f"{service.campaign.city}+姓名+补考助理），"
            "只听课的免费")
        # what the type means for money, said beside it (the type alone decides the fees)
        self.fee_note = QLabel()
        self.fee_note.setObjectName("enrolmentFee")
        self.fee_note.setStyleSheet("color: #667085;")

        # which point a new form took over from the last one saved (hidden once changed)
        self.carried = QLabel()
        self.carried.setObjectName("carriedPoint")
        self.carried.setProperty("role", "hint")
        self.carried.hide()

        title = QLabel("办公室填写")
        title.setStyleSheet("font-weight: bold; color: #344054;")
        title.setMinimumHeight(30)
        # two rows: it stays in view above the scrolling form, and fits a laptop
        grid.addWidget(title, 0, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        cells.add_label(grid, "报名点", self.point, 0, 1)
        grid.addWidget(cells.cell("registration_point", self.point, self.carried), 0, 2)
        cells.add_label(grid, "报名方式(&B)", self.registration_type, 0, 3)
        grid.addWidget(cells.cell("registration_type", self.registration_type), 0, 4)
        cells.add_label(grid, "学员类别(&L)", self.enrolment_type, 1, 1)
        grid.addWidget(cells.cell("enrolment_type", self.enrolment_type), 1, 2)
        self.fee_note.setWordWrap(True)
        grid.addWidget(self.fee_note, 1, 3, 1, 2)
        grid.setColumnStretch(2, 3)
        grid.setColumnStretch(4, 2)

    def show_carried(self, point: str) -> None:
        """Say that `point` was taken over from the last applicant saved ("" hides it)."""
        self.carried.setText(f"沿用上一位：{point}" if point else "")
        self.carried.setToolTip("上一位保存的报名点；这一位不同就改掉" if point else "")
        self.carried.setVisible(bool(point))

    def fill_initials(self) -> None:
        """Give every point its pinyin initials ("rg" → 如皋市), once."""
        if self._initials or not self.point_names:
            return
        self._initials = {name: name_initials(name) for name in self.point_names}
        for row, name in enumerate(self.point_names):
            item = self.point_model.item(row)
            if item is not None:
                item.setData(" ".join([name, *self._initials[name]]), SEARCH_ROLE)

    def matching_points(self, text: str) -> list[str]:
        """The points whose name holds `text`, or whose initials start with it."""
        self.fill_initials()
        typed = text.strip()
        if not typed:
            return list(self.point_names)
        low = typed.lower()
        return [
            name for name in self.point_names
            if typed in name
            or (low.isascii() and any(i.startswith(low) for i in self._initials[name]))
        ]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and watched in (self.point, self.point_edit()):
            self.fill_initials()  # before the box (and its completer) sees the first key
        popup = self.point_list
        if (
            watched is popup
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not popup.currentIndex().isValid()
            and self.point_completer.completionCount() == 1
        ):
            # one point matches what is typed ("rg"): Tab or Enter takes it
            self.point.setEditText(self.point_completer.currentCompletion())
        return super().eventFilter(watched, event)

    def point_edit(self) -> QLineEdit:
        edit = self.point.lineEdit()
        assert edit is not None  # the point combo is editable
        return edit

    def tab_chain(self) -> list[QWidget]:
        return [self.point, self.registration_type, self.enrolment_type]


class SummarySheet(QFrame):
    """学员报名汇总表 (附件5): what it asks beyond the forms, the employer's credit code."""

    def __init__(self, cells: FieldCells) -> None:
        super().__init__()
        outer = cells.section(self, "学员报名汇总表", "附件5", "summarySheetGroup")
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(8)
        self.employer_credit_code = cells.line(24, "18位，见营业执照或登记证书")
        self.employer_credit_code.setFont(mono_font())
        metrics = self.employer_credit_code.fontMetrics()
        self.employer_credit_code.setMinimumWidth(
            max(
                metrics.horizontalAdvance("0" * 18),
                metrics.horizontalAdvance(self.employer_credit_code.placeholderText()),
            )
            + 40
        )
        self.credit_code_hint = cells.hint("单位报名需要；个人报名可不填。")
        cells.add_label(grid, "企业或单位统一社会信用代码", self.employer_credit_code, 0, 0)
        grid.addWidget(
            cells.cell(
                "employer_credit_code",
                self.employer_credit_code,
                self.credit_code_hint,
                stretch=False,
            ),
            0,
            1,
        )
        grid.setColumnStretch(1, 1)

    def tab_chain(self) -> list[QWidget]:
        return [self.employer_credit_code]


class OfficeNotes(QFrame):
    """办公室备注: the office's own note, and the 党校/军校 flag for 现场确认."""

    def __init__(self, cells: FieldCells) -> None:
        super().__init__()
        outer = cells.section(self, "办公室备注", "", "officeNotesGroup")
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(8)
        self.note = cells.line(200)
        self.party_or_military_school = QCheckBox(
            "党校或军校学历（现场确认时交毕业证书原件和复印件）"
        )
        cells.add_label(grid, "备注", self.note, 0, 0)
        grid.addWidget(cells.cell("note", self.note), 0, 1)
        grid.addWidget(cells.cell("party_or_military_school", self.party_or_military_school), 1, 1)
        grid.setColumnStretch(1, 1)

    def tab_chain(self) -> list[QWidget]:
        return [self.note, self.party_or_military_school]
