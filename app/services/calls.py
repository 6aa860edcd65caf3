"""The call list (逐一电话告知): whom to phone, what to tell them, and how each call went."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from app.domain.balance import Balance, MoneyIn
from app.domain.checklist import ChecklistItem, materials_checklist
from app.domain.codes import ApplicantStatus
from app.domain.fees import FeeDue
from app.domain.flow import at_or_beyond, is_approved
from app.domain.money import yuan_text
from app.domain.remark import transfer_remark
from app.services.desk import QUEUED, CallTopic, DeskService, StepsMissingError, when_text
from app.services.errors import InputError, ServiceError
from app.services.money import balance_for, money_in
from app.services.records import utcnow
from db.models import Applicant, CallLog

__all__ = ["BatchCalls", "CallEntry", "CallItem", "CallOutcome", "CallResult", "CallService",
           "CallTopic"]


class CallOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"

    @property
    def label(self) -> str:
        return {"reached": "已接通", "no_answer": "无人接听", "wrong_number": "号码错误"}[
            self.value]

    @classmethod
    def parse(cls, text: str) -> CallOutcome | None:
        """"reached", "已接通", "接通", "无人接听", "未接", "号码错误" ..."""
        t = unicodedata.normalize("NFKC", text or "").strip().lower()
        aliases = {
            cls.REACHED: ("reached", "已接通", "接通", "已通知", "通知", "ok"),
            cls.NO_ANSWER: ("no_answer", "无人接听", "未接", "未接通", "没接", "无应答"),
            cls.WRONG_NUMBER: ("wrong_number", "号码错误", "空号", "错号"),
        }
        for outcome, names in aliases.items():
            if t in names:
                return outcome
        return None


@dataclass(frozen=True)
class CallItem:
    """One person to phone, with everything to tell them."""

    applicant_id: int
    version: int
    serial_no: int
    name: str
    mobile: str
    phone: str
    point_name: str
    status: ApplicantStatus
    topic: CallTopic
    result: str  # what to tell: 审核通过 / 退回补正：reasons / 省鉴定中心未通过：… / 材料不全：…
    reasons: tuple[str, ...]  # the reasons, when returned or turned down
    bring: tuple[ChecklistItem, ...]  # their own checklist, required items only
    balance: Balance
    transfer_remark: str  # "" when nothing is owed
    attempts: int  # calls since the result was decided
    last_outcome: CallOutcome | None
    last_note: str
    last_at: datetime | None  # naive UTC
    last_operator: str
    done: bool
    script: str  # the whole message, ready to read out

    @property
    def waiting(self) -> bool:
        """Passed 初审 but the province's check is not recorded: logging the call as reached
        asks to go on without it (the override is recorded)."""
        return self.status in (ApplicantStatus.REVIEW_PASSED,
                               ApplicantStatus.SENT_TO_PROVINCE)

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"

    @property
    def due(self) -> FeeDue:
        return self.balance.due

    @property
    def amount_text(self) -> str:
        """"3130 元" (or what is still owed after part payment)."""
        return f"{yuan_text(self.balance.outstanding_fen)} 元"

    @property
    def last_text(self) -> str:
        if self.last_outcome is None or self.last_at is None:
            return ""
        return f"{self.last_outcome.label}（{self.last_operator} {when_text(self.last_at)}）"


@dataclass(frozen=True)
class CallEntry:
    """A line of one applicant's call log: a call owed (outcome None) or made."""

    at: datetime  # naive UTC
    operator: str
    topic: CallTopic
    outcome: CallOutcome | None
    note: str

    @property
    def text(self) -> str:
        what = f"待通知（{self.topic.label}）" if self.outcome is None else self.outcome.label
        return what + (f"：{self.note}" if self.note else "")


@dataclass(frozen=True)
class CallResult:
    outcome: CallOutcome
    status_before: ApplicantStatus
    status_after: ApplicantStatus
    still_on_list: bool
    message: str


