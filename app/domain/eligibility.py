"""Who may sit the 助理信用管理师 exam, as the notice applies the national conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.codes import Education

SECONDARY_CUTOFF = date(1962, 1, 1)
"""中专 counts only for people born before this day (notice §八.3(1): 1962年前出生)."""

RULE = "需大学专科及以上（1962年前出生可为中专）"


@dataclass(frozen=True, slots=True)
class Eligibility:
    """`eligible` is None when the record does not say enough to decide."""

    eligible: bool | None
    reason: str


def check_eligibility(education: Education | None, birth_date: date | None) -> Eligibility:
    if education is None:
        return Eligibility(None, "未填最高学历，无法判断")
    label = education.label
    if education in (Education.MASTER_OR_ABOVE, Education.BACHELOR, Education.COLLEGE):
        return Eligibility(True, f"最高学历为{label}，符合报考条件")
    if education is Education.SECONDARY_VOCATIONAL:
        if birth_date is None:
            return Eligibility(None, f"最高学历为中专，未知出生日期，无法判断：{RULE}")
        if birth_date < SECONDARY_CUTOFF:
            return Eligibility(True, "最高学历为中专，1962年前出生，符合报考条件")
        return Eligibility(False, f"最高学历为中专，1962年及以后出生，不符合报考条件：{RULE}")
    return Eligibility(False, f"最高学历为{label}，不符合报考条件：{RULE}")
