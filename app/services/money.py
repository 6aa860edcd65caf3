"""Everyone's money from the payments themselves: the one place that sums payments into
balances, for 统计, 缴费, the call list and `overview` alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.balance import Balance, MoneyIn, MoneyTotals
from app.domain.codes import ApplicantStatus, EnrolmentType
from app.domain.fees import Fees, fee_due
from app.domain.flow import is_approved
from app.domain.remark import transfer_remark
from db.models import Applicant, Payment

__all__ = ["COUNTED", "PENDING", "REJECTED", "ApplicantBrief", "PersonMoney", "balance_for",
           "campaign_money", "money_in", "totals"]

COUNTED, PENDING, REJECTED = "counted", "pending", "rejected"
"""Payment.state: counts; 待核对 (held, with the reason); not this person's money."""


@dataclass(frozen=True)
class ApplicantBrief:
    """An applicant as the payment screens show them."""

    id: int
    serial_no: int
    name: str
    point_name: str
    enrolment_type: EnrolmentType
    type_label: str  # with last year written out: 2020年未通过·补考
    status: ApplicantStatus
    mobile: str
    balance: Balance

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"

    @property
    def transfer_remark(self) -> str:
        """The remark the rule asks of this person; "" when they owe nothing."""
        return transfer_remark(self.name, self.enrolment_type)

    @property
    def text(self) -> str:
        return f"{self.serial_text} {self.name}（{self.point_name}，{self.type_label}）"


@dataclass(frozen=True, slots=True)
class PersonMoney:
    applicant_id: int
    point_id: int | None
    status: ApplicantStatus
    balance: Balance


def balance_for(status: ApplicantStatus, enrolment: EnrolmentType, fees: Fees,
                money: MoneyIn) -> Balance:
    """A person's Balance: their type's fee, owed once approved."""
    return Balance(fee_due(enrolment, fees), is_approved(status), money,
                   refused=status is ApplicantStatus.PROVINCE_REJECTED)


def money_in(s: Session, campaign_id: int, applicant_ids: Sequence[int] | None = None
             ) -> dict[int, MoneyIn]:
    """Each person's payments summed by what they count as, in one query."""
    incoming = Payment.amount_fen > 0
    stmt = (
        select(Payment.applicant_id, Payment.state, incoming,
               func.sum(Payment.amount_fen), func.count())
        .where(Payment.campaign_id == campaign_id, Payment.applicant_id.is_not(None))
        .group_by(Payment.applicant_id, Payment.state, incoming)
    )
    if applicant_ids is not None:
        stmt = stmt.where(Payment.applicant_id.in_(list(applicant_ids)))
    sums: dict[int, list[int]] = {}
    for aid, state, is_in, total, n in s.execute(stmt):
        if aid is None:
            continue
        d = sums.setdefault(int(aid), [0, 0, 0, 0])
        amount = int(total or 0)
        if state == COUNTED:
            d[0 if is_in else 1] += abs(amount)
        elif state == PENDING and is_in:
            d[2] += amount
            d[3] += int(n)
    return {aid: MoneyIn(*d) for aid, d in sums.items()}


def campaign_money(s: Session, campaign_id: int, fees: Fees) -> list[PersonMoney]:
    """Everyone of the campaign with their balance, by 报名序号."""
    money = money_in(s, campaign_id)
    rows = s.execute(
        select(Applicant.id, Applicant.point_id, Applicant.status, Applicant.enrolment_type)
        .where(Applicant.campaign_id == campaign_id).order_by(Applicant.serial_no)
    ).all()
    return [PersonMoney(aid, pid, status,
                        balance_for(status, enrolment, fees, money.get(aid, MoneyIn())))
            for aid, pid, status, enrolment in rows]


def totals(people: Sequence[PersonMoney]) -> MoneyTotals:
    return MoneyTotals.of([p.balance for p in people])