@dataclass(frozen=True)
class BatchCalls:
    """What a batch of calls did: the calls logged, those refused (with why) and those
    waiting for the person to go on without a step (ask once, then again with override)."""

    done: tuple[CallResult, ...]
    refused: tuple[tuple[int, str], ...]
    needs_override: tuple[tuple[int, str], ...] = ()

    @property
    def message(self) -> str:
        text = f"已记录 {len(self.done)} 人的通话"
        if self.needs_override:
            text += f"，{len(self.needs_override)} 人缺少前面的步骤（确认后可继续）"
        return text + (f"，{len(self.refused)} 人未记录" if self.refused else "") + "。"


@dataclass
class _Task:
    topic: CallTopic
    note: str
    attempts: int = 0
    last: CallLog | None = None
    reached: bool = False


def _tasks(rows: list[CallLog]) -> _Task | None:
    """The latest call owed to one applicant (rows oldest first), with what followed it."""
    task: _Task | None = None
    for r in rows:
        if r.outcome == QUEUED:
            task = _Task(CallTopic(r.topic), r.note)
        elif task is not None:
            task.attempts += 1
            task.last = r
            task.reached = task.reached or r.outcome == CallOutcome.REACHED
    return task


_RESULT_OWED = frozenset({
    ApplicantStatus.RETURNED, ApplicantStatus.PROVINCE_CHECKED,
    ApplicantStatus.PROVINCE_REJECTED, ApplicantStatus.REVIEW_PASSED,
    ApplicantStatus.SENT_TO_PROVINCE,
})
_REFUSALS = (ApplicantStatus.RETURNED, ApplicantStatus.PROVINCE_REJECTED)


def _relevant(task: _Task, status: ApplicantStatus, balance: Balance) -> bool:
    """A result is owed until the person has been told (已电话通知 or later); a follow-up
    (materials missing) until they are confirmed; 催缴 while they still owe."""
    if task.topic is CallTopic.REVIEW:
        return status in _RESULT_OWED
    if task.topic is CallTopic.PAYMENT:
        return balance.owing
    return not at_or_beyond(status, ApplicantStatus.CONFIRMED)


