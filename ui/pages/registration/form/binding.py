"""The form's presenter: between its editors and an ApplicantData (what is typed as data, a
record's data into the editors, the values that follow from the ID number and the form's
own choices), and its problems shown at each field and in the summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from app.domain.applicant import FIELD_LABELS, ApplicantData
from app.domain.codes import EnrolmentType, RegistrationType
from app.domain.contact import NANTONG_AREA_CODE, parse_landline
from app.domain.fees import fee_due
from app.domain.idcard import IdInfo, check_id_number, normalize_id_number
from app.domain.problems import Problem, error
from app.domain.yearmonth import YearMonth
from ui.pages.registration.form.cells import Field
from ui.pages.registration.form.office import OfficeNotes, OfficeStrip, SummarySheet
from ui.pages.registration.form.sheet2 import RegistrationSheet
from ui.pages.registration.form.sheet4 import EvaluationSheet
from ui.widgets.code_combo import IntEdit, YearMonthEdit
from ui.widgets.style import repolish

if TYPE_CHECKING:
    from app.services.applicants import ApplicantService

# The code drop-downs whose choice is an edit (the point is an editable combo of its own).
CODE_FIELDS = (
    "gender",
    "ethnicity",
    "political_status",
    "identity_category",
    "education",
    "major_relation",
    "employer_nature",
    "registration_type",
    "enrolment_type",
)


class FormBinding:
    """The editors of the form's sections as one ApplicantData, and back.

    `filling` is true while the editors are set from data (or derived values follow the ID
    number): those changes are not the person's typing.
    """

    def __init__(
        self,
        service: ApplicantService,
        today: date,
        fields: dict[str, Field],
        office: OfficeStrip,
        sheet2: RegistrationSheet,
        sheet4: EvaluationSheet,
        sheet5: SummarySheet,
        notes: OfficeNotes,
    ) -> None:
        self.service = service
        self.today = today
        self.fields = fields
        self.office, self.sheet2, self.sheet4 = office, sheet2, sheet4
        self.sheet5, self.notes = sheet5, notes
        self.filling = False
        self.id_info: IdInfo | None = None
        # gender and 年月 follow the ID number while they agree with it (not typed over)
        self.auto_gender = False
        self.auto_birth = False

    # ------------------------------------------------------------------ wiring
    def connect(self, edited: Callable[[str], None],
                id_changed: Callable[[IdInfo | None], None]) -> None:
        """`edited(name)` after each change of a field; `id_changed(info)` after the ID
        number changed and what follows from it was filled in."""
        for name, f in self.fields.items():
            if isinstance(f.editor, QLineEdit):
                f.editor.textChanged.connect(lambda _t, n=name: edited(n))
        for name in CODE_FIELDS:
            combo = self.fields[name].editor
            assert isinstance(combo, QComboBox)
            combo.currentIndexChanged.connect(lambda _i, n=name: edited(n))
        o, s2 = self.office, self.sheet2
        o.point.currentTextChanged.connect(lambda _t: edited("registration_point"))
        o.point_edit().editingFinished.connect(self.normalise_point)
        self.sheet2.phone.editingFinished.connect(self.complete_phone)
        self.sheet4.prior_cert_level.textChanged.connect(self.apply_prior_cert)
        self.notes.party_or_military_school.toggled.connect(
            lambda _b: edited("party_or_military_school")
        )

        def follow_id(text: str) -> None:
            if not self.filling:
                id_changed(self._follow_id(text))

        s2.id_number.textChanged.connect(follow_id)
        s2.gender.currentIndexChanged.connect(self._gender_typed)
        s2.birth_ym.textChanged.connect(self._birth_typed)
        s2.graduation.textChanged.connect(self.update_graduation_hint)
        o.registration_type.currentIndexChanged.connect(self.apply_registration_type)
        o.enrolment_type.currentIndexChanged.connect(self.apply_enrolment_type)

    # ------------------------------------------------------------------ values
    def data(self, baseline: ApplicantData, serial_no: int | None) -> ApplicantData:
        """What is typed, as an ApplicantData (fields the form does not show are kept)."""
        o, s2, s4, s5, n = self.office, self.sheet2, self.sheet4, self.sheet5, self.notes
        d = replace(baseline, extra=dict(baseline.extra))
        d.serial_no = serial_no
        d.registration_point = o.point.currentText().strip()
        d.registration_type = o.registration_type.value() or RegistrationType.EMPLOYER
        d.enrolment_type = o.enrolment_type.value() or EnrolmentType.NEW
        d.name = s2.name.text().strip()
        d.gender = s2.gender.value()
        d.ethnicity = s2.ethnicity.value()
        d.id_number = s2.id_number.text().strip()
        d.birth_ym = s2.birth_ym.value_or_none()
        d.political_status = s2.political_status.value()
        d.identity_category = s2.identity_category.value()
        d.school = s2.school.text().strip()
        d.credit_work_years = s2.credit_work_years.value_or_none()
        d.education = s2.education.value()
        d.graduation = s2.graduation.value_or_none()
        d.major_relation = s2.major_relation.value()
        d.major_name = s2.major_name.text().strip()
        d.employer = s2.employer.text().strip()
        d.employer_nature = s2.employer_nature.value()
        d.address = s2.address.text().strip()
        d.postal_code = s2.postal_code.text().strip()
        d.phone = s2.phone.text().strip()
        d.mobile = s2.mobile.text().strip()
        d.email = s2.email.text().strip()
        d.party_or_military_school = n.party_or_military_school.isChecked()
        d.employer_credit_code = s5.employer_credit_code.text().strip()
        d.prior_cert_level = s4.prior_cert_level.text().strip()
        d.cert_issuer = s4.cert_issuer.text().strip()
        d.cert_date = s4.cert_date.value_or_none()
        d.professional_years = s4.professional_years.value_or_none()
        d.training_history = s4.training_history.text().strip()
        d.training_end = s4.training_end.value_or_none()
        d.other_materials = s4.other_materials.text().strip()
        d.review_opinion = s4.review_opinion.text().strip()
        d.reviewer = s4.reviewer.text().strip()
        d.admission_no = s4.admission_no.text().strip()
        d.score_knowledge = s4.score_knowledge.value_or_none()
        d.score_skill = s4.score_skill.value_or_none()
        d.score_overall = s4.score_overall.value_or_none()
        d.note = n.note.text().strip()
        return d

    def fill(self, d: ApplicantData) -> None:
        """Show `d` in the editors (none of it counts as typed)."""
        self.filling = True
        try:
            self._fill(d)
        finally:
            self.filling = False

    def _fill(self, d: ApplicantData) -> None:
        o, s2, s4, s5, n = self.office, self.sheet2, self.sheet4, self.sheet5, self.notes
        o.point.setCurrentIndex(max(o.point.findText(d.registration_point), 0))
        o.point.setEditText(d.registration_point)
        o.show_carried("")  # a new form says so itself (ApplicantForm.new_applicant)
        o.registration_type.set_value(d.registration_type)
        o.enrolment_type.set_value(d.enrolment_type)
        s2.name.setText(d.name)
        s2.gender.set_value(d.gender)
        s2.ethnicity.set_value(d.ethnicity)
        s2.id_number.setText(d.id_number)
        s2.birth_ym.set_value(d.birth_ym)
        s2.political_status.set_value(d.political_status)
        s2.identity_category.set_value(d.identity_category)
        s2.school.setText(d.school)
        s2.credit_work_years.set_value(d.credit_work_years)
        s2.education.set_value(d.education)
        s2.graduation.set_value(d.graduation)
        s2.major_relation.set_value(d.major_relation)
        s2.major_name.setText(d.major_name)
        s2.employer.setText(d.employer)
        s2.employer_nature.set_value(d.employer_nature)
        s2.address.setText(d.address)
        s2.postal_code.setText(d.postal_code)
        s2.phone.setText(d.phone)
        s2.mobile.setText(d.mobile)
        s2.email.setText(d.email)
        n.party_or_military_school.setChecked(d.party_or_military_school)
        s5.employer_credit_code.setText(d.employer_credit_code)
        s4.prior_cert_level.setText(d.prior_cert_level)
        s4.cert_issuer.setText(d.cert_issuer)
        s4.cert_date.set_value(d.cert_date)
        s4.professional_years.set_value(d.professional_years)
        s4.training_history.setText(d.training_history)
        s4.training_end.set_value(d.training_end)
        s4.other_materials.setText(d.other_materials)
        s4.review_opinion.setText(d.review_opinion)
        s4.reviewer.setText(d.reviewer)
        s4.admission_no.setText(d.admission_no)
        s4.score_knowledge.set_value(d.score_knowledge)
        s4.score_skill.set_value(d.score_skill)
        s4.score_overall.set_value(d.score_overall)
        n.note.setText(d.note)
        # derived values that agree with the ID number follow it when the ID is retyped
        info = self.derive_info(d.id_number)
        self.id_info = info
        self.auto_gender = info is not None and d.gender in (None, info.gender)
        self.auto_birth = info is not None and d.birth_ym in (None, YearMonth.of(info.birth_date))
        self.update_id_hint()
        self.update_graduation_hint()
        self.apply_prior_cert()
        s4.fold_body_unless_filled()

    # ------------------------------------------------------------------ what follows
    def normalise_point(self) -> None:
        """ "崇川" or "海安县" becomes the point's own name; an unknown name is left as typed."""
        point_combo = self.office.point
        text = point_combo.currentText().strip()
        if not text:
            return
        point = self.service.campaign.point_by_name(text)
        if point is None:
            matches = self.office.matching_points(text)
            if len(matches) != 1:
                return
            name = matches[0]
        else:
            name = point.name
        if name != text:
            point_combo.setCurrentIndex(point_combo.findText(name))
            point_combo.setEditText(name)

    def complete_phone(self) -> None:
        """A local number typed without its area code ("85215704") gets Nantong's."""
        edit = self.sheet2.phone
        landline = parse_landline(edit.text())
        if landline is not None and not landline.area_code:
            edit.setText(str(replace(landline, area_code=NANTONG_AREA_CODE)))

    def apply_prior_cert(self, *_: object) -> None:
        """原证书等级 "无": no 授证单位 or 授证时间 to type (Tab passes them by)."""
        none = self.sheet4.prior_cert_level.text().strip() == "无"
        for edit in (self.sheet4.cert_issuer, self.sheet4.cert_date):
            edit.setEnabled(not none or bool(edit.text().strip()))

    def apply_registration_type(self, *_: object) -> None:
        """个人报名 needs no employer's stamps and may leave the credit code empty."""
        individual = self.office.registration_type.value() is RegistrationType.INDIVIDUAL
        self.sheet2.stamp_row.setVisible(not individual)
        self.sheet2.individual_note.setVisible(individual)
        self.sheet5.credit_code_hint.setText(
            "个人报名可不填。" if individual else "单位报名需要（汇总表附件5）。"
        )

    def apply_enrolment_type(self, *_: object) -> None:
        """Say what the type means for money: the fees, and the remark's kind."""
        kind = self.office.enrolment_type.value() or EnrolmentType.NEW
        fees = self.service.campaign.fees
        due = fee_due(kind, fees)
        if kind is EnrolmentType.RESIT:
            text = f"缴考试费 {due.total} 元，备注 南通+姓名+补考助理"
        elif due.total:
            text = f"缴 {due.total} 元（培训 {due.training} + 考试 {due.exam}）"
        else:
            text = "只听课，无需缴费"
        self.office.fee_note.setText(text + "（审核通过后）" if due.total else text)

    def derive_info(self, text: str) -> IdInfo | None:
        number = normalize_id_number(text)
        if len(number) != 18:
            return None
        info, _ = check_id_number(number, self.today)
        return info

    def _follow_id(self, text: str) -> IdInfo | None:
        """The ID number changed: gender and 年月 follow it (unless typed over)."""
        s2 = self.sheet2
        info = self.derive_info(text)
        self.id_info = info
        self.filling = True  # derived values are not the person's typing
        try:
            if info is not None:
                if self.auto_gender or s2.gender.value() is None:
                    s2.gender.set_value(info.gender)
                    self.auto_gender = True
                if self.auto_birth or s2.birth_ym.value_or_none() is None:
                    s2.birth_ym.set_value(YearMonth.of(info.birth_date))
                    self.auto_birth = True
            elif not normalize_id_number(text):
                if self.auto_gender:
                    s2.gender.set_value(None)
                if self.auto_birth:
                    s2.birth_ym.set_value(None)
        finally:
            self.filling = False
        self.update_id_hint()
        return info

    def _gender_typed(self, *_: object) -> None:
        if not self.filling:
            self.auto_gender = False

    def _birth_typed(self, *_: object) -> None:
        if not self.filling:
            self.auto_birth = False

    def update_id_hint(self) -> None:
        """What the ID number says, beside it; the age in 附件4."""
        info = self.id_info
        if info is None:
            self.sheet2.id_hint.clear()
            self.sheet4.age.clear()
            return
        age = info.age_on(self.today)
        b = info.birth_date
        place = f"，{info.region_name}" if info.region_name else ""
        self.sheet2.id_hint.setText(
            f"{info.gender.label}，{b.year}年{b.month}月{b.day}日生，{age}岁{place}"
        )
        self.sheet4.age.setText(str(age))

    def update_graduation_hint(self, *_: object) -> None:
        text = self.sheet2.graduation.interpretation()
        self.sheet2.graduation_hint.setText(f"= {text}" if text else "")


