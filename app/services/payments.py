"""Payments (缴费): amounts due, money recorded by hand, and bank statements matched to
applicants by the transfer-remark rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.balance import Balance, MoneyIn, MoneyTotals
from app.domain.fees import FeeDue
from app.domain.flow import OUTCOMES
from app.domain.money import payment_problem, to_fen, yuan_text
from app.domain.remark import remark_mismatch
from app.services.desk import DeskService
from app.services.errors import InputError, NotFoundError
from app.services.money import COUNTED, PENDING, REJECTED, ApplicantBrief, balance_for, money_in
from app.services.records import utcnow
from app.services.statement import (
    StatementLine,
    StatementPreview,
    read_statement,
)
from app.services.statement_match import (
    MatchCategory,
    MatchLine,
    MatchResult,
    Selection,
    match_lines,
)
from db.models import Applicant, Payment, RegistrationPoint

__all__ = [
    "ApplicantBrief",
    "ApplyReport",
    "HeldPayment",
    "MatchCategory",
    "MatchLine",
    "MatchResult",
    "PaymentEntry",
    "PaymentResult",
    "PaymentService",
    "Selection",
    "StatementLine",
    "StatementPreview",
]

METHODS = ("转账", "现金", "刷卡", "微信", "支付宝", "其他")
"""Ways of paying the desk offers; any short text is accepted. The notice has fees
transferred to the province's account: anything but 转账 is held as 待核对."""

TRANSFER = "转账"
REFUND = "退款"
NO_REMARK_WORDS = frozenset({"无", "没有", "无备注", "空", "-", "—"})
"""What a clerk types when the bank shows no remark."""


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    applicant_id: int
    name: str
    amount_fen: int
    balance: Balance  # after this payment
    held: bool  # recorded as 待核对: not counted until someone accepts it
    hold_reason: str
    warnings: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class ApplyReport:
    applied: tuple[PaymentResult, ...]
    skipped: tuple[tuple[StatementLine, str], ...]  # (line, why)

    @property
    def message(self) -> str:
        already = sum(1 for _, why in self.skipped if why.startswith("已导入过"))
        held = sum(1 for r in self.applied if r.held)
        text = f"已记入 {len(self.applied) - held} 笔"
        if held:
            text += f"；{held} 笔待核对（未计入）"
        if already:
            text += f"；已导入过 {already} 笔（未重复记入）"
        others = len(self.skipped) - already
        if others:
            text += f"；另有 {others} 笔未记入"
        return text + "。"


@dataclass(frozen=True)
class PaymentEntry:
    id: int
    amount_fen: int  # negative for a refund
    paid_on: date
    remark: str
    payer: str
    method: str
    from_statement: bool
    recorded_by: str
    recorded_at: datetime  # naive UTC
    state: str = COUNTED  # counted / pending (待核对) / rejected
    hold_reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_note: str = ""

    @property
    def amount_text(self) -> str:
        return yuan_text(self.amount_fen)

    @property
    def counted(self) -> bool:
        return self.state == COUNTED

    @property
    def is_refund(self) -> bool:
        return self.amount_fen < 0

    @property
    def state_text(self) -> str:
        """"计入", "待核对：…", "已确认计入（张晓桐：…）", "不计入（…）", "退款"."""
        if self.state == PENDING:
            return f"待核对：{self.hold_reason}"
        if self.state == REJECTED:
            return f"不计入（{self.decided_by}：{self.decision_note}）"
        if self.is_refund:
            return "退款"
        if self.decided_by:
            return f"已确认计入（{self.decided_by}：{self.decision_note}）"
        return "计入"


@dataclass(frozen=True)
class HeldPayment:
    """A 待核对 payment with its person, for the list that accepts or rejects them."""

    entry: PaymentEntry
    applicant: ApplicantBrief


def _entry(p: Payment) -> PaymentEntry:
    return PaymentEntry(p.id, p.amount_fen, p.paid_on, p.remark, p.payer, p.method,
                        p.source_ref is not None, p.recorded_by, p.recorded_at, p.state,
                        p.hold_reason, p.decided_by, p.decided_at, p.decision_note)


@dataclass(frozen=True)
class _Person:
    brief: ApplicantBrief


def _hold_reasons(row: Applicant, remark: str, method: str) -> list[str]:
    """Why money for `row` is not counted without a person's word: the remark rule
    (the same for a payment typed in and a statement line), a way of paying the notice
    does not have, or a person the office or the province turned down."""
    reasons = []
    if method != TRANSFER:
        reasons.append(f"不是银行转账（{method}）：通知规定费用转账至省联合征信公司账户")
    else:
        why = remark_mismatch(remark, row.name, row.enrolment_type)
        if why:
            reasons.append(why)
    if row.status in OUTCOMES:
        reasons.append(f"{row.name}现为「{row.status.label}」：须重新审核通过后才缴费")
    return reasons


