"""The applicant form: the paper registration form (附件2), with 附件4 and 附件5, on screen."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.codes import (
    Education,
    EmployerNature,
    EnrolmentType,
    Ethnicity,
    Gender,
    IdentityCategory,
    MajorRelation,
    PoliticalStatus,
    RegistrationType,
)
from app.domain.idcard import IdInfo, check_id_number, normalize_id_number
from app.domain.problems import Problem, error
from app.domain.yearmonth import YearMonth
from app.services.errors import ConflictError, DuplicateIdError, ServiceError
from ui.dialogs.conflict import ConflictChoice, ConflictDialog
from ui.dialogs.history import HistoryDialog
from ui.widgets import messages
from ui.widgets.code_combo import CodeCombo, IntEdit, NoWheelComboBox, YearMonthEdit
from ui.widgets.messages import SB
from ui.widgets.photo_box import PhotoBox
from ui.widgets.settings import settings as app_settings
from ui.widgets.style import repolish

if TYPE_CHECKING:
    from app.services.applicants import ApplicantRecord, ApplicantService

LAST_POINT_KEY = "form/last_point"
VALIDATION_DELAY_MS = 150
EMPLOYER_DELAY_MS = 120

ERROR_COLOR = "#c62828"
WARNING_COLOR = "#9a5b00"

FORM_STYLE = f"""
QLabel[role="problem"] {{ font-size: 12px; }}
QLabel[role="problem"][severity="error"] {{ color: {ERROR_COLOR}; }}
QLabel[role="problem"][severity="warning"] {{ color: {WARNING_COLOR}; }}
QLabel[role="hint"] {{ color: #5f6b7a; font-size: 12px; }}
QLabel[role="field"] {{ color: #1f2a36; }}
QLineEdit[problem="error"], QComboBox[problem="error"] {{
    border: 1px solid {ERROR_COLOR}; border-radius: 3px; background: #fff4f4; padding: 2px 4px;
}}
QLineEdit[problem="warning"], QComboBox[problem="warning"] {{
    border: 1px solid #e0a100; border-radius: 3px; background: #fffaeb; padding: 2px 4px;
}}
QLineEdit[readOnly="true"] {{ background: #f1f3f5; color: #333; }}
QFrame[role="subsection"] {{
    border: 1px solid #d0d5dd; border-radius: 3px; background: #f8f9fb;
}}
QLabel[role="sectionTitle"] {{ font-size: 15px; font-weight: bold; color: #1f2a36; }}
QLabel[role="subsectionTitle"] {{ font-weight: bold; color: #475467; }}
QComboBox[problem="error"]::drop-down, QComboBox[problem="warning"]::drop-down {{
    border: none; width: 20px;
}}
QComboBox[problem="error"]::down-arrow, QComboBox[problem="warning"]::down-arrow {{
    image: url(:/qt-project.org/styles/commonstyle/images/arrow-down-16.png);
    width: 10px; height: 10px;
}}
QFrame#paperForm, QFrame#officeStrip, QFrame[role="section"] {{
    border: 1px solid #b8c0cc; border-radius: 4px; background: #ffffff;
}}
QFrame#stampBox {{
    border: 1px dashed #98a2b3; border-radius: 2px; background: #fafbfc; color: #667085;
}}
QLabel#formTitle {{ font-size: 18px; font-weight: bold; }}
QLabel#serialLabel {{ font-size: 14px; }}
QLabel#summaryLabel[state="error"] {{ color: {ERROR_COLOR}; font-weight: bold; }}
QLabel#summaryLabel[state="warning"] {{ color: {WARNING_COLOR}; font-weight: bold; }}
QLabel#summaryLabel[state="ok"] {{ color: #2e7d32; font-weight: bold; }}
QLabel#summaryLabel[state="idle"] {{ color: #5f6b7a; }}
"""

LEVEL_OF: dict[str, str] = {
    "助理信用管理师": "三级",
    "信用管理师": "二级",
    "高级信用管理师": "一级",
}


# ---------------------------------------------------------------------- helpers


def _mono_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(QApplication.font().pointSizeF())
    return font


class _Field:
    """One editor on the form with the label that shows its problems."""

    def __init__(self, name: str, editor: QWidget, message: QLabel) -> None:
        self.name = name
        self.editor = editor
        self.message = message


class ApplicantForm(QWidget):
    """Type, check and save one applicant, laid out like the paper 附件2 (plus 附件4/5).

    The form never talks to the database itself: everything goes through the
    ApplicantService. `load` and `new_applicant` replace what is shown without asking;
    call `confirm_discard()` first (or `open_applicant`) when unsaved work may exist.
    """

    sig_saved = Signal(int)
    """A record was saved (created or updated); its id."""
    sig_deleted = Signal(int)
    """A record was deleted; its id."""
    sig_dirty_changed = Signal(bool)
    """The form now has (True) or no longer has (False) unsaved changes."""
    sig_opened = Signal(int)
    """A stored record was loaded into the form; its id."""
    sig_leave_requested = Signal()
    """Esc with nothing unsaved: the page hosting the form may go back to its list."""
    sig_new_handled = Signal()
    """The form's own 新建 (button or Ctrl+N) was answered: a new applicant is shown, or
    the person chose 取消 and the record stays."""

    has_own_buttons = True
    """新建, 保存, 删除… and 历史记录 are in the form's header (the page needs no toolbar)."""

    def __init__(
        self,
        service: ApplicantService,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("applicantForm")
        self.service = service
        if settings is None:
            settings = app_settings()
        self.settings = settings
        self.today = service.today()

        self._record: ApplicantRecord | None = None
        self._baseline = ApplicantData()
        self._fields: dict[str, _Field] = {}
        self._touched: set[str] = set()
        self._show_all = False
        self._filling = False
        self._dirty = False
        self._problems: list[Problem] = []
        self._auto_gender = False
        self._auto_birth = False
        self._id_info: IdInfo | None = None
        self._dup_checked = ""
        self._dup_hit: tuple[str, int, int, str] | None = None  # id number, id, serial, name
        self._employer_codes: dict[str, str] = {}

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATION_DELAY_MS)
        self._validate_timer.timeout.connect(self.revalidate)

        self.setStyleSheet(FORM_STYLE)
        self._build()
        self._connect()
        self._set_tab_order()
        self._shortcuts()
        self.new_applicant()

    # ================================================================== building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_header())

        content = QWidget()
        content.setObjectName("formContent")
        body = QVBoxLayout(content)
        body.setContentsMargins(14, 10, 14, 14)
        body.setSpacing(10)
        body.addWidget(self._build_office_strip())
        body.addWidget(self._build_registration_form())
        body.addWidget(self._build_evaluation_form())
        body.addWidget(self._build_summary_sheet())
        body.addWidget(self._build_office_notes())
        body.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("formScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(content)
        self.content = content
        outer.addWidget(self.scroll_area, 1)

    def _build_header(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("formHeader")
        bar.setStyleSheet(
            "QFrame#formHeader { background: #f4f6f8; border-bottom: 1px solid #d0d5dd; }"
        )
        lay = QHBoxLayout(bar)
        lay.setContentsMargins(14, 8, 14, 8)
        self.heading = QLabel()
        self.heading.setObjectName("formHeading")
        heading_font = self.heading.font()
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() + 1)
        self.heading.setFont(heading_font)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setStyleSheet("color: #2e7d32;")
        lay.addWidget(self.heading)
        lay.addSpacing(16)
        lay.addWidget(self.summary_label)
        lay.addSpacing(12)
        lay.addWidget(self.status_label, 1)

        self.new_button = QPushButton("新建")
        self.new_button.setToolTip("录入新的报名表（Ctrl+N）")
        self.save_button = QPushButton("保存")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(False)
        self.delete_button = QPushButton("删除…")
        self.delete_button.setToolTip("删除这条报名记录（会记入历史记录）")
        self.history_button = QPushButton("历史记录")
        self.history_button.setToolTip("查看这条记录的修改历史")
        for b in (self.new_button, self.save_button, self.delete_button, self.history_button):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            lay.addWidget(b)
        return bar

    # ---- generic cells
    def _label(self, text: str, editor: QWidget | None = None) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "field")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumHeight(30)
        if editor is not None:
            label.setBuddy(editor)
        return label

    def _add_label(
        self, grid: QGridLayout, text: str, editor: QWidget, row: int, col: int
    ) -> QLabel:
        """A field's label, top-aligned so it stays level with the editor, not its message."""
        label = self._label(text, editor)
        grid.addWidget(label, row, col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return label

    def _cell(
        self, name: str, editor: QWidget, extra: QWidget | None = None, stretch: bool = True
    ) -> QWidget:
        """The editor with its problem line underneath (hidden while there is none)."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        if extra is not None:
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(editor, 1 if stretch else 0)
            row.addWidget(extra, 0 if stretch else 1)
            lay.addLayout(row)
        else:
            lay.addWidget(editor)
        message = QLabel()
        message.setObjectName(f"problem_{name}")
        message.setProperty("role", "problem")
        message.setWordWrap(True)
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        message.hide()
        lay.addWidget(message)
        lay.addStretch(1)
        editor.setObjectName(name)
        editor.setMinimumHeight(30)
        if isinstance(editor, QComboBox):
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fields[name] = _Field(name, editor, message)
        editor.installEventFilter(self)
        return box

    def _line(self, max_length: int = 100, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(max_length)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        return edit

    def _hint(self, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "hint")
        return label

    # ---- office strip
    def _section(self, title: str, tag: str, object_name: str) -> tuple[QFrame, QVBoxLayout]:
        """A framed part of the form with its title, like one sheet of the paper forms."""
        frame = QFrame()
        frame.setObjectName(object_name)
        frame.setProperty("role", "section")
        lay = QVBoxLayout(frame)
        lay.setContentsMargins(16, 8, 16, 12)
        lay.setSpacing(6)
        head = QHBoxLayout()
        heading = QLabel(title)
        heading.setProperty("role", "sectionTitle")
        head.addWidget(heading)
        if tag:
            head.addWidget(self._hint(f"（{tag}）"))
        head.addStretch(1)
        lay.addLayout(head)
        return frame, lay

    def _build_office_strip(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("officeStrip")
        grid = QGridLayout(frame)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)

        self.point = NoWheelComboBox()
        self.point.setEditable(True)
        self.point.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.point.addItem("")
        self.point.addItems(self.service.point_names())
        self._point_edit().setPlaceholderText("选择或输入报名点")
        point_completer = QCompleter(self.service.point_names(), self.point)
        point_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        point_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.point.setCompleter(point_completer)
        self.point.setMinimumWidth(170)
        self.registration_type = CodeCombo(RegistrationType, allow_blank=False)
        self.enrolment_type = CodeCombo(EnrolmentType, allow_blank=False)
        self.sits_exam = QCheckBox("参加考试")
        self.sits_exam.setToolTip("仅“2020未通过·听课”的学员可以选择不参加考试（不交考试费）")

        title = QLabel("办公室填写")
        title.setStyleSheet("font-weight: bold; color: #344054;")
        title.setMinimumHeight(30)
        grid.addWidget(title, 0, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._add_label(grid, "报名点", self.point, 0, 1)
        grid.addWidget(self._cell("registration_point", self.point), 0, 2)
        self._add_label(grid, "报名方式", self.registration_type, 0, 3)
        grid.addWidget(self._cell("registration_type", self.registration_type), 0, 4)
        self._add_label(grid, "学员类别", self.enrolment_type, 0, 5)
        grid.addWidget(self._cell("enrolment_type", self.enrolment_type), 0, 6)
        grid.addWidget(self._cell("sits_exam", self.sits_exam), 0, 7)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(8, 1)
        return frame

    # ---- 附件2
    def _build_registration_form(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("paperForm")
        outer = QVBoxLayout(frame)
        outer.setContentsMargins(16, 10, 16, 14)
        outer.setSpacing(6)

        top = QHBoxLayout()
        self.form_title = QLabel(f"{self.service.campaign.level_name}职业技能培训报名表")
        self.form_title.setObjectName("formTitle")
        self.form_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tag = self._hint("附件2")
        self.serial_label = QLabel()
        self.serial_label.setObjectName("serialLabel")
        self.serial_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.serial_label.setMinimumWidth(220)
        top.addWidget(tag)
        top.addWidget(self.form_title, 1)
        top.addWidget(self.serial_label)
        outer.addLayout(top)

        # editors, in paper order
        self.name = self._line(30)
        self.gender = CodeCombo(Gender)
        self.ethnicity = CodeCombo(Ethnicity)
        self.id_number = self._line(24, "18位身份证号")
        self.id_number.setFont(_mono_font())
        id_width = self.id_number.fontMetrics().horizontalAdvance("0" * 18) + 60
        self.id_number.setMinimumWidth(id_width)
        self.id_number.setMaximumWidth(id_width + 60)
        self.id_hint = self._hint()
        self.id_hint.setObjectName("idHint")
        self.birth_ym = YearMonthEdit(self.today, yymm=False)
        self.political_status = CodeCombo(PoliticalStatus)
        self.identity_category = CodeCombo(IdentityCategory)
        self.school = self._line(60)
        self.credit_work_years = IntEdit("年")
        self.credit_work_years.setPlaceholderText("年")
        self.education = CodeCombo(Education)
        self.graduation = YearMonthEdit(self.today, yymm=True)
        self.graduation_hint = self._hint()
        self.graduation_hint.setObjectName("graduationHint")
        self.major_relation = CodeCombo(MajorRelation)
        self.major_name = self._line(60, "专业名称")
        self.employer = self._line(100, "单位全称，与公章一致")
        self.employer_nature = CodeCombo(EmployerNature)
        self.address = self._line(120)
        self.postal_code = self._line(10)
        self.phone = self._line(40, "如 0513-85215704")
        self.mobile = self._line(20, "11位手机号")
        self.email = self._line(80)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        # row 0: 姓名 | 性别 | 民族                     | photo (column 6, rows 0–7)
        self._add_label(grid, "姓　　名", self.name, 0, 0)
        grid.addWidget(self._cell("name", self.name), 0, 1)
        self._add_label(grid, "性别", self.gender, 0, 2)
        grid.addWidget(self._cell("gender", self.gender), 0, 3)
        self._add_label(grid, "民族", self.ethnicity, 0, 4)
        grid.addWidget(self._cell("ethnicity", self.ethnicity), 0, 5)
        # row 1: 身份证号
        self._add_label(grid, "身份证号", self.id_number, 1, 0)
        id_cell = self._cell("id_number", self.id_number, self.id_hint, stretch=False)
        grid.addWidget(id_cell, 1, 1, 1, 5)
        # row 2: 年月 | 政治面貌 | 身份类别
        self._add_label(grid, "年　　月", self.birth_ym, 2, 0)
        grid.addWidget(self._cell("birth_ym", self.birth_ym), 2, 1)
        self._add_label(grid, "政治面貌", self.political_status, 2, 2)
        grid.addWidget(self._cell("political_status", self.political_status), 2, 3)
        self._add_label(grid, "身份类别", self.identity_category, 2, 4)
        grid.addWidget(self._cell("identity_category", self.identity_category), 2, 5)
        # row 3: 毕业学校 | 信用工作年限
        self._add_label(grid, "毕业学校", self.school, 3, 0)
        grid.addWidget(self._cell("school", self.school), 3, 1, 1, 3)
        self._add_label(grid, "信用工作年限", self.credit_work_years, 3, 4)
        grid.addWidget(self._cell("credit_work_years", self.credit_work_years), 3, 5)
        # row 4: 最高学历 | 毕业时间 | 所学专业 (code + name)
        self._add_label(grid, "最高学历", self.education, 4, 0)
        grid.addWidget(self._cell("education", self.education), 4, 1)
        self._add_label(grid, "毕业时间", self.graduation, 4, 2)
        grid.addWidget(self._cell("graduation", self.graduation, self.graduation_hint), 4, 3)
        self._add_label(grid, "所学专业", self.major_relation, 4, 4)
        major = QWidget()
        major_lay = QHBoxLayout(major)
        major_lay.setContentsMargins(0, 0, 0, 0)
        major_lay.setSpacing(6)
        major_lay.addWidget(self._cell("major_relation", self.major_relation), 0)
        major_lay.addWidget(self._cell("major_name", self.major_name), 1)
        grid.addWidget(major, 4, 5)
        # row 5: 工作单位 | 单位性质
        self._add_label(grid, "工作单位", self.employer, 5, 0)
        grid.addWidget(self._cell("employer", self.employer), 5, 1, 1, 3)
        self._add_label(grid, "单位性质", self.employer_nature, 5, 4)
        grid.addWidget(self._cell("employer_nature", self.employer_nature), 5, 5)
        # row 6: 通讯地址 | 邮政编码
        self._add_label(grid, "通讯地址", self.address, 6, 0)
        grid.addWidget(self._cell("address", self.address), 6, 1, 1, 3)
        self._add_label(grid, "邮政编码", self.postal_code, 6, 4)
        grid.addWidget(self._cell("postal_code", self.postal_code), 6, 5)
        # row 7: 联系电话 | 手机 | EMAIL地址
        self._add_label(grid, "联系电话", self.phone, 7, 0)
        grid.addWidget(self._cell("phone", self.phone), 7, 1)
        self._add_label(grid, "手机", self.mobile, 7, 2)
        grid.addWidget(self._cell("mobile", self.mobile), 7, 3)
        self._add_label(grid, "EMAIL地址", self.email, 7, 4)
        grid.addWidget(self._cell("email", self.email), 7, 5)

        # the electronic photo: checked, fixed and stored by the box itself
        self.photo_box = PhotoBox.for_service(self.service)
        self.photo_box.sig_pending_changed.connect(lambda _held: self._update_dirty())
        top_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.photo_box, 0, 6, 8, 1, top_right)

        for col, stretch in enumerate((0, 3, 0, 2, 0, 3, 0)):
            grid.setColumnStretch(col, stretch)
        outer.addLayout(grid)

        # 单位意见 / 审批意见: filled and stamped on paper only
        self.stamp_row = QWidget()
        stamps = QHBoxLayout(self.stamp_row)
        stamps.setContentsMargins(0, 6, 0, 0)
        stamps.setSpacing(10)
        self.employer_opinion_box = self._stamp_box("单位意见", "employerOpinionBox")
        self.approval_box = self._stamp_box("审批意见", "approvalBox")
        stamps.addWidget(self.employer_opinion_box, 1)
        stamps.addWidget(self.approval_box, 1)
        outer.addWidget(self.stamp_row)
        self.individual_note = self._hint(
            "个人报名：单位意见、审批意见栏不用填写，也不需要单位证明。"
        )
        self.individual_note.setObjectName("individualNote")
        outer.addWidget(self.individual_note)
        footnote = self._hint("注：代码栏可直接输入代码数字（如最高学历输入 3 即“3 大学专科”）。")
        outer.addWidget(footnote)
        return frame

    def _stamp_box(self, title: str, object_name: str) -> QFrame:
        box = QFrame()
        box.setObjectName("stampBox")
        box.setMinimumHeight(92)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(10, 6, 10, 6)
        head = QLabel(title)
        head.setStyleSheet(
            "border: none; font-weight: bold; color: #344054; background: transparent;"
        )
        sign = QLabel("（单位盖章）\n年　　月　　日")
        sign.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        sign.setStyleSheet("border: none; color: #667085; background: transparent;")
        lay.addWidget(head)
        lay.addStretch(1)
        lay.addWidget(sign)
        box.setObjectName(object_name)
        box.setStyleSheet(
            f"QFrame#{object_name} {{ border: 1px dashed #98a2b3; border-radius: 2px; "
            "background: #fafbfc; }"
        )
        box.setToolTip("纸质报名表上填写并盖章，系统中不录入")
        return box

    # ---- 附件4
    def _build_evaluation_form(self) -> QWidget:
        group, outer = self._section("技能等级评价申请表", "附件4", "evaluationGroup")
        outer.setSpacing(6)

        self.age = QLineEdit()
        self.age.setReadOnly(True)
        self.age.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.age.setObjectName("age")
        self.age.setToolTip("由身份证号算出（按今天的日期）")
        self.age.setMaximumWidth(80)
        self.age.setMinimumHeight(30)
        self.prior_cert_level = self._line(30, "如 无、四级")
        self.cert_issuer = self._line(60)
        self.cert_date = YearMonthEdit(self.today, yymm=False)
        self.cert_date.setPlaceholderText("如 2015-06")
        self.professional_years = IntEdit("年")
        self.professional_years.setPlaceholderText("年")
        self.training_history = self._line(120)
        self.training_end = YearMonthEdit(self.today, yymm=False)
        self.training_end.setPlaceholderText("如 2019-12")
        self.other_materials = self._line(200)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self._add_label(grid, "年龄", self.age, 0, 0)
        grid.addWidget(self.age, 0, 1, Qt.AlignmentFlag.AlignTop)
        self._add_label(grid, "原证书等级", self.prior_cert_level, 0, 2)
        grid.addWidget(self._cell("prior_cert_level", self.prior_cert_level), 0, 3)
        self._add_label(grid, "授证单位", self.cert_issuer, 0, 4)
        grid.addWidget(self._cell("cert_issuer", self.cert_issuer), 0, 5)
        self._add_label(grid, "授证时间", self.cert_date, 0, 6)
        grid.addWidget(self._cell("cert_date", self.cert_date), 0, 7)

        occupation = QLabel(f"申报职业：信用管理师　　申报等级：{self._level()}")
        occupation.setProperty("role", "hint")
        grid.addWidget(occupation, 1, 1, 1, 5)
        self._add_label(grid, "专业工龄", self.professional_years, 1, 6)
        grid.addWidget(self._cell("professional_years", self.professional_years), 1, 7)

        self._add_label(grid, "参加过何种职业\n培训（教育）", self.training_history, 2, 0)
        grid.addWidget(self._cell("training_history", self.training_history), 2, 1, 1, 5)
        self._add_label(grid, "毕（结）业时间", self.training_end, 2, 6)
        grid.addWidget(self._cell("training_end", self.training_end), 2, 7)

        self._add_label(grid, "其他证明材料", self.other_materials, 3, 0)
        grid.addWidget(self._cell("other_materials", self.other_materials), 3, 1, 1, 7)
        for col, stretch in enumerate((0, 1, 0, 2, 0, 3, 0, 2)):
            grid.setColumnStretch(col, stretch)
        outer.addLayout(grid)

        # the evaluation body's part
        body = QFrame()
        body.setObjectName("evaluationBodyGroup")
        body.setProperty("role", "subsection")
        self.review_opinion = self._line(200)
        self.reviewer = self._line(30)
        self.admission_no = self._line(30)
        self.admission_no.setFont(_mono_font())
        self.score_knowledge = IntEdit()
        self.score_skill = IntEdit()
        self.score_overall = IntEdit()
        for score in (self.score_knowledge, self.score_skill, self.score_overall):
            score.setPlaceholderText("0–100")
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(10, 6, 10, 8)
        body_title = QLabel("以下部分由鉴定机构填写")
        body_title.setProperty("role", "subsectionTitle")
        body_lay.addWidget(body_title)
        g = QGridLayout()
        body_lay.addLayout(g)
        g.setHorizontalSpacing(8)
        g.setVerticalSpacing(6)
        self._add_label(g, "资格初审意见", self.review_opinion, 0, 0)
        g.addWidget(self._cell("review_opinion", self.review_opinion), 0, 1, 1, 5)
        self._add_label(g, "审核人", self.reviewer, 0, 6)
        g.addWidget(self._cell("reviewer", self.reviewer), 0, 7)
        self._add_label(g, "准考证号", self.admission_no, 1, 0)
        g.addWidget(self._cell("admission_no", self.admission_no), 1, 1)
        self._add_label(g, "知识", self.score_knowledge, 1, 2)
        g.addWidget(self._cell("score_knowledge", self.score_knowledge), 1, 3)
        self._add_label(g, "技能", self.score_skill, 1, 4)
        g.addWidget(self._cell("score_skill", self.score_skill), 1, 5)
        self._add_label(g, "综合", self.score_overall, 1, 6)
        g.addWidget(self._cell("score_overall", self.score_overall), 1, 7)
        for col, stretch in enumerate((0, 2, 0, 1, 0, 1, 0, 1)):
            g.setColumnStretch(col, stretch)
        outer.addWidget(body)
        return group

    def _level(self) -> str:
        return LEVEL_OF.get(self.service.campaign.level_name, "三级")

    # ---- 附件5 and the office's own notes
    def _build_summary_sheet(self) -> QWidget:
        group, outer = self._section("学员报名汇总表", "附件5", "summarySheetGroup")
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(8)
        self.employer_credit_code = self._line(24, "18位，见营业执照或登记证书")
        self.employer_credit_code.setFont(_mono_font())
        metrics = self.employer_credit_code.fontMetrics()
        self.employer_credit_code.setMinimumWidth(
            max(
                metrics.horizontalAdvance("0" * 18),
                metrics.horizontalAdvance(self.employer_credit_code.placeholderText()),
            )
            + 40
        )
        self.credit_code_hint = self._hint("单位报名需要；个人报名可不填。")
        self._add_label(grid, "企业或单位统一社会信用代码", self.employer_credit_code, 0, 0)
        grid.addWidget(
            self._cell(
                "employer_credit_code",
                self.employer_credit_code,
                self.credit_code_hint,
                stretch=False,
            ),
            0,
            1,
        )
        grid.setColumnStretch(1, 1)
        return group

    def _build_office_notes(self) -> QWidget:
        group, outer = self._section("办公室备注", "", "officeNotesGroup")
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(8)
        self.note = self._line(200)
        self.party_or_military_school = QCheckBox(
            "党校或军校学历（现场确认时交毕业证书原件和复印件）"
        )
        self._add_label(grid, "备注", self.note, 0, 0)
        grid.addWidget(self._cell("note", self.note), 0, 1)
        grid.addWidget(self._cell("party_or_military_school", self.party_or_military_school), 1, 1)
        grid.setColumnStretch(1, 1)
        return group

    # ================================================================== wiring
    def _point_edit(self) -> QLineEdit:
        edit = self.point.lineEdit()
        assert edit is not None  # the point combo is editable
        return edit

    def _line_edits(self) -> dict[str, QLineEdit]:
        return {
            name: f.editor for name, f in self._fields.items() if isinstance(f.editor, QLineEdit)
        }

    def _connect(self) -> None:
        for name, edit in self._line_edits().items():
            edit.textChanged.connect(lambda _t, n=name: self._edited(n))
        for name in (
            "gender",
            "ethnicity",
            "political_status",
            "identity_category",
            "education",
            "major_relation",
            "employer_nature",
            "registration_type",
            "enrolment_type",
        ):
            combo = self._fields[name].editor
            assert isinstance(combo, QComboBox)
            combo.currentIndexChanged.connect(lambda _i, n=name: self._edited(n))
        self.point.currentTextChanged.connect(lambda _t: self._edited("registration_point"))
        self._point_edit().editingFinished.connect(self._point_finished)
        self.sits_exam.toggled.connect(lambda _b: self._edited("sits_exam"))
        self.party_or_military_school.toggled.connect(
            lambda _b: self._edited("party_or_military_school")
        )
        self.id_number.textChanged.connect(self._id_changed)
        self.gender.currentIndexChanged.connect(self._gender_typed)
        self.birth_ym.textChanged.connect(self._birth_typed)
        self.graduation.textChanged.connect(self._update_graduation_hint)
        self.registration_type.currentIndexChanged.connect(self._registration_type_changed)
        self.enrolment_type.currentIndexChanged.connect(self._enrolment_type_changed)

        self._employer_model = QStringListModel(self)
        self._employer_completer = QCompleter(self._employer_model, self)
        self._employer_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._employer_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._employer_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._employer_completer.setMaxVisibleItems(10)
        self.employer.setCompleter(self._employer_completer)
        # one query per pause in typing, not per key
        self._employer_timer = QTimer(self)
        self._employer_timer.setSingleShot(True)
        self._employer_timer.setInterval(EMPLOYER_DELAY_MS)
        self._employer_timer.timeout.connect(lambda: self._suggest_employers(self.employer.text()))
        self.employer.textEdited.connect(lambda _t: self._employer_timer.start())
        self._employer_completer.activated.connect(self._employer_chosen)
        self.employer.editingFinished.connect(
            lambda: self._employer_chosen(self.employer.text().strip())
        )

        self.new_button.clicked.connect(self._new_requested)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete_current)
        self.history_button.clicked.connect(self.show_history)

    def tab_chain(self) -> list[QWidget]:
        """The editors in the order Tab visits them: the paper form's order."""
        return [
            self.point,
            self.registration_type,
            self.enrolment_type,
            self.sits_exam,
            self.name,
            self.gender,
            self.ethnicity,
            self.id_number,
            self.birth_ym,
            self.political_status,
            self.identity_category,
            self.school,
            self.credit_work_years,
            self.education,
            self.graduation,
            self.major_relation,
            self.major_name,
            self.employer,
            self.employer_nature,
            self.address,
            self.postal_code,
            self.phone,
            self.mobile,
            self.email,
            self.prior_cert_level,
            self.cert_issuer,
            self.cert_date,
            self.professional_years,
            self.training_history,
            self.training_end,
            self.other_materials,
            self.review_opinion,
            self.reviewer,
            self.admission_no,
            self.score_knowledge,
            self.score_skill,
            self.score_overall,
            self.employer_credit_code,
            self.note,
            self.party_or_military_school,
            self.new_button,
            self.save_button,
            self.delete_button,
            self.history_button,
        ]

    def focus_first_field(self) -> None:
        """Put the cursor in the first field the person can type in (the paper's order)."""
        for widget in self.tab_chain():
            if widget.isEnabled() and widget.isVisibleTo(self):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_tab_order(self) -> None:
        chain = self.tab_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setContext(context)
        self.save_shortcut.activated.connect(self.save)
        self.new_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        self.new_shortcut.setContext(context)
        self.new_shortcut.activated.connect(self._new_requested)
        self.escape_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape_shortcut.setContext(context)
        self.escape_shortcut.activated.connect(self._escape)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self.scroll_area.ensureWidgetVisible(watched, 40, 60)
        elif event.type() == QEvent.Type.FocusOut and isinstance(watched, QWidget):
            assert isinstance(event, QFocusEvent)
            if event.reason() != Qt.FocusReason.PopupFocusReason:
                name = watched.objectName()
                if name in self._fields and name not in self._touched:
                    self._touched.add(name)
                    self._show_problems()
        return super().eventFilter(watched, event)

    # ================================================================== public API
    def current_id(self) -> int | None:
        """The id of the record shown, None for a new applicant not yet saved."""
        return self._record.id if self._record is not None else None

    def current_record(self) -> ApplicantRecord | None:
        return self._record

    def is_dirty(self) -> bool:
        return (
            self.data() != self._baseline
            or bool(self._format_problems())
            or self.photo_box.has_pending()
        )

    def photos_changed(self, applicant_ids: list[int]) -> None:
        """Photos were stored elsewhere (照片检查): show the new one if its record is open."""
        if self.photo_box.applicant_id() in applicant_ids:
            self.photo_box.reload()

    def shutdown(self) -> None:
        """The window closes: a photo being stored finishes first."""
        self.photo_box.shutdown()

    def problems(self) -> list[Problem]:
        """What the last check found (the form's own and the service's)."""
        return list(self._problems)

    def new_applicant(self) -> None:
        """Show an empty form for a new applicant (the last registration point kept)."""
        last = str(self.settings.value(LAST_POINT_KEY, "") or "")
        point = last if last in self.service.point_names() else ""
        self._record = None
        self._show(ApplicantData(registration_point=point), show_all=False)
        self.status_label.clear()
        (self.name if point else self.point).setFocus(Qt.FocusReason.OtherFocusReason)

    def load(self, applicant_id: int) -> bool:
        """Show a stored record (unsaved changes are dropped: ask first). False if gone."""
        try:
            record = self.service.get(applicant_id)
        except ServiceError as exc:
            messages.warn(self, "打开报名记录", exc.message)
            return False
        self._show_record(record)
        self.status_label.clear()
        return True

    def open_applicant(self, applicant_id: int) -> bool:
        """Ask about unsaved changes, then load `applicant_id`. False if it did not open."""
        if applicant_id == self.current_id() and not self.is_dirty():
            return True
        if not self.confirm_discard():
            return False
        return self.load(applicant_id)

    def data(self) -> ApplicantData:
        """What is typed, as an ApplicantData (fields the form does not show are kept)."""
        d = replace(self._baseline, extra=dict(self._baseline.extra))
        d.serial_no = self._record.serial_no if self._record is not None else None
        d.registration_point = self.point.currentText().strip()
        d.registration_type = self.registration_type.value() or RegistrationType.EMPLOYER
        d.enrolment_type = self.enrolment_type.value() or EnrolmentType.NEW
        d.sits_exam = self.sits_exam.isChecked()
        d.name = self.name.text().strip()
        d.gender = self.gender.value()
        d.ethnicity = self.ethnicity.value()
        d.id_number = self.id_number.text().strip()
        d.birth_ym = self.birth_ym.value_or_none()
        d.political_status = self.political_status.value()
        d.identity_category = self.identity_category.value()
        d.school = self.school.text().strip()
        d.credit_work_years = self.credit_work_years.value_or_none()
        d.education = self.education.value()
        d.graduation = self.graduation.value_or_none()
        d.major_relation = self.major_relation.value()
        d.major_name = self.major_name.text().strip()
        d.employer = self.employer.text().strip()
        d.employer_nature = self.employer_nature.value()
        d.address = self.address.text().strip()
        d.postal_code = self.postal_code.text().strip()
        d.phone = self.phone.text().strip()
        d.mobile = self.mobile.text().strip()
        d.email = self.email.text().strip()
        d.party_or_military_school = self.party_or_military_school.isChecked()
        d.employer_credit_code = self.employer_credit_code.text().strip()
        d.prior_cert_level = self.prior_cert_level.text().strip()
        d.cert_issuer = self.cert_issuer.text().strip()
        d.cert_date = self.cert_date.value_or_none()
        d.professional_years = self.professional_years.value_or_none()
        d.training_history = self.training_history.text().strip()
        d.training_end = self.training_end.value_or_none()
        d.other_materials = self.other_materials.text().strip()
        d.review_opinion = self.review_opinion.text().strip()
        d.reviewer = self.reviewer.text().strip()
        d.admission_no = self.admission_no.text().strip()
        d.score_knowledge = self.score_knowledge.value_or_none()
        d.score_skill = self.score_skill.value_or_none()
        d.score_overall = self.score_overall.value_or_none()
        d.note = self.note.text().strip()
        return d

    def save(self) -> bool:
        """Check and save. Warnings save; errors ask first. False if nothing was saved."""
        self._validate_timer.stop()
        self._show_all = True
        fmt = self._format_problems()
        if fmt:
            self.revalidate()
            lines = "\n".join(f"• {FIELD_LABELS.get(p.field, p.field)}：{p.message}" for p in fmt)
            messages.warn(self, "无法保存", f"以下内容无法识别，请先改正再保存：\n{lines}")
            self._focus_field(fmt[0].field)
            return False
        data = self.data()
        problems = self.revalidate()
        errors = [p for p in problems if p.is_error]
        if errors:
            listed = "\n".join(
                f"• {FIELD_LABELS.get(p.field, p.field)}：{p.message}" for p in errors[:5]
            )
            more = f"\n……等共 {len(errors)} 个" if len(errors) > 5 else ""
            answer = messages.ask(
                self,
                "保存有错误的报名表",
                f"有 {len(errors)} 个错误：\n{listed}{more}\n\n"
                "仍要保存吗？记录会标记为有错误，之后可在列表中按“有问题”找到它再改正。",
                SB.Yes | SB.No,
                SB.No,
                texts={SB.Yes: "仍要保存", SB.No: "返回修改"},
                icon=QMessageBox.Icon.Warning,
            )
            if answer != SB.Yes:
                self._focus_field(errors[0].field)
                return False
        return self._store(data)

    def confirm_discard(self) -> bool:
        """If there are unsaved changes, ask 保存/不保存/取消. True when it is fine to move
        on: nothing unsaved, saved now, or the person chose not to save."""
        if not self.is_dirty():
            return True
        who = self.name.text().strip() or "这位报名人"
        answer = messages.ask(
            self,
            "有未保存的修改",
            f"{who}的报名表有未保存的修改。要保存吗？",
            SB.Save | SB.Discard | SB.Cancel,
            SB.Save,
        )
        if answer == SB.Save:
            return self.save()
        if answer == SB.Discard:
            self._revert()
            return True
        return False

    def delete_current(self) -> bool:
        """Ask, ask for a reason (optional), delete through the service. True if deleted."""
        record = self._record
        if record is None:
            messages.warn(self, "删除报名记录", "这是还没有保存的新报名表，没有可删除的记录。")
            return False
        name = record.data.name or "（未填姓名）"
        answer = messages.ask(
            self,
            "删除报名记录",
            f"确定要删除报名序号 {record.serial_text} {name} 的报名记录吗？\n\n"
            "删除后该记录不再出现在列表和汇总表中；删除前的内容保留在历史记录里。",
            SB.Yes | SB.No,
            SB.No,
            texts={SB.Yes: "删除", SB.No: "不删除"},
            icon=QMessageBox.Icon.Warning,
        )
        if answer != SB.Yes:
            return False
        reason = messages.ask_text(
            self, "删除原因", f"删除 {record.serial_text} {name} 的原因（可不填）："
        )
        if reason is None:
            return False
        try:
            self.service.delete(record.id, record.version, reason)
        except ConflictError as exc:
            if exc.current is None:
                messages.warn(self, "删除报名记录", "这条记录已被其他电脑删除。")
                self.sig_deleted.emit(record.id)
                self.new_applicant()
                return False
            messages.warn(
                self,
                "删除报名记录",
                f"这条记录已被「{exc.changed_by}」修改过，没有删除。已重新载入最新内容，"
                "请确认后再决定是否删除。",
            )
            self._show_record(exc.current)
            return False
        except ServiceError as exc:
            messages.warn(self, "删除报名记录", exc.message)
            return False
        self.sig_deleted.emit(record.id)
        self.new_applicant()
        self.status_label.setText(f"已删除：{record.serial_text} {name}")
        return True

    def show_history(self) -> None:
        """Open the history of the record shown."""
        record = self._record
        if record is None:
            messages.warn(self, "历史记录", "这是还没有保存的新报名表，还没有历史记录。")
            return
        try:
            entries = self.service.history(record.id)
        except ServiceError as exc:
            messages.warn(self, "历史记录", exc.message)
            return
        dialog = HistoryDialog(entries, f"{record.serial_text} {record.data.name}", self)
        messages.exec_dialog(dialog)
        dialog.deleteLater()

    # ================================================================== showing
    def _show_record(self, record: ApplicantRecord, opened: bool = True) -> None:
        self._record = record
        self._show(record.data, show_all=True)
        if opened:
            self.sig_opened.emit(record.id)

    def _show(self, data: ApplicantData, show_all: bool) -> None:
        self._baseline = replace(data, extra=dict(data.extra))
        self._touched.clear()
        self._show_all = show_all
        self._dup_checked = ""
        self._dup_hit = None
        self._filling = True
        try:
            self._fill(data)
        finally:
            self._filling = False
        self._update_header()
        self._registration_type_changed()
        self._enrolment_type_changed()
        self.revalidate()
        self._update_dirty()

    def _fill(self, d: ApplicantData) -> None:
        self.point.setCurrentIndex(max(self.point.findText(d.registration_point), 0))
        self.point.setEditText(d.registration_point)
        self.registration_type.set_value(d.registration_type)
        self.enrolment_type.set_value(d.enrolment_type)
        self.sits_exam.setChecked(d.sits_exam)
        self.name.setText(d.name)
        self.gender.set_value(d.gender)
        self.ethnicity.set_value(d.ethnicity)
        self.id_number.setText(d.id_number)
        self.birth_ym.set_value(d.birth_ym)
        self.political_status.set_value(d.political_status)
        self.identity_category.set_value(d.identity_category)
        self.school.setText(d.school)
        self.credit_work_years.set_value(d.credit_work_years)
        self.education.set_value(d.education)
        self.graduation.set_value(d.graduation)
        self.major_relation.set_value(d.major_relation)
        self.major_name.setText(d.major_name)
        self.employer.setText(d.employer)
        self.employer_nature.set_value(d.employer_nature)
        self.address.setText(d.address)
        self.postal_code.setText(d.postal_code)
        self.phone.setText(d.phone)
        self.mobile.setText(d.mobile)
        self.email.setText(d.email)
        self.party_or_military_school.setChecked(d.party_or_military_school)
        self.employer_credit_code.setText(d.employer_credit_code)
        self.prior_cert_level.setText(d.prior_cert_level)
        self.cert_issuer.setText(d.cert_issuer)
        self.cert_date.set_value(d.cert_date)
        self.professional_years.set_value(d.professional_years)
        self.training_history.setText(d.training_history)
        self.training_end.set_value(d.training_end)
        self.other_materials.setText(d.other_materials)
        self.review_opinion.setText(d.review_opinion)
        self.reviewer.setText(d.reviewer)
        self.admission_no.setText(d.admission_no)
        self.score_knowledge.set_value(d.score_knowledge)
        self.score_skill.set_value(d.score_skill)
        self.score_overall.set_value(d.score_overall)
        self.note.setText(d.note)
        # derived values that agree with the ID number follow it when the ID is retyped
        info = self._derive_info(d.id_number)
        self._id_info = info
        self._auto_gender = info is not None and d.gender in (None, info.gender)
        self._auto_birth = info is not None and d.birth_ym in (None, YearMonth.of(info.birth_date))
        self._update_id_hint()
        self._update_graduation_hint()

    def _update_header(self) -> None:
        record = self._record
        if record is None:
            self.heading.setText("新报名")
            self.serial_label.setText("报名序号：保存后自动编号")
            self.photo_box.set_applicant(None)
        else:
            self.heading.setText(f"{record.serial_text} {record.data.name}")
            self.serial_label.setText(f"报名序号：{record.serial_text}")
            self.photo_box.set_applicant(record.id, record.has_photo)
        self.delete_button.setEnabled(record is not None)
        self.history_button.setEnabled(record is not None)

    # ================================================================== reacting
    def _edited(self, name: str) -> None:
        if self._filling:
            return
        self._touched.add(name)
        self.status_label.clear()
        self._validate_timer.start()
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        if dirty != self._dirty:
            self._dirty = dirty
            self.sig_dirty_changed.emit(dirty)
        self.save_button.setText("保存 *" if dirty else "保存")

    def _point_finished(self) -> None:
        """ "崇川" or "海安县" becomes the point's own name; an unknown name is left as typed."""
        text = self.point.currentText().strip()
        if not text:
            return
        point = self.service.campaign.point_by_name(text)
        if point is None:
            matches = [n for n in self.service.point_names() if text in n]
            if len(matches) != 1:
                return
            name = matches[0]
        else:
            name = point.name
        if name != text:
            self.point.setCurrentIndex(self.point.findText(name))
            self.point.setEditText(name)

    def _registration_type_changed(self, *_: object) -> None:
        individual = self.registration_type.value() is RegistrationType.INDIVIDUAL
        self.stamp_row.setVisible(not individual)
        self.individual_note.setVisible(individual)
        self.credit_code_hint.setText(
            "个人报名可不填。" if individual else "单位报名需要（汇总表附件5）。"
        )

    def _enrolment_type_changed(self, *_: object) -> None:
        audit = self.enrolment_type.value() is EnrolmentType.RETAKE_AUDIT
        self.sits_exam.setEnabled(audit)
        if not audit and not self._filling and not self.sits_exam.isChecked():
            self.sits_exam.setChecked(True)

    # ---- ID number and what it tells
    def _derive_info(self, text: str) -> IdInfo | None:
        number = normalize_id_number(text)
        if len(number) != 18:
            return None
        info, _ = check_id_number(number, self.today)
        return info

    def _id_changed(self, text: str) -> None:
        if self._filling:
            return
        info = self._derive_info(text)
        self._id_info = info
        self._filling = True  # derived values are not the person's typing
        try:
            if info is not None:
                if self._auto_gender or self.gender.value() is None:
                    self.gender.set_value(info.gender)
                    self._auto_gender = True
                if self._auto_birth or self.birth_ym.value_or_none() is None:
                    self.birth_ym.set_value(YearMonth.of(info.birth_date))
                    self._auto_birth = True
            elif not normalize_id_number(text):
                if self._auto_gender:
                    self.gender.set_value(None)
                if self._auto_birth:
                    self.birth_ym.set_value(None)
        finally:
            self._filling = False
        self._update_id_hint()
        if info is not None:
            self._check_duplicate(info.number)
        self._update_dirty()

    def _gender_typed(self, *_: object) -> None:
        if not self._filling:
            self._auto_gender = False

    def _birth_typed(self, *_: object) -> None:
        if not self._filling:
            self._auto_birth = False

    def _update_id_hint(self) -> None:
        info = self._id_info
        if info is None:
            self.id_hint.clear()
            self.age.clear()
            return
        age = info.age_on(self.today)
        b = info.birth_date
        place = f"，{info.region_name}" if info.region_name else ""
        self.id_hint.setText(
            f"{info.gender.label}，{b.year}年{b.month}月{b.day}日生，{age}岁{place}"
        )
        self.age.setText(str(age))

    def _update_graduation_hint(self, *_: object) -> None:
        text = self.graduation.interpretation()
        self.graduation_hint.setText(f"= {text}" if text else "")

    def _check_duplicate(self, number: str) -> None:
        """A new ID number that is already registered: say so, and offer the record."""
        if number == self._dup_checked:
            return
        self._dup_checked = number
        self._dup_hit = None
        if self._record is not None and number == normalize_id_number(self._baseline.id_number):
            return
        try:
            existing = self.service.find_by_id_number(number)
        except ServiceError:
            return
        if existing is None or existing.id == self.current_id():
            return
        self._dup_hit = (number, existing.id, existing.serial_no, existing.data.name)
        self.revalidate()
        # after the key press that completed the number has been handled
        QTimer.singleShot(
            0,
            lambda: self._offer_existing(existing.id, existing.serial_no, existing.data.name),
        )

    def _offer_existing(self, existing_id: int, serial_no: int, name: str) -> bool:
        """Tell the person the ID is registered; open that record if they want. True if opened."""
        if self._dup_hit is None or self._dup_hit[1] != existing_id:
            return False  # the form has moved on since the number was typed
        answer = messages.ask(
            self,
            "身份证号已报名",
            f"该身份证号已报名：{serial_no:04d} {name}\n\n"
            "同一个人只能报名一次。要打开已有的记录吗？\n"
            "（打开后，刚才在本表录入的内容不会保存。）",
            SB.Yes | SB.No,
            SB.Yes,
            texts={SB.Yes: "打开已有记录", SB.No: "留在本表"},
        )
        if answer != SB.Yes:
            return False
        return self.load(existing_id)

    # ---- employer completion
    def _suggest_employers(self, text: str) -> None:
        if not text.strip():
            return
        try:
            suggestions = self.service.employer_suggestions(text)
        except ServiceError:
            return
        for employer, code in suggestions:
            if code or employer not in self._employer_codes:
                self._employer_codes[employer] = code
        self._employer_model.setStringList([employer for employer, _ in suggestions])
        if suggestions and self.employer.hasFocus():
            self._employer_completer.setCompletionPrefix(text)
            self._employer_completer.complete()

    def _employer_chosen(self, employer: str) -> None:
        code = self._employer_codes.get(employer.strip(), "")
        if code and not self.employer_credit_code.text().strip():
            self.employer_credit_code.setText(code)

    # ================================================================== checking
    def _format_problems(self) -> list[Problem]:
        """Text that cannot become a value at all (an unreadable 毕业时间, "五" years)."""
        out: list[Problem] = []
        for name, f in self._fields.items():
            if isinstance(f.editor, YearMonthEdit | IntEdit):
                message = f.editor.format_error()
                if message:
                    out.append(error(name, message))
        return out

    def revalidate(self) -> list[Problem]:
        """Check what is typed now and show each problem at its field."""
        self._validate_timer.stop()
        local = self._format_problems()
        if self._dup_hit is not None:
            number, _id, serial, name = self._dup_hit
            if normalize_id_number(self.id_number.text()) == number:
                local.append(
                    error(
                        "id_number",
                        f"该身份证号已报名：{serial:04d} {name}。请打开已有记录修改，不要重复录入",
                    )
                )
            else:
                self._dup_hit = None
        try:
            found = self.service.validate(self.data())
        except ServiceError:
            found = []
        own = {p.field for p in local if p.field != "id_number"}
        problems = local + [p for p in found if p.field not in own]
        problems.sort(key=lambda p: 0 if p.is_error else 1)
        self._problems = problems
        self._show_problems()
        return problems

    def _show_problems(self) -> None:
        by_field: dict[str, list[Problem]] = {}
        for p in self._problems:
            by_field.setdefault(p.field, []).append(p)
        for name, f in self._fields.items():
            shown = by_field.get(name, []) if (self._show_all or name in self._touched) else []
            severity = ""
            if shown:
                severity = "error" if any(p.is_error for p in shown) else "warning"
            f.message.setText("\n".join(p.message for p in shown))
            f.message.setVisible(bool(shown))
            if f.message.property("severity") != severity:
                f.message.setProperty("severity", severity)
                repolish(f.message)
            if f.editor.property("problem") != severity:
                f.editor.setProperty("problem", severity)
                repolish(f.editor)
        n_errors = sum(1 for p in self._problems if p.is_error)
        n_warnings = len(self._problems) - n_errors
        if n_errors or n_warnings:
            parts = []
            if n_errors:
                parts.append(f"{n_errors} 个错误")
            if n_warnings:
                parts.append(f"{n_warnings} 个提醒")
            text = "，".join(parts)
            state = "error" if n_errors else "warning"
        else:
            text, state = "检查通过", "ok"
        if self._record is None and not self._touched and not self.is_dirty():
            text, state = "请按纸质报名表逐项填写，填写时自动检查", "idle"
        self.summary_label.setText(text)
        self.summary_label.setToolTip(
            "\n".join(f"{FIELD_LABELS.get(p.field, p.field)}：{p.message}" for p in self._problems)
        )
        if self.summary_label.property("state") != state:
            self.summary_label.setProperty("state", state)
            repolish(self.summary_label)

    def problem_text(self, name: str) -> str:
        """The problem line shown under field `name` ("" when none is shown)."""
        f = self._fields[name]
        return f.message.text() if not f.message.isHidden() else ""

    def problem_severity(self, name: str) -> str:
        """ "error", "warning" or "" for the field's shown state."""
        return str(self._fields[name].editor.property("problem") or "")

    def _focus_field(self, name: str) -> None:
        f = self._fields.get(name)
        if f is not None and f.editor.isEnabled():
            f.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # ================================================================== storing
    def _store(self, data: ApplicantData) -> bool:
        record = self._record
        try:
            if record is None:
                saved = self.service.create(data)
            else:
                saved = self.service.update(record.id, data, record.version)
        except DuplicateIdError as exc:
            self._dup_checked = normalize_id_number(data.id_number)
            self._dup_hit = (self._dup_checked, exc.existing_id, exc.serial_no, exc.name)
            self.revalidate()
            self._offer_existing(exc.existing_id, exc.serial_no, exc.name)
            return False
        except ConflictError as exc:
            return self._resolve_conflict(exc, data)
        except ServiceError as exc:
            messages.warn(self, "没有保存", f"{exc.message}\n\n表单中的内容仍然保留。")
            return False
        self._saved(saved)
        return True

    def _saved(self, record: ApplicantRecord) -> None:
        if record.data.registration_point:
            self.settings.setValue(LAST_POINT_KEY, record.data.registration_point)
        if self._record is None:  # first save: the photo held for the new applicant
            self.photo_box.store_pending(record.id)
        self._show_record(record, opened=False)  # the same record, as stored
        flag = f"（有 {record.error_count} 个错误，已标记）" if record.error_count else ""
        self.status_label.setText(f"已保存：报名序号 {record.serial_text}{flag}")
        self.sig_saved.emit(record.id)

    def _resolve_conflict(self, exc: ConflictError, mine: ApplicantData) -> bool:
        """Another desk saved (or deleted) first: show both versions and let the person choose."""
        from app.services.applicants import normalized  # light: only needed on a conflict

        mine = normalized(mine, self.today)
        base: ApplicantData | None = self._baseline
        while True:
            dialog = ConflictDialog(mine, base, exc.current, exc.changed_by, exc.changed_at, self)
            messages.exec_dialog(dialog)
            choice = dialog.choice
            merged = dialog.merged_data()
            dialog.deleteLater()
            current = exc.current
            try:
                if choice is ConflictChoice.SAVE_MERGED and current is not None:
                    saved = self.service.update(current.id, merged, current.version)
                elif choice is ConflictChoice.LOAD_THEIRS and current is not None:
                    self._show_record(current)
                    self.status_label.setText("已载入对方保存的版本，您的修改已放弃")
                    return False
                elif choice is ConflictChoice.SAVE_AS_NEW:
                    self._record = None
                    saved = self.service.create(replace(merged, serial_no=None))
                elif choice is ConflictChoice.DISCARD:
                    gone = self._record.id if self._record is not None else None
                    self.new_applicant()
                    if gone is not None:
                        self.sig_deleted.emit(gone)
                    return False
                else:
                    return False  # 取消: the form keeps the person's typing
            except ConflictError as again:
                exc, mine, base = again, merged, current.data if current is not None else None
                continue
            except DuplicateIdError as dup:
                self._offer_existing(dup.existing_id, dup.serial_no, dup.name)
                return False
            except ServiceError as err:
                messages.warn(self, "没有保存", f"{err.message}\n\n表单中的内容仍然保留。")
                return False
            self._saved(saved)
            return True

    def _revert(self) -> None:
        """Drop unsaved changes: back to the record as loaded, or an empty form."""
        if self._record is not None:
            self._show_record(self._record, opened=False)
        else:
            self.new_applicant()

    # ================================================================== keys
    def _new_requested(self) -> None:
        if self.confirm_discard():
            self.new_applicant()
        self.sig_new_handled.emit()

    def _escape(self) -> None:
        if not self.confirm_discard():
            return
        if self._record is not None or self.is_dirty():
            self.new_applicant()
        self.sig_leave_requested.emit()