WORD_JOINER = "\u2060"
_NUMBER_EDGE = re.compile(
    r"(?<=[0-9A-Za-z])(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])(?=[0-9A-Za-z])"
)


def keep_together(text: str) -> str:
    """No line break between a number and the character it belongs to ("10位", "第3"):
    Qt may break between any two Chinese characters, and "10 / 位" reads badly."""
    return _NUMBER_EDGE.sub(WORD_JOINER, text)


class ProblemsView:
    """The problems found, shown under their fields (once touched, or after a save) and
    counted in the form's summary line."""

    def __init__(self, fields: dict[str, Field], summary_label: QLabel) -> None:
        self.fields = fields
        self.summary_label = summary_label

    def format_problems(self) -> list[Problem]:
        """Text that cannot become a value at all (an unreadable 毕业时间, "五" years)."""
        out: list[Problem] = []
        for name, f in self.fields.items():
            if isinstance(f.editor, YearMonthEdit | IntEdit):
                message = f.editor.format_error()
                if message:
                    out.append(error(name, message))
        return out

    def show(self, problems: list[Problem], show_all: bool, touched: set[str],
             idle: bool) -> None:
        """Each field's problems (all fields, or the touched ones), and the summary; `idle`:
        nothing typed in a new form yet, the summary says how to begin."""
        by_field: dict[str, list[Problem]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p)
        for name, f in self.fields.items():
            shown = by_field.get(name, []) if (show_all or name in touched) else []
            severity = ""
            if shown:
                severity = "error" if any(p.is_error for p in shown) else "warning"
            f.message.setText(keep_together("\n".join(p.message for p in shown)))
            f.message.setVisible(bool(shown))
            if f.message.property("severity") != severity:
                f.message.setProperty("severity", severity)
                repolish(f.message)
            if f.editor.property("problem") != severity:
                f.editor.setProperty("problem", severity)
                repolish(f.editor)
        # the summary counts what is shown: a field not reached yet is no mistake
        counted = [p for p in problems if show_all or p.field in touched]
        n_errors = sum(1 for p in counted if p.is_error)
        n_warnings = len(counted) - n_errors
        if not counted and len(problems) and not show_all:
            text, state = "已填写的内容没有发现问题", "idle"
        elif n_errors or n_warnings:
            parts = []
            if n_errors:
                parts.append(f"{n_errors} 个错误")
            if n_warnings:
                parts.append(f"{n_warnings} 个提醒")
            text = "，".join(parts)
            state = "error" if n_errors else "warning"
        else:
            text, state = "检查通过", "ok"
        if idle:
            text, state = "请按纸质报名表逐项填写，填写时自动检查", "idle"
        self.summary_label.setText(text)
        self.summary_label.setToolTip(
            "\n".join(f"{FIELD_LABELS.get(p.field, p.field)}：{p.message}" for p in counted)
        )
        if self.summary_label.property("state") != state:
            self.summary_label.setProperty("state", state)
            repolish(self.summary_label)

    def problem_text(self, name: str) -> str:
        """The problem line shown under field `name` ("" when none is shown)."""
        f = self.fields[name]
        return f.message.text().replace(WORD_JOINER, "") if not f.message.isHidden() else ""

    def problem_severity(self, name: str) -> str:
        """ "error", "warning" or "" for the field's shown state."""
        return str(self.fields[name].editor.property("problem") or "")

    def focus(self, name: str) -> None:
        """Put the cursor in field `name` (to correct it)."""
        f = self.fields.get(name)
        if f is not None and f.editor.isEnabled():
            f.editor.setFocus(Qt.FocusReason.OtherFocusReason)