def _clean_remark(remark: str) -> str:
    text = (remark or "").strip()
    return "" if text in NO_REMARK_WORDS else text


class PaymentService(DeskService):
    """Money in (and back out), as one operator: by hand, or from a bank statement."""

    # ------------------------------------------------------------------ reads
    def amount_due(self, applicant_id: int) -> FeeDue:
        """What the person's type calls for (owed once approved)."""
        with self.db.read() as s:
            return self._fee(self._row(s, applicant_id))

    def balance(self, applicant_id: int) -> Balance:
        with self.db.read() as s:
            return self._balance(s, self._row(s, applicant_id))

    def payments(self, applicant_id: int) -> list[PaymentEntry]:
        """Every payment of the person, 待核对, rejected ones and refunds included."""
        with self.db.read() as s:
            self._row(s, applicant_id)
            return [_entry(p) for p in s.scalars(
                select(Payment).where(Payment.applicant_id == applicant_id)
                .order_by(Payment.id))]

    def held(self) -> list[HeldPayment]:
        """The campaign's 待核对 payments, oldest first."""
        with self.db.read() as s:
            briefs = {p.brief.id: p.brief for p in self._people(s)}
            rows = s.scalars(select(Payment).where(
                Payment.campaign_id == self.campaign_id, Payment.state == PENDING,
                Payment.applicant_id.is_not(None)).order_by(Payment.id)).all()
            return [HeldPayment(_entry(p), briefs[p.applicant_id]) for p in rows
                    if p.applicant_id in briefs]

    def totals(self) -> MoneyTotals:
        """The class's money (the same figures as 统计 and `overview`)."""
        return MoneyTotals.of([b.balance for b in self.briefs()])

    # ------------------------------------------------------------------ by hand
    def record_payment(
        self,
        applicant_id: int,
        amount_yuan: Decimal | int | str,
        paid_on: date,
        remark: str = "",
        method: str = TRANSFER,
        payer: str = "",
        note: str = "",
    ) -> PaymentResult:
        """Record money received, with the remark as the bank shows it (typed by the
        clerk, never filled in for them; "无" when the bank shows none).

        A remark that does not name this person as the rule says, a way of paying other
        than 转账, or a returned / turned-down person: the payment is recorded as 待核对
        with the reason and counts only after someone accepts it (`accept_payment`).
        Warnings (a date in the future, the same payment twice, more than owed) do not
        hold anything."""
        try:
            fen = to_fen(amount_yuan)
        except ValueError as e:
            raise InputError(f"{e}。请填写收到的金额，如 3130。") from None
        problem = payment_problem(fen)
        if problem is not None:
            raise InputError(f"{problem}：请填写收到的金额，如 3130。")
        method = (method or "").strip() or TRANSFER
        if len(method) > 20:
            raise InputError("缴费方式太长：请写 转账、现金 等。")
        if method == REFUND:
            raise InputError("退款请用「登记退款」，写明原因。")
        if method == TRANSFER and not (remark or "").strip():
            raise InputError("请照银行流水（或转账回单）上显示的样子填写转账备注；"
                             "流水上没有备注时填「无」。")
        remark = _clean_remark(remark)
        with self.db.write() as s:
            row = self._row(s, applicant_id, lock=True)
            warnings = []
            if paid_on > self.today():
                warnings.append(f"缴费日期 {paid_on} 晚于今天，请核对。")
            twin = s.scalar(select(Payment.id).where(
                Payment.applicant_id == applicant_id, Payment.amount_fen == fen,
                Payment.paid_on == paid_on, Payment.state != REJECTED).limit(1))
            if twin is not None:
                warnings.append("该学员同一天已有一笔相同金额的缴费记录，请核对是否重复登记。")
            return self._insert(s, row, fen, paid_on, remark, payer, method, None,
                                note, warnings, "payment", _hold_reasons(row, remark, method))

    def _insert(self, s: Session, row: Applicant, fen: int, paid_on: date, remark: str,
                payer: str, method: str, source_ref: str | None, note: str,
                warnings: list[str], action: str, hold: Sequence[str] = ()
                ) -> PaymentResult:
        now = utcnow()
        reason = "；".join(hold)
        payment = Payment(campaign_id=self.campaign_id, applicant_id=row.id, amount_fen=fen,
                          paid_on=paid_on, remark=remark.strip()[:200],
                          payer=payer.strip()[:100], method=method, source_ref=source_ref,
                          recorded_by=self.operator, recorded_at=now,
                          state=PENDING if hold else COUNTED, hold_reason=reason[:300],
                          decided_by="", decided_at=None, decision_note="")
        s.add(payment)
        s.flush()
        changes: dict[str, list[Any]] = {
            "金额": [None, f"{yuan_text(fen)} 元"], "缴费日期": [None, paid_on.isoformat()],
            "方式": [None, method],
        }
        if remark.strip():
            changes["转账备注"] = [None, remark.strip()]
        if payer.strip():
            changes["付款人"] = [None, payer.strip()]
        if hold:
            changes["缴费状态"] = [None, f"待核对：{reason}"]
        self._history(s, row.id, "payment", action, changes, note.strip(), at=now)
        balance = self._balance(s, row)
        if not hold and balance.excess_fen and fen > 0:
            warnings.append(f"已缴 {yuan_text(balance.paid_fen)} 元，超过应缴 "
                            f"{yuan_text(balance.due_fen or balance.fee_fen)} 元："
                            f"多缴 {yuan_text(balance.excess_fen)} 元，请核对是否重复，应退款。")
        s.flush()
        if fen < 0:
            message = f"{row.name}：退款 {yuan_text(-fen)} 元，{balance.text}。"
        elif hold:
            message = (f"{row.name}：{yuan_text(fen)} 元已登记为「待核对」，暂不计入缴费"
                       f"（{reason}）。核实后在待核对名单中确认计入，并写明理由。")
        else:
            message = f"{row.name}：记入 {yuan_text(fen)} 元，{balance.text}。"
        return PaymentResult(payment.id, row.id, row.name, fen, balance, bool(hold), reason,
                             tuple(warnings), message)

    # ------------------------------------------------------------------ 待核对 and refunds
    def _held_row(self, s: Session, payment_id: int) -> tuple[Payment, Applicant]:
        pay = s.scalars(select(Payment).where(Payment.id == payment_id)
                        .with_for_update()).one_or_none()
        if pay is None or pay.campaign_id != self.campaign_id or pay.applicant_id is None:
            raise NotFoundError("找不到这笔缴费记录，可能已被处理。请刷新。")
        row = self._row(s, pay.applicant_id, lock=True)
        if pay.state != PENDING:
            done = "已确认计入" if pay.state == COUNTED else "已确定不计入"
            raise InputError(f"这笔缴费{done}（{pay.decided_by}），无需再处理。")
        return pay, row

    def _decide(self, payment_id: int, reason: str, state: str) -> PaymentResult:
        reason = (reason or "").strip()
        if not reason:
            raise InputError("请写明理由（如：已电话核实，是本人的姐姐代为转账）。")
        with self.db.write() as s:
            pay, row = self._held_row(s, payment_id)
            now = utcnow()
            pay.state, pay.decided_by, pay.decided_at = state, self.operator, now
            pay.decision_note = reason[:300]
            word = "计入" if state == COUNTED else "不计入"
            self._history(s, row.id, "payment", "accept" if state == COUNTED else "reject",
                          {"缴费状态": ["待核对", word],
                           "金额": [None, f"{yuan_text(pay.amount_fen)} 元"],
                           "待核对原因": [None, pay.hold_reason]}, reason, at=now)
            s.flush()
            balance = self._balance(s, row)
            return PaymentResult(pay.id, row.id, row.name, pay.amount_fen, balance, False,
                                 pay.hold_reason, (),
                                 f"{row.name}：{yuan_text(pay.amount_fen)} 元已{word}，"
                                 f"{balance.text}。")

    def accept_payment(self, payment_id: int, reason: str) -> PaymentResult:
        """A 待核对 payment counts from now on: who accepted it, when and why are kept."""
        return self._decide(payment_id, reason, COUNTED)

    def reject_payment(self, payment_id: int, reason: str) -> PaymentResult:
        """A 待核对 payment is not this person's (kept, never counted)."""
        return self._decide(payment_id, reason, REJECTED)

    def record_refund(self, applicant_id: int, amount_yuan: Decimal | int | str,
                      paid_on: date, reason: str) -> PaymentResult:
        """Money paid back to the person (多缴, or turned down): a counted negative
        payment with the reason; never more than they have paid in."""
        try:
            fen = to_fen(amount_yuan)
        except ValueError as e:
            raise InputError(f"{e}。请填写退款金额，如 330。") from None
        problem = payment_problem(fen)
        if problem is not None:
            raise InputError(f"退款{problem}。")
        if not (reason or "").strip():
            raise InputError("请写明退款原因（如：多缴 330 元，已原路退回）。")
        with self.db.write() as s:
            row = self._row(s, applicant_id, lock=True)
            paid = self._balance(s, row).paid_fen
            if fen > paid:
                raise InputError(f"{row.name}已缴（计入的）只有 {yuan_text(paid)} 元，"
                                 f"不能退 {yuan_text(fen)} 元：请核对金额。")
            return self._insert(s, row, -fen, paid_on, "", "", REFUND, None, reason, [],
                                "refund")

    # ------------------------------------------------------------------ statements
    def read_statement(self, path: str | Path,
                       mapping: Mapping[str, str | int] | None = None) -> StatementPreview:
        """Read .xlsx / .csv; columns by header name, `mapping` to override (see
        app.services.statement.read_statement)."""
        return read_statement(path, mapping)

    def _people(self, s: Session) -> list[_Person]:
        money = money_in(s, self.campaign_id)
        rows = s.execute(
            select(Applicant.id, Applicant.serial_no, Applicant.name, RegistrationPoint.name,
                   Applicant.enrolment_type, Applicant.status, Applicant.mobile)
            .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
            .where(Applicant.campaign_id == self.campaign_id)
            .order_by(Applicant.serial_no)
        ).all()
        return [
            _Person(ApplicantBrief(
                r[0], r[1], r[2], r[3] or "", r[4], r[4].label_for(self.campaign.year), r[5],
                r[6], balance_for(r[5], r[4], self.campaign.fees, money.get(r[0], MoneyIn()))))
            for r in rows
        ]

    def briefs(self) -> list[ApplicantBrief]:
        """Everyone in the campaign with what they owe and have paid, by 报名序号."""
        with self.db.read() as s:
            return [p.brief for p in self._people(s)]

    def match_statement(self, preview: StatementPreview) -> MatchResult:
        """Sort every line by the remark rule (app.services.statement_match). Nothing here
        is written; `apply_matches` records the chosen lines."""
        with self.db.read() as s:
            people = [p.brief for p in self._people(s)]
            prints = [ln.fingerprint for ln in preview.lines]
            imported: dict[str, int | None] = {}
            for start in range(0, len(prints), 500):
                for ref, aid in s.execute(
                    select(Payment.source_ref, Payment.applicant_id)
                    .where(Payment.source_ref.in_(prints[start:start + 500]))
                ):
                    imported[str(ref)] = aid
        return match_lines(preview, people, imported)

    def apply_matches(self, selected: Sequence[MatchLine | Selection],
                      note: str = "") -> ApplyReport:
        """Record the chosen lines as payments. A MatchLine is applied only when it was
        matched exactly; anything else needs a Selection naming the applicant, and is
        recorded as 待核对 when its remark does not name that person (or they were
        returned / turned down). A line recorded before (same fingerprint) is reported
        "已导入过" and not recorded again."""
        applied: list[PaymentResult] = []
        skipped: list[tuple[StatementLine, str]] = []
        for item in selected:
            if isinstance(item, MatchLine):
                if item.category is MatchCategory.ALREADY_IMPORTED:
                    skipped.append((item.line, "已导入过"))
                    continue
                if item.category is not MatchCategory.MATCHED or item.applicant is None:
                    skipped.append((item.line, f"{item.category.label}：须人工选择学员后再记入"))
                    continue
                line, aid = item.line, item.applicant.id
            else:
                line, aid = item.line, item.applicant_id
            if line.problem or line.paid_on is None or not line.amount_fen \
                    or payment_problem(line.amount_fen) or not line.incoming:
                skipped.append((line, line.problem or "不是一笔收入，不能记为缴费"))
                continue
            try:
                with self.db.write() as s:
                    row = self._row(s, aid, lock=True)
                    if s.scalar(select(Payment.id).where(
                            Payment.source_ref == line.fingerprint)) is not None:
                        skipped.append((line, "已导入过"))
                        continue
                    text = (note.strip() + " " if note.strip() else "") + \
                        f"银行流水 {line.paid_on} 第 {line.row} 行"
                    applied.append(self._insert(
                        s, row, line.amount_fen, line.paid_on, line.remark, line.payer,
                        TRANSFER, line.fingerprint, text, [], "import",
                        _hold_reasons(row, line.remark, TRANSFER)))
            except IntegrityError:  # another desk recorded the same line just now
                skipped.append((line, "已导入过（另一台电脑刚刚导入）"))
        return ApplyReport(tuple(applied), tuple(skipped))
