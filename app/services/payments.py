"""Payments (缴费): amounts due, money recorded by hand, and bank statements matched to
applicants by the transfer-remark rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.codes import ApplicantStatus, EnrolmentType
from app.domain.contact import MIDDLE_DOT, normalize_name
from app.domain.fees import FeeDue, fee_due
from app.domain.flow import PASSED_OR_BEYOND
from app.domain.money import payment_problem, to_fen, yuan_text
from app.domain.remark import parse_remark, remark_kind, remark_matches, same_name, transfer_remark
from app.services.desk import Balance, DeskService
from app.services.errors import InputError
from app.services.records import utcnow
from app.services.statement import (
    StatementLine,
    StatementPreview,
    read_statement,
)
from db.models import Applicant, Payment, RegistrationPoint

__all__ = [
    "ApplicantBrief",
    "ApplyReport",
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
"""Ways of paying the desk offers; any short text is accepted."""


class MatchCategory(StrEnum):
    MATCHED = "matched"
    AMOUNT_DIFFERS = "amount_differs"
    UNKNOWN_NAME = "unknown_name"
    AMBIGUOUS = "ambiguous"
    WRONG_KIND = "wrong_kind"
    DUPLICATE = "duplicate"
    NO_REMARK = "no_remark"
    UNREADABLE = "unreadable"
    ALREADY_IMPORTED = "already_imported"
    NOT_INCOMING = "not_incoming"
    INVALID = "invalid"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    @property
    def needs_choice(self) -> bool:
        """Applied only when a person picks the applicant (and confirms the amount)."""
        return self not in (MatchCategory.MATCHED, MatchCategory.ALREADY_IMPORTED,
                            MatchCategory.NOT_INCOMING, MatchCategory.INVALID)


_CATEGORY_LABELS = {
    MatchCategory.MATCHED: "已匹配",
    MatchCategory.AMOUNT_DIFFERS: "金额不符",
    MatchCategory.UNKNOWN_NAME: "备注姓名查无此人",
    MatchCategory.AMBIGUOUS: "同名多人，须选择",
    MatchCategory.WRONG_KIND: "备注类别不符",
    MatchCategory.DUPLICATE: "一人多笔",
    MatchCategory.NO_REMARK: "无备注",
    MatchCategory.UNREADABLE: "备注不合规定",
    MatchCategory.ALREADY_IMPORTED: "已导入过",
    MatchCategory.NOT_INCOMING: "非收入",
    MatchCategory.INVALID: "无法读取",
}


@dataclass(frozen=True)
class ApplicantBrief:
    """An applicant as the payment screens show them."""

    id: int
    serial_no: int
    name: str
    point_name: str
    enrolment_type: EnrolmentType
    status: ApplicantStatus
    mobile: str
    balance: Balance

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"

    @property
    def transfer_remark(self) -> str:
        return transfer_remark(self.name, self.enrolment_type)

    @property
    def text(self) -> str:
        return f"{self.serial_text} {self.name}（{self.point_name}，{self.enrolment_type.label}）"


@dataclass(frozen=True)
class MatchLine:
    line: StatementLine
    category: MatchCategory
    applicant: ApplicantBrief | None  # the one person the line was matched to
    candidates: tuple[ApplicantBrief, ...]  # people to choose from (namesakes, the payer)
    message: str

    @property
    def needs_choice(self) -> bool:
        return self.category.needs_choice


@dataclass(frozen=True)
class Selection:
    """A person's decision: this statement line is this applicant's payment."""

    line: StatementLine
    applicant_id: int


@dataclass(frozen=True)
class MatchResult:
    preview: StatementPreview
    lines: tuple[MatchLine, ...]
    unpaid: tuple[ApplicantBrief, ...]  # passed review, owe money, not paid up by this statement

    def of(self, *categories: MatchCategory) -> list[MatchLine]:
        return [m for m in self.lines if m.category in categories]

    @property
    def counts(self) -> dict[MatchCategory, int]:
        out = dict.fromkeys(MatchCategory, 0)
        for m in self.lines:
            out[m.category] += 1
        return out

    @property
    def auto(self) -> list[MatchLine]:
        """The lines applied without asking anyone: matched exactly, not imported before."""
        return self.of(MatchCategory.MATCHED)

    @property
    def summary(self) -> str:
        parts = [f"{c.label} {n}" for c, n in self.counts.items() if n]
        return f"共 {len(self.lines)} 笔：" + "，".join(parts) + f"；仍未缴清 {len(self.unpaid)} 人"


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    applicant_id: int
    name: str
    amount_fen: int
    balance: Balance  # after this payment
    status_before: ApplicantStatus
    status_after: ApplicantStatus
    warnings: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class ApplyReport:
    applied: tuple[PaymentResult, ...]
    skipped: tuple[tuple[StatementLine, str], ...]  # (line, why)

    @property
    def message(self) -> str:
        already = sum(1 for _, why in self.skipped if why.startswith("已导入过"))
        text = f"已记入 {len(self.applied)} 笔"
        if already:
            text += f"；已导入过 {already} 笔（未重复记入）"
        others = len(self.skipped) - already
        if others:
            text += f"；另有 {others} 笔未记入"
        return text + "。"


@dataclass(frozen=True)
class PaymentEntry:
    id: int
    amount_fen: int
    paid_on: date
    remark: str
    payer: str
    method: str
    from_statement: bool
    recorded_by: str
    recorded_at: datetime  # naive UTC

    @property
    def amount_text(self) -> str:
        return yuan_text(self.amount_fen)


def _name_key(name: str) -> str:
    return normalize_name(name).replace(MIDDLE_DOT, "").replace(" ", "").casefold()


@dataclass(frozen=True)
class _Person:
    brief: ApplicantBrief
    sits_exam: bool


class PaymentService(DeskService):
    """Money in, as one operator: by hand, or from a bank statement."""

    # ------------------------------------------------------------------ reads
    def amount_due(self, applicant_id: int) -> FeeDue:
        with self.db.read() as s:
            return self._due(self._row(s, applicant_id))

    def balance(self, applicant_id: int) -> Balance:
        with self.db.read() as s:
            return self._balance(s, self._row(s, applicant_id))

    def payments(self, applicant_id: int) -> list[PaymentEntry]:
        with self.db.read() as s:
            self._row(s, applicant_id)
            return [
                PaymentEntry(p.id, p.amount_fen, p.paid_on, p.remark, p.payer, p.method,
                             p.source_ref is not None, p.recorded_by, p.recorded_at)
                for p in s.scalars(select(Payment).where(Payment.applicant_id == applicant_id)
                                   .order_by(Payment.id))
            ]

    # ------------------------------------------------------------------ by hand
    def record_payment(
        self,
        applicant_id: int,
        amount_yuan: Decimal | int | str,
        paid_on: date,
        remark: str = "",
        method: str = "转账",
        payer: str = "",
        note: str = "",
    ) -> PaymentResult:
        """Record money received. When it pays the person up and they have been phoned,
        the status moves to 已缴费. Warnings (remark not as the rule says, same payment
        already recorded, more than owed) do not stop the recording."""
        try:
            fen = to_fen(amount_yuan)
        except ValueError as e:
            raise InputError(f"{e}。请填写收到的金额，如 3130。") from None
        problem = payment_problem(fen)
        if problem is not None:
            raise InputError(f"{problem}：请填写收到的金额，如 3130。")
        method = (method or "").strip() or "转账"
        if len(method) > 20:
            raise InputError("缴费方式太长：请写 转账、现金 等。")
        with self.db.write() as s:
            row = self._row(s, applicant_id, lock=True)
            warnings = []
            if paid_on > self.today():
                warnings.append(f"缴费日期 {paid_on} 晚于今天，请核对。")
            expected = transfer_remark(row.name, row.enrolment_type)
            if method == "转账" and not remark_matches(remark, row.name, row.enrolment_type):
                warnings.append(f"转账备注「{remark}」与规定格式「{expected}」不符，请核对是否本人缴费。")
            twin = s.scalar(select(Payment.id).where(
                Payment.applicant_id == applicant_id, Payment.amount_fen == fen,
                Payment.paid_on == paid_on).limit(1))
            if twin is not None:
                warnings.append("该学员同一天已有一笔相同金额的缴费记录，请核对是否重复登记。")
            return self._insert(s, row, fen, paid_on, remark, payer, method, None,
                                note, warnings, "payment")

    def _insert(self, s: Session, row: Applicant, fen: int, paid_on: date, remark: str,
                payer: str, method: str, source_ref: str | None, note: str,
                warnings: list[str], action: str) -> PaymentResult:
        now = utcnow()
        payment = Payment(campaign_id=self.campaign_id, applicant_id=row.id, amount_fen=fen,
                          paid_on=paid_on, remark=remark.strip()[:200],
                          payer=payer.strip()[:100], method=method, source_ref=source_ref,
                          recorded_by=self.operator, recorded_at=now)
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
        self._history(s, row.id, "payment", action, changes, note.strip(), at=now)
        balance = self._balance(s, row)
        before = row.status
        if balance.paid_fen > balance.due_fen:
            warnings.append(f"已缴 {yuan_text(balance.paid_fen)} 元，超过应缴 "
                            f"{yuan_text(balance.due_fen)} 元，请核对是否多缴或重复。")
        if (row.status is ApplicantStatus.PHONED and balance.due.total
                and balance.settled):
            self._move(s, row, ApplicantStatus.PAID, f"已缴清（{yuan_text(balance.paid_fen)} 元）")
        s.flush()
        message = f"{row.name}：记入 {yuan_text(fen)} 元，{balance.text}。"
        if row.status is not before:
            message += f"状态：{before.label} → {row.status.label}。"
        return PaymentResult(payment.id, row.id, row.name, fen, balance, before, row.status,
                             tuple(warnings), message)

    # ------------------------------------------------------------------ statements
    def read_statement(self, path: str | Path,
                       mapping: Mapping[str, str | int] | None = None) -> StatementPreview:
        """Read .xlsx / .csv; columns by header name, `mapping` to override (see
        app.services.statement.read_statement)."""
        return read_statement(path, mapping)

    def _people(self, s: Session) -> list[_Person]:
        paid = self._paid_by_applicant(s)
        rows = s.execute(
            select(Applicant.id, Applicant.serial_no, Applicant.name, RegistrationPoint.name,
                   Applicant.enrolment_type, Applicant.status, Applicant.mobile,
                   Applicant.sits_exam)
            .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
            .where(Applicant.campaign_id == self.campaign_id)
            .order_by(Applicant.serial_no)
        ).all()
        return [
            _Person(ApplicantBrief(
                r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6],
                Balance(fee_due(r[4], self.campaign.fees, r[7]), paid.get(r[0], 0))), r[7])
            for r in rows
        ]

    def briefs(self) -> list[ApplicantBrief]:
        """Everyone in the campaign with what they owe and have paid, by 报名序号."""
        with self.db.read() as s:
            return [p.brief for p in self._people(s)]

    def match_statement(self, preview: StatementPreview) -> MatchResult:
        """Sort every line by the remark rule: 南通 + the registered name + 助理信用管理师
        (or 补考助理). Nothing here is written; `apply_matches` records the chosen lines."""
        with self.db.read() as s:
            people = self._people(s)
            prints = [ln.fingerprint for ln in preview.lines]
            imported: dict[str, int | None] = {}
            for start in range(0, len(prints), 500):
                for ref, aid in s.execute(
                    select(Payment.source_ref, Payment.applicant_id)
                    .where(Payment.source_ref.in_(prints[start:start + 500]))
                ):
                    imported[str(ref)] = aid
        by_id = {p.brief.id: p.brief for p in people}
        by_name: dict[str, list[ApplicantBrief]] = defaultdict(list)
        for p in people:
            by_name[_name_key(p.brief.name)].append(p.brief)

        def namesakes(name: str) -> list[ApplicantBrief]:
            return [b for b in by_name.get(_name_key(name), []) if same_name(b.name, name)]

        results: dict[int, MatchLine] = {}
        tentative: dict[int, list[int]] = defaultdict(list)  # applicant id → line indexes
        for i, ln in enumerate(preview.lines):
            payer_people = tuple(namesakes(ln.payer)) if ln.payer else ()
            if ln.problem:
                results[i] = MatchLine(ln, MatchCategory.INVALID, None, (), ln.problem)
                continue
            if not ln.incoming or ln.amount_fen is None:
                results[i] = MatchLine(ln, MatchCategory.NOT_INCOMING, None, (),
                                       "支出或零金额，不是缴费")
                continue
            if ln.fingerprint in imported:
                aid = imported[ln.fingerprint]
                who = by_id.get(aid) if aid is not None else None
                results[i] = MatchLine(ln, MatchCategory.ALREADY_IMPORTED, who, (),
                                       "已导入过" + (f"：已记入 {who.name}" if who else ""))
                continue
            parsed = parse_remark(ln.remark)
            if not ln.remark.strip():
                results[i] = MatchLine(ln, MatchCategory.NO_REMARK, None, payer_people,
                                       "没有转账备注：请核对付款人后手动选择学员")
                continue
            if parsed is None:
                results[i] = MatchLine(
                    ln, MatchCategory.UNREADABLE, None, payer_people,
                    f"备注「{ln.remark}」不是“南通+姓名+助理信用管理师/补考助理”：请手动选择学员")
                continue
            found = namesakes(parsed.name)
            if not found:
                results[i] = MatchLine(
                    ln, MatchCategory.UNKNOWN_NAME, None, payer_people,
                    f"备注中的姓名「{parsed.name}」不是任何报名学员：不能算作缴费，请核实")
                continue
            if len(found) > 1:
                fit = sorted(found, key=lambda b: remark_kind(b.enrolment_type) is not parsed.kind)
                results[i] = MatchLine(
                    ln, MatchCategory.AMBIGUOUS, None, tuple(fit),
                    f"有 {len(found)} 名学员叫「{parsed.name}」：请选择是谁缴的费")
                continue
            person = found[0]
            if remark_kind(person.enrolment_type) is not parsed.kind:
                results[i] = MatchLine(
                    ln, MatchCategory.WRONG_KIND, None, (person,),
                    f"{person.name} 是{person.enrolment_type.label}，备注应为"
                    f"「{person.transfer_remark}」：请核实后手动选择")
                continue
            tentative[person.id].append(i)

        matched_fen: dict[int, int] = defaultdict(int)
        for aid, idxs in tentative.items():
            person = by_id[aid]
            bal = person.balance
            amounts = [preview.lines[i].amount_fen or 0 for i in idxs]
            total = sum(amounts)
            due, outstanding = yuan_text(bal.due_fen), bal.outstanding_fen
            category, message = MatchCategory.MATCHED, ""
            if bal.due_fen == 0:
                category, message = MatchCategory.AMOUNT_DIFFERS, "该学员无需缴费（应缴 0 元）"
            elif outstanding == 0:
                category = MatchCategory.DUPLICATE
                message = f"该学员已缴清（{yuan_text(bal.paid_fen)} 元），这笔可能是重复转账"
            elif len(idxs) == 1:
                if total != outstanding:
                    category = MatchCategory.AMOUNT_DIFFERS
                    message = (f"应缴 {due} 元" + (f"，已缴 {yuan_text(bal.paid_fen)} 元"
                                                   if bal.paid_fen else "")
                               + f"，本笔 {yuan_text(total)} 元")
            elif total == outstanding:
                message = f"分 {len(idxs)} 笔缴清"
            else:
                category = MatchCategory.DUPLICATE
                message = (f"同一学员有 {len(idxs)} 笔转账，合计 {yuan_text(total)} 元，"
                           f"应缴 {due} 元：请选择记入哪几笔")
            if category is MatchCategory.MATCHED:
                matched_fen[aid] += total
                message = message or f"金额相符（{yuan_text(total)} 元）"
            for i in idxs:
                results[i] = MatchLine(preview.lines[i], category,
                                       person if category is MatchCategory.MATCHED else None,
                                       () if category is MatchCategory.MATCHED else (person,),
                                       message)
        unpaid = tuple(
            p.brief for p in people
            if p.brief.status in PASSED_OR_BEYOND and p.brief.balance.due_fen > 0
            and p.brief.balance.paid_fen + matched_fen.get(p.brief.id, 0)
            < p.brief.balance.due_fen
        )
        return MatchResult(preview, tuple(results[i] for i in range(len(preview.lines))),
                           unpaid)

    def apply_matches(self, selected: Sequence[MatchLine | Selection],
                      note: str = "") -> ApplyReport:
        """Record the chosen lines as payments. A MatchLine is applied only when it was
        matched exactly; anything else needs a Selection naming the applicant. A line
        recorded before (same fingerprint) is reported "已导入过" and not recorded again."""
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
                    warnings: list[str] = []
                    if not remark_matches(line.remark, row.name, row.enrolment_type):
                        warnings.append(f"备注「{line.remark}」与「{row.name}」不符，"
                                        "由操作人确认记入")
                    text = (note.strip() + " " if note.strip() else "") + \
                        f"银行流水 {line.paid_on} 第 {line.row} 行"
                    applied.append(self._insert(
                        s, row, line.amount_fen, line.paid_on, line.remark, line.payer,
                        "转账", line.fingerprint, text, warnings, "import"))
            except IntegrityError:  # another desk recorded the same line just now
                skipped.append((line, "已导入过（另一台电脑刚刚导入）"))
        return ApplyReport(tuple(applied), tuple(skipped))
