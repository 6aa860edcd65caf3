"""Eligibility by education and birth date, and what each enrolment type owes."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import Education, EnrolmentType
from app.domain.eligibility import Eligibility, check_eligibility
from app.domain.fees import FeeDue, Fees, fee_due

E = Education


@pytest.mark.parametrize(
    ("education", "birth", "eligible"),
    [
        (E.MASTER_OR_ABOVE, date(1990, 1, 1), True),
        (E.BACHELOR, date(1990, 1, 1), True),
        (E.COLLEGE, date(1990, 1, 1), True),
        (E.COLLEGE, None, True),  # birth date does not matter above 中专
        (E.BACHELOR, date(1955, 1, 1), True),
        (E.SECONDARY_VOCATIONAL, date(1961, 12, 31), True),
        (E.SECONDARY_VOCATIONAL, date(1950, 6, 1), True),
        (E.SECONDARY_VOCATIONAL, date(1962, 1, 1), False),
        (E.SECONDARY_VOCATIONAL, date(1980, 1, 1), False),
        (E.SECONDARY_VOCATIONAL, None, None),
        (E.HIGH_SCHOOL, date(1955, 1, 1), False),
        (E.HIGH_SCHOOL, date(1990, 1, 1), False),
        (E.JUNIOR_HIGH, date(1950, 1, 1), False),
        (E.JUNIOR_HIGH, None, False),
        (None, date(1990, 1, 1), None),
        (None, None, None),
    ],
)
def test_eligibility_table(
    education: Education | None, birth: date | None, eligible: bool | None
) -> None:
    result = check_eligibility(education, birth)
    assert isinstance(result, Eligibility)
    assert result.eligible is eligible
    assert result.reason


def test_unknown_education_reason() -> None:
    assert check_eligibility(None, date(1990, 1, 1)).reason == "未填最高学历，无法判断"


def test_high_school_reason_is_plain() -> None:
    assert check_eligibility(E.HIGH_SCHOOL, date(1990, 1, 1)).reason == (
        "最高学历为高中，不符合报考条件：需大学专科及以上（1962年前出生可为中专）"
    )


def test_secondary_reasons_mention_1962() -> None:
    assert "1962" in check_eligibility(E.SECONDARY_VOCATIONAL, date(1962, 1, 1)).reason
    assert "1962" in check_eligibility(E.SECONDARY_VOCATIONAL, date(1961, 12, 31)).reason


@pytest.mark.parametrize(
    ("enrolment", "training", "exam"),
    [
        (EnrolmentType.NEW, 2800, 330),
        (EnrolmentType.RESIT, 0, 330),  # 上年未通过·补考: the exam fee, lessons free
        (EnrolmentType.RETAKE_AUDIT, 0, 0),  # 上年未通过·只听课: nothing
    ],
)
def test_fee_table_2021(enrolment: EnrolmentType, training: int, exam: int) -> None:
    due = fee_due(enrolment, Fees())
    assert due == FeeDue(training, exam)
    assert due.total == training + exam


def test_only_attending_owes_nothing_whatever_the_old_flag_said() -> None:
    """Old behaviour: 2020未通过·听课 owed 330 unless "参加考试" was unticked. The notice:
    who sits the exam again is a 补考人 (its own type); who only attends pays nothing."""
    assert fee_due(EnrolmentType.RETAKE_AUDIT, Fees()).total == 0
    assert EnrolmentType.RESIT.sits_exam and not EnrolmentType.RETAKE_AUDIT.sits_exam


def test_defaults_are_the_notice() -> None:
    assert Fees() == Fees(training=2800, exam=330)
    assert fee_due(EnrolmentType.NEW, Fees()).total == 3130


def test_other_campaign_fees() -> None:
    fees = Fees(training=3000, exam=350)
    assert fee_due(EnrolmentType.NEW, fees) == FeeDue(3000, 350)
    assert fee_due(EnrolmentType.RETAKE_AUDIT, fees) == FeeDue(0, 0)
    assert fee_due(EnrolmentType.RESIT, fees).total == 350


def test_negative_fees_are_refused() -> None:
    with pytest.raises(ValueError):
        Fees(training=-1)
    with pytest.raises(ValueError):
        Fees(exam=-330)
