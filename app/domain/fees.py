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


def fee_due(enrolment: EnrolmentType, fees: Fees) -> FeeDue:
    """新学员 pay training and exam; 上年未通过·补考 the exam only (the lessons are free);
    上年未通过·只听课 nothing (notice §五)."""
    if enrolment is EnrolmentType.NEW:
        return FeeDue(fees.training, fees.exam)
    if enrolment is EnrolmentType.RESIT:
        return FeeDue(0, fees.exam)
    return FeeDue(0, 0)
