"""What one person owes and has paid, from their payments alone (one source of truth for
统计, 缴费, the call script and the overview).

Only approved people owe (报名信息审核通过后…转账, notice §八.2). Money typed in or read
from a statement that does not follow the remark rule is held as 待核对 and counts only
after a person accepts it; refunds are negative payments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.fees import FeeDue
from app.domain.money import yuan_text


class PaymentState(StrEnum):
    NOTHING_DUE = "nothing_due"  # owes nothing at all (只听课), nothing paid
    NOT_YET_DUE = "not_yet_due"  # not (yet) approved, nothing paid
    PAID_AHEAD = "paid_ahead"  # not yet approved, money already in
    UNPAID = "unpaid"
    PARTIAL = "partial"  # 少缴
    PAID = "paid"
    OVERPAID = "overpaid"  # 多缴: the excess is to be refunded

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    PaymentState.NOTHING_DUE: "无需缴费",
    PaymentState.NOT_YET_DUE: "暂不缴费",
    PaymentState.PAID_AHEAD: "审核前已缴",
    PaymentState.UNPAID: "未缴费",
    PaymentState.PARTIAL: "少缴",
    PaymentState.PAID: "已缴清",
    PaymentState.OVERPAID: "多缴应退",
}


@dataclass(frozen=True, slots=True)
class MoneyIn:
    """The sums of one person's payments, by what they count as."""

    paid_fen: int = 0  # counted money in
    refunded_fen: int = 0  # counted money paid back (a positive number)
    pending_fen: int = 0  # 待核对: not counted until a person accepts it
    pending_count: int = 0


@dataclass(frozen=True, slots=True)
class Balance:
    """One person's account. `fee` is what their type calls for; they owe it only when
    `approved`. `refused` (the province said no) makes any money in a refund."""

    fee: FeeDue
    approved: bool
    money: MoneyIn = field(default_factory=MoneyIn)
    refused: bool = False

    @property
    def due(self) -> FeeDue:
        """What is owed now: the fee once approved, nothing before."""
        return self.fee if self.approved else FeeDue(0, 0)

    @property
    def due_fen(self) -> int:
        return self.due.total * 100

    @property
    def fee_fen(self) -> int:
        return self.fee.total * 100

    @property
    def paid_fen(self) -> int:
        """Money in that counts, less refunds."""
        return self.money.paid_fen - self.money.refunded_fen

    @property
    def refunded_fen(self) -> int:
        return self.money.refunded_fen

    @property
    def pending_fen(self) -> int:
        return self.money.pending_fen

    @property
    def outstanding_fen(self) -> int:
        """Still to pay (少缴/未缴): 0 for whoever does not owe yet."""
        return max(0, self.due_fen - self.paid_fen)

    @property
    def ahead_fen(self) -> int:
        """Paid before approval, by someone who may still be approved."""
        if self.approved or self.refused or self.fee_fen == 0:
            return 0
        return max(0, self.paid_fen)

    @property
    def excess_fen(self) -> int:
        """Paid beyond what is owed, to refund (多缴)."""
        if self.ahead_fen:
            return max(0, self.paid_fen - self.fee_fen)
        return max(0, self.paid_fen - self.due_fen)

    @property
    def owing(self) -> bool:
        return self.outstanding_fen > 0

    @property
    def settled(self) -> bool:
        """Nothing more to pay now."""
        return self.outstanding_fen == 0

    @property
    def paid_up(self) -> bool:
        """Owes something and has paid it all."""
        return self.due_fen > 0 and self.paid_fen >= self.due_fen

    @property
    def state(self) -> PaymentState:
        if self.excess_fen:
            return PaymentState.OVERPAID
        if self.ahead_fen:
            return PaymentState.PAID_AHEAD
        if self.due_fen == 0:
            return PaymentState.NOTHING_DUE if self.fee_fen == 0 or self.refused \
                else PaymentState.NOT_YET_DUE
        if self.paid_fen <= 0:
            return PaymentState.UNPAID
        if self.paid_fen < self.due_fen:
            return PaymentState.PARTIAL
        return PaymentState.PAID

    @property
    def text(self) -> str:
        """"已缴清 3130 元", "少缴：已缴 2800 元，应缴 3130 元，还差 330 元", …; with 待核对
        and refunds when there are any."""
        state = self.state
        due, paid = yuan_text(self.due_fen), yuan_text(self.paid_fen)
        if state is PaymentState.NOTHING_DUE:
            head = "无需缴费（应缴 0 元）" if not self.refused else "未通过审核，无需缴费"
        elif state is PaymentState.NOT_YET_DUE:
            head = f"暂不缴费：审核通过后应缴 {yuan_text(self.fee_fen)} 元"
        elif state is PaymentState.PAID_AHEAD:
            head = (f"审核前已缴 {paid} 元（审核通过后应缴 {yuan_text(self.fee_fen)} 元，"
                    "暂不计入应缴）")
        elif state is PaymentState.UNPAID:
            head = f"未缴费：应缴 {due} 元"
        elif state is PaymentState.PARTIAL:
            head = (f"少缴：已缴 {paid} 元，应缴 {due} 元，"
                    f"还差 {yuan_text(self.outstanding_fen)} 元")
        elif state is PaymentState.PAID:
            head = f"已缴清 {paid} 元"
        else:
            head = (f"多缴：已缴 {paid} 元，应缴 {due} 元，"
                    f"应退 {yuan_text(self.excess_fen)} 元")
        extra = []
        if self.refunded_fen:
            extra.append(f"已退款 {yuan_text(self.refunded_fen)} 元")
        if self.money.pending_count:
            extra.append(f"另有 {self.money.pending_count} 笔共 {yuan_text(self.pending_fen)} 元"
                         "待核对（未计入）")
        return head + ("；" + "；".join(extra) if extra else "")


