"""Real-shaped test people: valid check digits, real Nantong region codes."""

from __future__ import annotations

from datetime import date

from app.domain.applicant import ApplicantData
from app.domain.codes import (
    Education,
    EmployerNature,
    Ethnicity,
    IdentityCategory,
    MajorRelation,
    PoliticalStatus,
    RegistrationType,
)
from app.domain.creditcode import credit_check_char
from app.domain.idcard import check_digit
from app.domain.yearmonth import YearMonth


def id_number(region: str = "320602", birth: date = date(1990, 3, 7), seq: int = 12,
              male: bool = True) -> str:
    """A valid 18-digit ID: the 17th digit odd for men, even for women."""
    gender_digit = (seq % 5) * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{seq % 100:02d}{gender_digit}"
    return body + check_digit(body)


def credit_code(body17: str = "91320602MA1M9K2N4") -> str:
    return body17 + credit_check_char(body17)


def applicant(name: str = "张三", **overrides: object) -> ApplicantData:
    """A complete, valid 单位报名 applicant from 崇川区, like a filled paper form."""
    base = ApplicantData(
        registration_point="崇川区",
        registration_type=RegistrationType.EMPLOYER,
        name=name,
        ethnicity=Ethnicity.HAN,
        id_number=id_number(),
        political_status=PoliticalStatus.CPC_MEMBER,
        identity_category=IdentityCategory.CADRE,
        school="南通大学",
        credit_work_years=5,
        education=Education.BACHELOR,
        graduation=YearMonth(2012, 7),
        major_relation=MajorRelation.SIMILAR,
        major_name="金融学",
        employer="南通市崇川区发展和改革委员会",
        employer_nature=EmployerNature.GOVERNMENT,
        employer_credit_code=credit_code("11320613MB1A2B3C4"),
        address="江苏省南通市崇川区崇川路58号",
        postal_code="226001",
        phone="0513-85215704",
        mobile="13912345678",
        email="zhangsan@163.com",
        professional_years=8,
    )
    for k, v in overrides.items():
        setattr(base, k, v)
    return base
