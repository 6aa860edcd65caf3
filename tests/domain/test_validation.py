"""validate_applicant: a complete record passes; each bad field is reported on that field."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from app.domain.applicant import ApplicantData
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
from app.domain.problems import Problem, Severity
from app.domain.validation import validate_applicant
from app.domain.yearmonth import YearMonth

TODAY = date(2021, 9, 20)
POINTS = ["市委编办", "市国资委", "海安县", "如皋市", "崇川区", "海门区", "信用服务机构"]


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


FEMALE_ID = make_id("320602", date(1988, 6, 15), 122)  # even 17th digit: female
MALE_ID = make_id("320684", date(1960, 5, 5), 123)


def complete(**changes: object) -> ApplicantData:
    a = ApplicantData(
        serial_no=12,
        registration_point="崇川区",
        registration_type=RegistrationType.EMPLOYER,
        enrolment_type=EnrolmentType.NEW,
        name="陆薇",
        gender=Gender.FEMALE,
        ethnicity=Ethnicity.HAN,
        id_number=FEMALE_ID,
        birth_ym=YearMonth(1988, 6),
        political_status=PoliticalStatus.CPC_MEMBER,
        identity_category=IdentityCategory.CADRE,
        school="南通大学",
        credit_work_years=5,
        education=Education.BACHELOR,
        graduation=YearMonth(2010, 7),
        major_relation=MajorRelation.SIMILAR,
        major_name="金融学",
        employer="南通市崇川区发展和改革委员会",
        employer_nature=EmployerNature.GOVERNMENT,
        address="南通市崇川区崇川路58号",
        postal_code="226000",
        phone="0513-85215704",
        mobile="15951235761",
        email="luwei@163.com",
        employer_credit_code=credit_code("11320602MB1234567"),
        prior_cert_level="",
        professional_years=10,
    )
    return dataclasses.replace(a, **changes)  # type: ignore[arg-type]


def on(problems: list[Problem], field: str) -> list[Problem]:
    return [p for p in problems if p.field == field]


def test_complete_record_has_no_problem_at_all() -> None:
    assert validate_applicant(complete(), TODAY, points=POINTS) == []


def test_complete_individual_without_employer_has_no_problem() -> None:
    a = complete(
        registration_type=RegistrationType.INDIVIDUAL,
        employer="",
        employer_credit_code="",
        employer_nature=None,
    )
    assert validate_applicant(a, TODAY) == []


def test_individual_with_employer_credit_code_is_fine() -> None:
    a = complete(registration_type=RegistrationType.INDIVIDUAL)
    assert validate_applicant(a, TODAY) == []


def test_derived_fields_may_be_left_empty() -> None:
    assert validate_applicant(complete(gender=None, birth_ym=None), TODAY) == []


@pytest.mark.parametrize(
    ("changes", "field", "severity", "fragment"),
    [
        ({"name": ""}, "name", Severity.ERROR, "请填写姓名"),
        ({"name": "陆薇（女）"}, "name", Severity.ERROR, "符号"),
        ({"id_number": ""}, "id_number", Severity.ERROR, "请填写18位身份证号"),
        (
            {"id_number": FEMALE_ID[:17] + ("1" if FEMALE_ID[-1] != "1" else "2")},
            "id_number",
            Severity.ERROR,
            "校验位",
        ),
        ({"id_number": "320602880615122"}, "id_number", Severity.ERROR, "15位"),
        (
            {"gender": Gender.MALE},
            "gender",
            Severity.ERROR,
            "性别与身份证号不符：身份证号显示为女，请核对",
        ),
        ({"birth_ym": YearMonth(1988, 7)}, "birth_ym", Severity.ERROR, "1988-06"),
        ({"mobile": ""}, "mobile", Severity.ERROR, "请填写11位手机号码"),
        ({"mobile": "1595123576"}, "mobile", Severity.ERROR, "10位"),
        ({"education": None}, "education", Severity.ERROR, "最高学历"),
        (
            {"education": Education.HIGH_SCHOOL},
            "education",
            Severity.ERROR,
            "最高学历为高中，不符合报考条件：需大学专科及以上（1962年前出生可为中专）",
        ),
        (
            {"education": Education.SECONDARY_VOCATIONAL},
            "education",
            Severity.ERROR,
            "1962年及以后出生",
        ),
        ({"registration_point": ""}, "registration_point", Severity.ERROR, "请选择报名点"),
        ({"registration_point": "上海市"}, "registration_point", Severity.ERROR, "上海市"),
        ({"employer": ""}, "employer", Severity.ERROR, "单位报名请填写工作单位"),
        (
            {"employer_credit_code": ""},
            "employer_credit_code",
            Severity.WARNING,
            "统一社会信用代码",
        ),
        (
            {"employer_credit_code": "11320602MB1234567"},
            "employer_credit_code",
            Severity.ERROR,
            "17位",
        ),
        (
            {"employer_credit_code": "11320602MB12345O7X"},
            "employer_credit_code",
            Severity.ERROR,
            "「O」",
        ),
        ({"graduation": YearMonth(2021, 10)}, "graduation", Severity.ERROR, "晚于今天"),
        ({"graduation": YearMonth(2000, 7)}, "graduation", Severity.WARNING, "不到14岁"),
        ({"graduation": None}, "graduation", Severity.WARNING, "毕业时间"),
        ({"credit_work_years": -1}, "credit_work_years", Severity.WARNING, "负数"),
        ({"credit_work_years": 20}, "credit_work_years", Severity.WARNING, "20年"),
        ({"professional_years": 40}, "professional_years", Severity.WARNING, "40年"),
        ({"phone": "0513-8521570"}, "phone", Severity.ERROR, "8位"),
        ({"postal_code": "210000"}, "postal_code", Severity.WARNING, "226"),
        ({"postal_code": "22600"}, "postal_code", Severity.ERROR, "6位"),
        ({"email": "luwei@163.con"}, "email", Severity.WARNING, "163.com"),
        ({"email": "luwei163.com"}, "email", Severity.ERROR, "@"),
        ({"ethnicity": None}, "ethnicity", Severity.WARNING, "民族"),
        ({"political_status": None}, "political_status", Severity.WARNING, "政治面貌"),
        ({"identity_category": None}, "identity_category", Severity.WARNING, "身份类别"),
        ({"major_relation": None}, "major_relation", Severity.WARNING, "所学专业"),
        ({"employer_nature": None}, "employer_nature", Severity.WARNING, "单位性质"),
        ({"school": ""}, "school", Severity.WARNING, "毕业学校"),
        ({"address": ""}, "address", Severity.WARNING, "通讯地址"),
        ({"score_knowledge": 101}, "score_knowledge", Severity.ERROR, "0到100"),
        ({"score_skill": -1}, "score_skill", Severity.ERROR, "0到100"),
        ({"score_overall": 250}, "score_overall", Severity.ERROR, "0到100"),
        ({"serial_no": 0}, "serial_no", Severity.ERROR, "正整数"),
        ({"cert_date": YearMonth(2022, 1)}, "cert_date", Severity.ERROR, "晚于今天"),
        ({"training_end": YearMonth(2021, 11)}, "training_end", Severity.WARNING, "晚于今天"),
    ],
)
def test_each_bad_field_is_reported_on_that_field(
    changes: dict[str, object], field: str, severity: Severity, fragment: str
) -> None:
    problems = validate_applicant(complete(**changes), TODAY, points=POINTS)
    assert problems, "expected a problem"
    assert {p.field for p in problems} == {field}, problems
    mine = on(problems, field)
    assert any(p.severity is severity and fragment in p.message for p in mine), mine


def test_male_id_with_female_gender() -> None:
    a = complete(
        id_number=MALE_ID,
        gender=Gender.FEMALE,
        birth_ym=YearMonth(1960, 5),
        graduation=YearMonth(1982, 7),
    )
    problems = validate_applicant(a, TODAY)
    assert [(p.field, p.message) for p in problems] == [
        ("gender", "性别与身份证号不符：身份证号显示为男，请核对"),
    ]


def test_secondary_before_1962_is_eligible() -> None:
    a = complete(
        id_number=MALE_ID,
        gender=Gender.MALE,
        birth_ym=YearMonth(1960, 5),
        education=Education.SECONDARY_VOCATIONAL,
        graduation=YearMonth(1979, 7),
        credit_work_years=30,
        professional_years=40,
    )
    assert validate_applicant(a, TODAY) == []


def test_eligibility_uses_birth_ym_when_id_is_broken() -> None:
    a = complete(
        id_number="",
        birth_ym=YearMonth(1961, 12),
        education=Education.SECONDARY_VOCATIONAL,
        graduation=YearMonth(1980, 7),
    )
    problems = validate_applicant(a, TODAY)
    assert not on(problems, "education")
    assert [p.field for p in problems if p.is_error] == ["id_number"]


def test_secondary_with_no_birth_information_is_a_warning() -> None:
    a = complete(id_number="", birth_ym=None, gender=None, education=Education.SECONDARY_VOCATIONAL)
    edu = on(validate_applicant(a, TODAY), "education")
    assert [p.severity for p in edu] == [Severity.WARNING]


def test_no_id_and_no_gender_or_birth_ym_asks_for_them_gently() -> None:
    problems = validate_applicant(complete(id_number="", gender=None, birth_ym=None), TODAY)
    assert [p.severity for p in on(problems, "gender")] == [Severity.WARNING]
    assert [p.severity for p in on(problems, "birth_ym")] == [Severity.WARNING]


def test_typed_gender_is_not_checked_against_a_broken_id() -> None:
    problems = validate_applicant(complete(id_number="3206", gender=Gender.MALE), TODAY)
    assert not on(problems, "gender")


def test_historical_region_codes_are_not_a_problem() -> None:
    for region in ("320622", "320624", "320684", "320611", "320671", "320683"):
        a = complete(id_number=make_id(region, date(1988, 6, 15), 122))
        assert validate_applicant(a, TODAY) == [], region


def test_unknown_region_is_a_warning_only() -> None:
    a = complete(id_number=make_id("320699", date(1988, 6, 15), 122))
    problems = validate_applicant(a, TODAY)
    assert [(p.field, p.severity) for p in problems] == [("id_number", Severity.WARNING)]


def test_very_young_applicant_is_a_warning() -> None:
    a = complete(
        id_number=make_id("320612", date(2008, 1, 1), 122),
        birth_ym=None,
        graduation=None,
        credit_work_years=None,
        professional_years=None,
    )
    problems = validate_applicant(a, TODAY)
    assert any(p.field == "id_number" and "13岁" in p.message for p in problems)


def test_points_not_given_means_any_point() -> None:
    assert validate_applicant(complete(registration_point="上海市"), TODAY) == []


@pytest.mark.parametrize(("typed", "listed"), [("海安市", "海安县"), ("海安县", "海安市")])
def test_haian_county_and_city_are_one_point(typed: str, listed: str) -> None:
    a = complete(registration_point=typed)
    assert validate_applicant(a, TODAY, points=[listed]) == []


def test_scores_at_the_bounds_are_fine() -> None:
    a = complete(score_knowledge=0, score_skill=100, score_overall=60)
    assert validate_applicant(a, TODAY) == []


def test_work_years_equal_to_age_minus_14_are_fine() -> None:
    # Born 1988-06-15, 33 on 2021-09-20: 19 years since turning 14.
    a = complete(credit_work_years=19, professional_years=19)
    assert validate_applicant(a, TODAY) == []
    a = complete(credit_work_years=20)
    assert on(validate_applicant(a, TODAY), "credit_work_years")


def test_errors_first_then_form_order() -> None:
    a = complete(
        name="",
        ethnicity=None,
        mobile="123",
        email="x@qq.con",
        education=Education.JUNIOR_HIGH,
        postal_code="210000",
        gender=Gender.MALE,
    )
    problems = validate_applicant(a, TODAY, points=POINTS)
    severities = [p.severity for p in problems]
    assert severities == sorted(severities, key=lambda s: s is Severity.WARNING)
    fields = ApplicantData.field_names()
    errors = [fields.index(p.field) for p in problems if p.is_error]
    warnings = [fields.index(p.field) for p in problems if not p.is_error]
    assert errors == sorted(errors) and warnings == sorted(warnings)
    assert [p.field for p in problems if p.is_error] == ["name", "gender", "education", "mobile"]
    assert [p.field for p in problems if not p.is_error] == ["ethnicity", "postal_code", "email"]


def test_every_problem_field_is_an_applicant_field() -> None:
    a = ApplicantData()  # everything blank
    problems = validate_applicant(a, TODAY, points=POINTS)
    names = set(ApplicantData.field_names())
    assert problems
    assert {p.field for p in problems} <= names
    errors = {p.field for p in problems if p.is_error}
    assert {"name", "id_number", "mobile", "education", "registration_point", "employer"} <= errors


def test_messages_are_chinese() -> None:
    problems = validate_applicant(ApplicantData(), TODAY, points=POINTS)
    for p in problems:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in p.message), p
