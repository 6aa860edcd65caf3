"""What each applicant owes, in integer yuan (notice §五)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.codes import EnrolmentType


@dataclass(frozen=True, slots=True)
class Fees:
    """The campaign's fee table; the defaults are the 2021 Nantong class's."""

    training: int = 2800  # 培训费, textbook included
    exam: int = 330  # 省职业技能鉴定考试费

    def __post_init__(self) -> None:
        if self.training < 0 or self.exam < 0:
            raise ValueError("fees cannot be negative")


@dataclass(frozen=True, slots=True)
class FeeDue:
    training: int
    exam: int

    @property
    def total(self) -> int:
        return self.training + self.exam


def fee_due(enrolment: EnrolmentType, fees: Fees, sits_exam: bool = True) -> FeeDue:
    """新学员 pay both; 2020 未通过 attend free and pay the exam if they sit it; 补考 the exam.

    `sits_exam` only matters for those who attend again: a new trainee's fee includes
    the exam, and a 补考 person comes for nothing but the exam.
    """
    if enrolment is EnrolmentType.NEW:
        return FeeDue(fees.training, fees.exam)
    if enrolment is EnrolmentType.RETAKE_AUDIT:
        return FeeDue(0, fees.exam if sits_exam else 0)
    return FeeDue(0, fees.exam)