@dataclass(frozen=True, slots=True)
class MoneyTotals:
    """The class's money, summed from everyone's Balance: what 统计, 缴费 and `overview`
    print, so they cannot disagree."""

    people: int = 0  # everyone counted
    owing_people: int = 0  # approved and owing a fee (应缴人数)
    paid_up: int = 0  # of them, paid in full (已缴清, 多缴 included)
    partial: int = 0  # 少缴
    unpaid: int = 0  # 未缴
    due_fen: int = 0  # 应收
    paid_fen: int = 0  # 实收: counted money in less refunds, everyone
    outstanding_fen: int = 0  # 未收
    excess_people: int = 0  # 多缴应退
    excess_fen: int = 0
    ahead_people: int = 0  # paid before approval
    ahead_fen: int = 0
    pending_count: int = 0  # 待核对 payments
    pending_fen: int = 0
    refunded_fen: int = 0

    @classmethod
    def of(cls, balances: list[Balance]) -> MoneyTotals:
        owing = [b for b in balances if b.due_fen > 0]
        return cls(
            people=len(balances),
            owing_people=len(owing),
            paid_up=sum(1 for b in owing if b.paid_fen >= b.due_fen),
            partial=sum(1 for b in owing if 0 < b.paid_fen < b.due_fen),
            unpaid=sum(1 for b in owing if b.paid_fen <= 0),
            due_fen=sum(b.due_fen for b in balances),
            paid_fen=sum(b.paid_fen for b in balances),
            outstanding_fen=sum(b.outstanding_fen for b in balances),
            excess_people=sum(1 for b in balances if b.excess_fen),
            excess_fen=sum(b.excess_fen for b in balances),
            ahead_people=sum(1 for b in balances if b.ahead_fen),
            ahead_fen=sum(b.ahead_fen for b in balances),
            pending_count=sum(b.money.pending_count for b in balances),
            pending_fen=sum(b.pending_fen for b in balances),
            refunded_fen=sum(b.refunded_fen for b in balances),
        )

    @property
    def not_settled(self) -> int:
        """未缴清: approved people who still owe something."""
        return self.partial + self.unpaid

    @property
    def text(self) -> str:
        """One line, the same on every screen: "应缴 120 人：已缴清 84，少缴 2，未缴 34；
        应收 … 元，实收 … 元，未收 … 元；多缴应退 …；审核前已缴 …；待核对 …"."""
        parts = [
            f"应缴 {self.owing_people} 人：已缴清 {self.paid_up}，少缴 {self.partial}，"
            f"未缴 {self.unpaid}",
            f"应收 {yuan_text(self.due_fen)} 元，实收 {yuan_text(self.paid_fen)} 元，"
            f"未收 {yuan_text(self.outstanding_fen)} 元",
        ]
        if self.excess_people:
            parts.append(f"多缴应退 {self.excess_people} 人 {yuan_text(self.excess_fen)} 元")
        if self.ahead_people:
            parts.append(f"审核前已缴 {self.ahead_people} 人 {yuan_text(self.ahead_fen)} 元")
        if self.refunded_fen:
            parts.append(f"已退款 {yuan_text(self.refunded_fen)} 元")
        if self.pending_count:
            parts.append(f"待核对 {self.pending_count} 笔 {yuan_text(self.pending_fen)} 元"
                         "（未计入）")
        return "；".join(parts)
