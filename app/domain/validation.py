"""Every problem of one applicant record in a single call, each on the field it concerns."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

from app.domain.applicant import FIELD_LABELS, ApplicantData, age_on
from app.domain.codes import RegistrationType
from app.domain.contact import (
    check_email,
    check_landline,
    check_mobile,
    check_name,
    check_postal_code,
)
from app.domain.creditcode import check_credit_code
from app.domain.eligibility import check_eligibility
from app.domain.idcard import IdInfo, check_id_number
from app.domain.problems import Problem, Severity, error, warning
from app.domain.yearmonth import YearMonth

MIN_AGE_AT_GRADUATION = 14
"""Nobody finishes a 中专 or higher before 14: an earlier 毕业时间 is a slip of the pen."""

WORK_START_AGE = 14
MIN_APPLICANT_AGE = 16

# The notice's target table says 海安县, its contact list 海安市: one registration point.
_POINT_ALIASES: dict[str, tuple[str, ...]] = {
    "海安县": ("海安市",),
    "海安市": ("海安县",),
}

_FORM_ORDER: dict[str, int] = {name: i for i, name in enumerate(ApplicantData.field_names())}


def _sort_key(p: Problem) -> tuple[int, int]:
    return (0 if p.severity is Severity.ERROR else 1, _FORM_ORDER.get(p.field, len(_FORM_ORDER)))


def validate_applicant(
    a: ApplicantData, today: date, *, points: Collection[str] | None = None
) -> list[Problem]:
    """All problems of `a`, errors first, then in the order of the paper form.

    `points` is the campaign's list of registration points; when given, a point not on
    it is an error.
    """
    problems: list[Problem] = []
    problems += _check_office_fields(a, points)
    problems += check_name(a.name, "name")
    info, id_problems = check_id_number(a.id_number, today, "id_number")
    problems += id_problems
    problems += _check_against_id(a, info, today)
    problems += _check_codes(a)
    problems += _check_education(a, info, today)
    problems += _check_years(a, info, today)
    problems += _check_employer(a)
    problems += _check_contact(a)
    problems += _check_evaluation_part(a, today)
    # sorted() is stable: within a field the checks' own order survives.
    return sorted(problems, key=_sort_key)


def _point_listed(point: str, points: Collection[str]) -> bool:
    return point in points or any(alias in points for alias in _POINT_ALIASES.get(point, ()))


def _check_office_fields(a: ApplicantData, points: Collection[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    if a.serial_no is not None and a.serial_no <= 0:
        problems.append(error("serial_no", "报名序号应为正整数：请核对"))
    point = a.registration_point.strip()
    if not point:
        problems.append(
            error("registration_point", "请选择报名点（附件1 培训计划目标表中的单位或县区）")
        )
    elif points is not None and not _point_listed(point, points):
        problems.append(
            error("registration_point", f"报名点「{point}」不在本期的报名点名单中：请重新选择")
        )
    return problems


def _check_against_id(a: ApplicantData, info: IdInfo | None, today: date) -> list[Problem]:
    """Gender, 年月 and age are derived from the ID; a typed value that differs is an error."""
    problems: list[Problem] = []
    if info is None:
        if a.gender is None and not a.id_number.strip():
            problems.append(warning("gender", "请填写性别（填写身份证号后自动得出）"))
        if a.birth_ym is None and not a.id_number.strip():
            problems.append(warning("birth_ym", "请填写出生年月（填写身份证号后自动得出）"))
        return problems
    if a.gender is not None and a.gender is not info.gender:
        problems.append(
            error("gender", f"性别与身份证号不符：身份证号显示为{info.gender.label}，请核对")
        )
    id_ym = YearMonth.of(info.birth_date)
    if a.birth_ym is not None and a.birth_ym != id_ym:
        problems.append(
            error("birth_ym", f"出生年月与身份证号不符：身份证号显示为 {id_ym}，请核对")
        )
    age = info.age_on(today)
    if age < MIN_APPLICANT_AGE:
        problems.append(warning("id_number", f"按身份证号，申请人现在只有{age}岁：请核对身份证号"))
    return problems


def _check_codes(a: ApplicantData) -> list[Problem]:
    """Code boxes of the paper form left empty. 最高学历 is checked with eligibility."""
    missing: list[tuple[str, object]] = [
        ("ethnicity", a.ethnicity),
        ("political_status", a.political_status),
        ("identity_category", a.identity_category),
        ("major_relation", a.major_relation),
    ]
    if a.employer.strip() or a.registration_type is RegistrationType.EMPLOYER:
        missing.append(("employer_nature", a.employer_nature))
    return [
        warning(field, f"请填写{FIELD_LABELS[field]}（见报名表背面的代码说明）")
        for field, value in missing
        if value is None
    ]


def _birth_date(a: ApplicantData, info: IdInfo | None) -> date | None:
    if info is not None:
        return info.birth_date
    if a.birth_ym is not None:
        return date(a.birth_ym.year, a.birth_ym.month, 1)
    return None


def _check_education(a: ApplicantData, info: IdInfo | None, today: date) -> list[Problem]:
    problems: list[Problem] = []
    birth = _birth_date(a, info)
    if a.education is None:
        problems.append(
            error("education", "请填写最高学历（1硕研以上 2大学本科 3大学专科 4中专 5高中 6初中）")
        )
    else:
        verdict = check_eligibility(a.education, birth)
        if verdict.eligible is False:
            problems.append(error("education", verdict.reason))
        elif verdict.eligible is None:
            problems.append(warning("education", verdict.reason))
    if not a.school.strip():
        problems.append(warning("school", "请填写毕业学校"))
    if a.graduation is None:
        problems.append(
            warning(
                "graduation",
                "请填写毕业时间（如 0907）：它决定现场确认时交学历证书还是学信网证明",
            )
        )
    else:
        if a.graduation > YearMonth.of(today):
            problems.append(
                error(
                    "graduation", f"毕业时间 {a.graduation} 晚于今天：请核对（如 2009年7月写 0907）"
                )
            )
        if birth is not None and a.graduation.year < birth.year + MIN_AGE_AT_GRADUATION:
            problems.append(
                warning(
                    "graduation",
                    f"毕业时间 {a.graduation} 时申请人不到{MIN_AGE_AT_GRADUATION}岁：请核对",
                )
            )
    return problems


def _check_years(a: ApplicantData, info: IdInfo | None, today: date) -> list[Problem]:
    birth = _birth_date(a, info)
    limit = age_on(birth, today) - WORK_START_AGE if birth is not None else None
    problems: list[Problem] = []
    for field, value in (
        ("credit_work_years", a.credit_work_years),
        ("professional_years", a.professional_years),
    ):
        label = FIELD_LABELS[field]
        if value is None:
            continue
        if value < 0:
            problems.append(warning(field, f"{label}不能是负数：请核对"))
        elif limit is not None and value > max(limit, 0):
            problems.append(
                warning(
                    field, f"{label}{value}年，超过了申请人{WORK_START_AGE}岁以后的年数：请核对"
                )
            )
    return problems


def _check_employer(a: ApplicantData) -> list[Problem]:
    problems: list[Problem] = []
    by_employer = a.registration_type is RegistrationType.EMPLOYER
    if by_employer and not a.employer.strip():
        problems.append(error("employer", "单位报名请填写工作单位（单位全称，与公章一致）"))
    if by_employer and not a.employer_credit_code.strip():
        problems.append(
            warning(
                "employer_credit_code",
                "单位报名请填写单位的18位统一社会信用代码（见营业执照或登记证书），汇总表需要",
            )
        )
    else:
        problems += check_credit_code(a.employer_credit_code, "employer_credit_code")
    return problems


def _check_contact(a: ApplicantData) -> list[Problem]:
    problems: list[Problem] = []
    problems += check_mobile(a.mobile, "mobile", required=True)
    problems += check_landline(a.phone, "phone")
    problems += check_postal_code(a.postal_code, "postal_code")
    problems += check_email(a.email, "email")
    if not a.address.strip():
        problems.append(warning("address", "请填写通讯地址"))
    return problems


def _check_evaluation_part(a: ApplicantData, today: date) -> list[Problem]:
    problems: list[Problem] = []
    this_month = YearMonth.of(today)
    dated: list[tuple[str, YearMonth | None, Callable[[str, str], Problem]]] = [
        ("cert_date", a.cert_date, error),
        ("training_end", a.training_end, warning),
    ]
    for field, ym, make in dated:
        if ym is not None and ym > this_month:
            problems.append(make(field, f"{FIELD_LABELS[field]} {ym} 晚于今天：请核对"))
    for field, score in (
        ("score_knowledge", a.score_knowledge),
        ("score_skill", a.score_skill),
        ("score_overall", a.score_overall),
    ):
        if score is not None and not 0 <= score <= 100:
            problems.append(error(field, f"{FIELD_LABELS[field]}分数应在0到100之间，现在是{score}"))
    return problems
