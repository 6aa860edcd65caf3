"""On-site confirmation materials, per person, for every combination of conditions."""

from __future__ import annotations

import dataclasses
from datetime import date
from itertools import product

import pytest
from stdnum.cn import ric

from app.domain.applicant import ApplicantData
from app.domain.checklist import (
    ChecklistItem,
    is_party_or_military_school,
    materials_checklist,
)
from app.domain.codes import Education, RegistrationType
from app.domain.yearmonth import YearMonth

KEYS = ["education", "id_copy", "photos", "qualification", "other_proof", "forms", "employer_proof"]


def make_id(region: str, birth: date, seq: int = 321) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def applicant(**changes: object) -> ApplicantData:
    base = ApplicantData(
        name="张三",
        id_number=make_id("320602", date(1985, 3, 14)),
        education=Education.BACHELOR,
        school="南通大学",
        graduation=YearMonth(2007, 7),
        registration_type=RegistrationType.EMPLOYER,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def by_key(items: list[ChecklistItem]) -> dict[str, ChecklistItem]:
    return {item.key: item for item in items}


def test_seven_items_in_notice_order() -> None:
    items = materials_checklist(applicant())
    assert [i.key for i in items] == KEYS
    assert all(i.title and i.detail and i.reason for i in items)


@pytest.mark.parametrize(
    ("graduation", "party", "school", "title", "reason_fragment"),
    [
        (YearMonth(2000, 12), False, "南通大学", "学历证书原件及复印件", "2000年"),
        (YearMonth(1985, 7), False, "南通师范专科学校", "学历证书原件及复印件", "1985年"),
        (YearMonth(2001, 1), False, "南通大学", "学信网学历证明材料", "2001年"),
        (YearMonth(2001, 7), False, "南通大学", "学信网学历证明材料", "2001年"),
        (YearMonth(2015, 6), False, "南通大学", "学信网学历证明材料", "2015年"),
        (YearMonth(2015, 6), True, "", "学历证书原件及复印件", "党校"),
        (YearMonth(2015, 6), False, "中共南通市委党校", "学历证书原件及复印件", "党校"),
        (YearMonth(2010, 6), False, "中共江苏省委党校", "学历证书原件及复印件", "党校"),
        (YearMonth(2012, 7), False, "解放军理工大学", "学历证书原件及复印件", "军校"),
        (YearMonth(2012, 7), False, "海军工程大学", "学历证书原件及复印件", "军校"),
        (YearMonth(2012, 7), False, "第二军医大学", "学历证书原件及复印件", "军校"),
        (YearMonth(2012, 7), False, "国防科技大学", "学历证书原件及复印件", "军校"),
        (YearMonth(2012, 7), False, "南京陆军指挥学院", "学历证书原件及复印件", "军校"),
        (YearMonth(2012, 7), False, "空军勤务学院", "学历证书原件及复印件", "军校"),
        (YearMonth(2012, 7), False, "武警警官学院", "学历证书原件及复印件", "军校"),
        (YearMonth(1998, 7), True, "南通大学", "学历证书原件及复印件", "党校"),
    ],
)
def test_education_proof(
    graduation: YearMonth, party: bool, school: str, title: str, reason_fragment: str
) -> None:
    item = materials_checklist(
        applicant(graduation=graduation, party_or_military_school=party, school=school)
    )[0]
    assert item.key == "education"
    assert item.required
    assert item.title == title
    assert reason_fragment in item.reason


def test_education_unknown_graduation_names_both_and_asks_to_confirm() -> None:
    item = materials_checklist(applicant(graduation=None))[0]
    assert item.required
    assert item.reason == "未填毕业时间，请当面确认"
    assert "学历证书原件及复印件" in item.detail and "学信网" in item.detail
    assert "2001" in item.detail


def test_unknown_graduation_but_party_school_needs_no_confirmation() -> None:
    item = materials_checklist(applicant(graduation=None, school="中共南通市委党校"))[0]
    assert item.title == "学历证书原件及复印件"


@pytest.mark.parametrize(
    ("birth", "education", "secondary_title"),
    [
        (date(1960, 5, 5), Education.SECONDARY_VOCATIONAL, True),
        (date(1961, 12, 31), Education.SECONDARY_VOCATIONAL, True),
        (date(1962, 1, 1), Education.SECONDARY_VOCATIONAL, False),
        (date(1960, 5, 5), Education.COLLEGE, False),
    ],
)
def test_secondary_before_1962_title(
    birth: date, education: Education, secondary_title: bool
) -> None:
    a = applicant(
        id_number=make_id("320684", birth), education=education, graduation=YearMonth(1980, 7)
    )
    item = materials_checklist(a)[0]
    assert ("中专学历证明" in item.title) is secondary_title
    assert item.title.endswith("学历证书原件及复印件")


def test_secondary_birth_from_birth_ym_when_id_missing() -> None:
    a = applicant(
        id_number="",
        birth_ym=YearMonth(1958, 4),
        education=Education.SECONDARY_VOCATIONAL,
        graduation=YearMonth(1977, 7),
    )
    assert "中专学历证明" in materials_checklist(a)[0].title


def test_photos_rule() -> None:
    item = by_key(materials_checklist(applicant()))["photos"]
    assert item.required
    for fragment in ("2寸", "4张", "JPEG", ".jpg", "100×100", "20KB"):
        assert fragment in item.detail


def test_id_copy_and_forms_always_required() -> None:
    for reg in RegistrationType:
        items = by_key(materials_checklist(applicant(registration_type=reg)))
        assert items["id_copy"].required and "正反面" in items["id_copy"].detail
        assert items["forms"].required
        assert "附件2" in items["forms"].detail and "附件4" in items["forms"].detail


@pytest.mark.parametrize(
    ("level", "issuer", "required"),
    [
        ("", "", False),
        ("助理信用管理师", "", True),
        ("", "江苏省人社厅", True),
        ("会计从业资格", "南通市财政局", True),
        ("  ", " ", False),
    ],
)
def test_qualification(level: str, issuer: str, required: bool) -> None:
    item = by_key(materials_checklist(applicant(prior_cert_level=level, cert_issuer=issuer)))[
        "qualification"
    ]
    assert item.required is required
    if required:
        assert "原件及复印件" in item.title
        assert (level.strip() or issuer.strip()) in item.detail
    else:
        assert item.reason == "未填原证书等级，无需提供"


@pytest.mark.parametrize(("other", "required"), [("", False), ("职称证书（中级经济师）", True)])
def test_other_proof(other: str, required: bool) -> None:
    item = by_key(materials_checklist(applicant(other_materials=other)))["other_proof"]
    assert item.required is required
    assert "原件" in item.title
    if required:
        assert other in item.detail


@pytest.mark.parametrize(
    ("reg", "required", "reason"),
    [
        (RegistrationType.EMPLOYER, True, "单位报名须提供"),
        (RegistrationType.INDIVIDUAL, False, "个人报名无需提供"),
    ],
)
def test_employer_proof(reg: RegistrationType, required: bool, reason: str) -> None:
    item = by_key(materials_checklist(applicant(registration_type=reg)))["employer_proof"]
    assert item.required is required
    assert item.reason == reason


@pytest.mark.parametrize(
    ("graduation", "party", "cert", "other", "reg"),
    list(
        product(
            [None, YearMonth(1999, 7), YearMonth(2010, 7)],
            [False, True],
            ["", "助理信用管理师"],
            ["", "职称证书"],
            list(RegistrationType),
        )
    ),
)
def test_every_combination(
    graduation: YearMonth | None, party: bool, cert: str, other: str, reg: RegistrationType
) -> None:
    items = by_key(
        materials_checklist(
            applicant(
                graduation=graduation,
                party_or_military_school=party,
                prior_cert_level=cert,
                other_materials=other,
                registration_type=reg,
            )
        )
    )
    assert list(items) == KEYS
    required = {k for k, v in items.items() if v.required}
    expected = {"education", "id_copy", "photos", "forms"}
    if cert:
        expected.add("qualification")
    if other:
        expected.add("other_proof")
    if reg is RegistrationType.EMPLOYER:
        expected.add("employer_proof")
    assert required == expected
    edu = items["education"]
    if party or (graduation is not None and graduation.year < 2001):
        assert edu.title == "学历证书原件及复印件"
    elif graduation is None:
        assert edu.reason == "未填毕业时间，请当面确认"
    else:
        assert edu.title == "学信网学历证明材料"


@pytest.mark.parametrize(
    ("school", "expected"),
    [
        ("中共南通市委党校", True),
        ("南通大学", False),
        ("南通市行政学院", False),
        ("中国人民解放军国防大学", True),
        ("上海交通大学", False),
        ("", False),
    ],
)
def test_is_party_or_military_school(school: str, expected: bool) -> None:
    assert is_party_or_military_school(school) is expected