class CallService(DeskService):
    """The call list and call outcomes, as one operator."""

    def call_list(self, include_done: bool = False, include_waiting: bool = False,
                  query: str = "", *, point_id: int | None = None,
                  status: ApplicantStatus | None = None) -> list[CallItem]:
        """Applicants still to phone (not yet reached since the result was decided), by
        报名序号: returned ones, and those the province has answered. With `include_done`
        also those already reached; with `include_waiting` also those who passed 初审 and
        wait for the province (for an office that does not type the province's answer).
        `query` matches as the applicant list's search does; `point_id` and `status`
        narrow the list."""
        ids = self.applicants.matching_ids(query)
        with self.db.read() as s:
            wanted = None if ids is None else set(s.scalars(ids))
            logs = s.scalars(
                select(CallLog).join(Applicant, Applicant.id == CallLog.applicant_id)
                .where(Applicant.campaign_id == self.campaign_id)
                .order_by(CallLog.applicant_id, CallLog.id)
            ).all()
            by_applicant: dict[int, list[CallLog]] = defaultdict(list)
            for log in logs:
                by_applicant[log.applicant_id].append(log)
            tasks = {aid: t for aid, rows in by_applicant.items()
                     if (t := _tasks(rows)) is not None and (include_done or not t.reached)}
            if include_waiting:
                for aid in s.scalars(select(Applicant.id).where(
                        Applicant.campaign_id == self.campaign_id,
                        Applicant.status.in_([ApplicantStatus.REVIEW_PASSED,
                                              ApplicantStatus.SENT_TO_PROVINCE]))):
                    if aid not in tasks and not any(
                            r.outcome == CallOutcome.REACHED for r in by_applicant.get(aid, [])):
                        tasks[aid] = _Task(CallTopic.REVIEW, "初审通过")
            if wanted is not None:
                tasks = {aid: t for aid, t in tasks.items() if aid in wanted}
            if not tasks:
                return []
            stmt = select(Applicant).where(Applicant.id.in_(list(tasks)))
            if point_id is not None:
                stmt = stmt.where(Applicant.point_id == point_id)
            if status is not None:
                stmt = stmt.where(Applicant.status == status)
            rows = s.scalars(stmt.order_by(Applicant.serial_no)).all()
            money = money_in(s, self.campaign_id, [r.id for r in rows])
            changes = self._status_changes(s, [r.id for r in rows if r.status in _REFUSALS])
            items = []
            for row in rows:
                task = tasks[row.id]
                balance = balance_for(row.status, row.enrolment_type, self.campaign.fees,
                                      money.get(row.id, MoneyIn()))
                if not task.reached and not _relevant(task, row.status, balance):
                    continue  # moved on (or paid) without a call: nothing to tell now
                if (task.topic is CallTopic.REVIEW and not include_waiting and not task.reached
                        and row.status in (ApplicantStatus.REVIEW_PASSED,
                                           ApplicantStatus.SENT_TO_PROVINCE)):
                    continue  # told once the province has answered
                reasons: tuple[str, ...] = ()
                if row.status in _REFUSALS:
                    for change in reversed(changes.get(row.id, [])):
                        if change.to_status is row.status:
                            reasons = change.reasons
                            break
                items.append(self._item(row, task, reasons, balance))
            return items

    def _item(self, row: Applicant, task: _Task, reasons: tuple[str, ...],
              balance: Balance) -> CallItem:
        data = self._data(row)
        bring = tuple(i for i in materials_checklist(data) if i.required)
        # the remark is told to who will pay: not to a person returned or turned down
        remark = (transfer_remark(data.name, data.enrolment_type)
                  if balance.fee.total and row.status not in _REFUSALS else "")
        status = row.status
        if task.topic is CallTopic.FOLLOWUP:
            result = task.note
        elif task.topic is CallTopic.PAYMENT:
            result = f"已现场确认，{balance.text}"
        elif status is ApplicantStatus.RETURNED:
            result = "退回补正：" + "；".join(reasons) if reasons else task.note
        elif status is ApplicantStatus.PROVINCE_REJECTED:
            result = "省鉴定中心未通过：" + "；".join(reasons) if reasons else task.note
        elif is_approved(status):
            result = "审核通过"
        else:
            result = "初审通过，待省鉴定中心核查"
        last = task.last
        return CallItem(
            applicant_id=row.id, version=row.version, serial_no=row.serial_no,
            name=row.name, mobile=row.mobile, phone=row.phone,
            point_name=row.point.name if row.point else "", status=status,
            topic=task.topic, result=result, reasons=reasons, bring=bring, balance=balance,
            transfer_remark=remark, attempts=task.attempts,
            last_outcome=CallOutcome(last.outcome) if last is not None else None,
            last_note=last.note if last is not None else "",
            last_at=last.at if last is not None else None,
            last_operator=last.operator if last is not None else "",
            done=task.reached,
            script=self._script(row, task, result, bring, balance, remark),
        )

    def _script(self, row: Applicant, task: _Task, result: str,
                bring: tuple[ChecklistItem, ...], balance: Balance, remark: str) -> str:
        c = self.campaign
        lines = [f"{row.name}您好，这里是{c.year}年度{c.level_name}培训{c.class_name}。"]
        refused = row.status in _REFUSALS
        if task.topic is CallTopic.FOLLOWUP:
            lines.append(f"您的现场确认尚未完成：{result}。")
        elif task.topic is CallTopic.PAYMENT:
            lines.append("您已完成现场确认，培训费用尚未缴清。")
        elif row.status is ApplicantStatus.RETURNED:
            lines.append(f"您的报名材料须{result}。请补正后交回报名点（所在县（市、区）"
                         "发改委（信用办）、园区经发局或南通班联系人）。")
        elif row.status is ApplicantStatus.PROVINCE_REJECTED:
            lines.append(f"您的报名信息经省人社厅职业技能鉴定中心核查，{result}。"
                         "如能补正，请把材料交回报名点，我们再报省联合征信公司。")
        elif is_approved(row.status):
            lines.append("您的报名信息已审核通过。")
        else:
            lines.append("您的报名已通过初审，已（或即将）报省联合征信公司，"
                         "省人社厅职业技能鉴定中心核查通过后再通知您缴费。")
        if not refused and balance.outstanding_fen:
            lines.append(
                f"请将 {yuan_text(balance.outstanding_fen)} 元转账至：户名 {c.payee_name}，"
                f"开户行 {c.payee_bank}，账号 {c.payee_account}；"
                f"转账备注务必写「{remark}」（姓名与报名时一致，不要加“+”和空格）。")
        elif not refused and is_approved(row.status) and balance.fee.total == 0:
            lines.append("您本期只听课，无需缴费。")
        if not refused and task.topic is not CallTopic.PAYMENT:
            things = "；".join(f"{i + 1}. {item.title}" for i, item in enumerate(bring))
            lines.append(f"现场确认时请带齐：{things}。")
        return "\n".join(lines)

    def record_call(self, applicant_id: int, outcome: CallOutcome | str,
                    note: str = "", *, override: bool = False) -> CallResult:
        """Log one call. Reached: the person is off the list, and one the province has
        approved moves to 已电话通知. One who passed 初审 but whose province check is not
        recorded raises StepsMissingError (nothing written) unless `override`. No answer
        or a wrong number: they stay on the list, the attempt counted."""
        parsed = outcome if isinstance(outcome, CallOutcome) else CallOutcome.parse(outcome)
        if parsed is None:
            raise InputError(f"不认识的通话结果「{outcome}」：请用 已接通、无人接听 或 号码错误。")
        note = note.strip()
        with self.db.write() as s:
            row = self._row(s, applicant_id, lock=True)
            before = row.status
            logs = list(s.scalars(select(CallLog).where(CallLog.applicant_id == applicant_id)
                                  .order_by(CallLog.id)))
            task = _tasks(logs)
            topic = task.topic if task is not None else CallTopic.REVIEW
            if parsed is CallOutcome.REACHED and row.status in (
                    ApplicantStatus.PROVINCE_CHECKED, ApplicantStatus.REVIEW_PASSED,
                    ApplicantStatus.SENT_TO_PROVINCE):
                self._move(s, row, ApplicantStatus.PHONED,
                           "电话通知审核结果" + (f"：{note}" if note else ""),
                           override=override)
            s.add(CallLog(applicant_id=applicant_id, topic=topic.value, outcome=parsed.value,
                          note=note[:500], operator=self.operator, at=utcnow()))
            self._history(s, applicant_id, "call", "call",
                          {"结果": [None, parsed.label]}, note)
            after = row.status
        on_list = parsed is not CallOutcome.REACHED
        if parsed is CallOutcome.REACHED:
            message = f"{row.name}：已接通，已从待通知名单移除。"
        elif parsed is CallOutcome.NO_ANSWER:
            attempts = (task.attempts if task is not None else 0) + 1
            message = f"{row.name}：无人接听（第 {attempts} 次），仍在待通知名单中，请稍后再拨。"
        else:
            message = f"{row.name}：号码错误，仍在待通知名单中。请核对手机号后再拨。"
        if after is not before:
            message += f"状态：{before.label} → {after.label}。"
        return CallResult(parsed, before, after, on_list, message)

    def record_calls(self, applicant_ids: Iterable[int], outcome: CallOutcome | str,
                     note: str = "", *, override: bool = False) -> BatchCalls:
        """The same call outcome for several people (a batch of 无人接听 after a round of
        dialling, or 已接通 for people told together at a meeting): each is logged as
        `record_call` would; one with a step missing waits in `needs_override` unless
        `override`, one refused is listed with why."""
        done: list[CallResult] = []
        refused: list[tuple[int, str]] = []
        pending: list[tuple[int, str]] = []
        for aid in dict.fromkeys(applicant_ids):
            try:
                done.append(self.record_call(aid, outcome, note, override=override))
            except StepsMissingError as e:
                pending.append((aid, e.message))
            except ServiceError as e:
                refused.append((aid, e.message))
        return BatchCalls(tuple(done), tuple(refused), tuple(pending))

    def calls(self, applicant_id: int) -> list[CallEntry]:
        """One applicant's call log, oldest first (calls owed and calls made)."""
        with self.db.read() as s:
            self._row(s, applicant_id)
            logs = s.scalars(select(CallLog).where(CallLog.applicant_id == applicant_id)
                             .order_by(CallLog.id)).all()
            return [
                CallEntry(r.at, r.operator, CallTopic(r.topic),
                          None if r.outcome == QUEUED else CallOutcome(r.outcome), r.note)
                for r in logs
            ]
