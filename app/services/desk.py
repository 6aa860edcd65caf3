"""What the review, call, confirmation and payment services share: the locked applicant
row, fees owed and paid, history, and the one place where a status changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.applicant import ApplicantData
from app.domain.balance import Balance, MoneyIn
from app.domain.codes import ApplicantStatus
from app.domain.fees import FeeDue, fee_due
from app.domain.flow import (
    backward_steps,
    check_step,
    is_backward,
    join_reasons,
    labels,
    next_steps,
    split_reasons,
)
from app.services.applicants import ApplicantService
from app.services.campaign import CampaignInfo
from app.services.errors import NotFoundError, ServiceError
from app.services.money import balance_for, money_in
from app.services.records import ApplicantRecord, data_from_row, utcnow
from db.engine import Database
from db.models import Applicant, CallLog, History

STATUS_ENTITY = "status"
"""History.entity (and action) of a status change."""


class TransitionError(ServiceError):
    """A status change the flow does not allow; the message names the allowed ones."""

    def __init__(self, message: str, current: ApplicantStatus,
                 forward: tuple[ApplicantStatus, ...],
                 backward: tuple[ApplicantStatus, ...]) -> None:
        super().__init__(message)
        self.current = current
        self.forward = forward
        self.backward = backward


class StepsMissingError(TransitionError):
    """A jump that leaves out earlier steps: not a refusal. Ask the person (one key goes
    on) and call again with `override=True`; the override is recorded with who."""

    def __init__(self, message: str, current: ApplicantStatus, target: ApplicantStatus,
                 missing: tuple[ApplicantStatus, ...], name: str = "") -> None:
        super().__init__(message, current, next_steps(current), backward_steps(current))
        self.target = target
        self.missing = missing
        self.name = name


OVERRIDE_KEY = "跳过步骤"
"""History key of the steps an override left out."""


class CallTopic(StrEnum):
    """What a call the office owes is about."""

    REVIEW = "review"  # tell the result: 退回补正, or the province's check (通过/未通过)
    FOLLOWUP = "followup"  # after on-site confirmation: materials missing
    PAYMENT = "payment"  # confirmed, money still owed (催缴)

    @property
    def label(self) -> str:
        return {"review": "审核结果", "followup": "现场确认后续", "payment": "催缴"}[self.value]


QUEUED = "queued"
"""CallLog.outcome of a call still to make."""


@dataclass(frozen=True)
class StatusChange:
    """One step of an applicant's flow, as history keeps it."""

    at: datetime  # naive UTC, as stored
    operator: str
    from_status: ApplicantStatus | None
    to_status: ApplicantStatus
    note: str
    reasons: tuple[str, ...]
    backward: bool

    @property
    def text(self) -> str:
        head = f"{self.from_status.label if self.from_status else ''} → {self.to_status.label}"
        if self.reasons:
            head += f"（{'；'.join(self.reasons)}）"
        return head + (f"：{self.note}" if self.note else "")


def local_time(at: datetime) -> datetime:
    """Stored times are naive UTC; people read their own clock."""
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at).astimezone().replace(tzinfo=None)


def when_text(at: datetime, now: datetime | None = None) -> str:
    """"14:05" today, "10月15日 14:05" another day (local time)."""
    local = local_time(at)
    today = local_time(now or utcnow()).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def status_change_from_history(h: History) -> StatusChange | None:
    changes: dict[str, Any] = json.loads(h.changes_json or "{}")
    pair = changes.get("status")
    if not isinstance(pair, list) or len(pair) != 2:
        return None
    to = ApplicantStatus.parse(pair[1])
    if to is None:
        return None
    frm = ApplicantStatus.parse(pair[0])
    reasons_pair = changes.get("reasons")
    reasons = split_reasons(reasons_pair[1]) if isinstance(reasons_pair, list) else ()
    backward = frm is not None and is_backward(frm, to)
    return StatusChange(h.at, h.operator, frm, to, h.note, reasons, backward)


class DeskService:
    """Base of the desk's services: one campaign, one operator, every write with history."""

    def __init__(
        self,
        db: Database,
        operator: str,
        campaign_id: int | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.applicants = ApplicantService(db, operator, campaign_id, clock)
        self.db = db
        self.operator = self.applicants.operator
        self.clock = clock
        self.campaign: CampaignInfo = self.applicants.campaign

    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    def today(self) -> date:
        return self.clock().date()

    # ------------------------------------------------------------------ rows
    def _row(self, s: Session, applicant_id: int, *, lock: bool = False) -> Applicant:
        """The applicant row; with `lock`, held (SELECT … FOR UPDATE on PostgreSQL; SQLite's
        write transaction already holds the database) until the transaction ends, so two
        desks acting on one person queue instead of both acting on what they read."""
        stmt = select(Applicant).where(Applicant.id == applicant_id)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        row = s.scalars(stmt).one_or_none()
        if row is None or row.campaign_id != self.campaign_id:
            raise NotFoundError("找不到这条报名记录，可能已被删除。请刷新列表。")
        return row

    def _record(self, s: Session, row: Applicant) -> ApplicantRecord:
        return self.applicants.record_from_row(s, row)

    @staticmethod
    def _data(row: Applicant) -> ApplicantData:
        """The form's data from a row, without the photo query `_record` makes."""
        return data_from_row(row)

    def _fee(self, row: Applicant) -> FeeDue:
        """What the person's type calls for (owed once approved)."""
        return fee_due(row.enrolment_type, self.campaign.fees)

    def _balance(self, s: Session, row: Applicant) -> Balance:
        money = money_in(s, self.campaign_id, [row.id]).get(row.id, MoneyIn())
        return balance_for(row.status, row.enrolment_type, self.campaign.fees, money)

    # ------------------------------------------------------------------ history
    def _history(self, s: Session, applicant_id: int | None, entity: str, action: str,
                 changes: dict[str, list[Any]], note: str = "",
                 at: datetime | None = None) -> None:
        s.add(History(
            campaign_id=self.campaign_id, applicant_id=applicant_id, entity=entity,
            action=action, changes_json=json.dumps(changes, ensure_ascii=False),
            note=note, operator=self.operator, at=at or utcnow(),
        ))

    def _status_changes(self, s: Session, applicant_ids: Sequence[int]
                        ) -> dict[int, list[StatusChange]]:
        """Status changes of many applicants, oldest first, in one query."""
        out: dict[int, list[StatusChange]] = {i: [] for i in applicant_ids}
        if not applicant_ids:
            return out
        ids = list(applicant_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = s.scalars(
                select(History)
                .where(History.applicant_id.in_(chunk), History.entity == STATUS_ENTITY)
                .order_by(History.id)
            ).all()
            for h in rows:
                change = status_change_from_history(h)
                if change is not None and h.applicant_id is not None:
                    out[h.applicant_id].append(change)
        return out

    def _last_change_to(self, s: Session, applicant_id: int,
                        status: ApplicantStatus) -> StatusChange | None:
        changes = self._status_changes(s, [applicant_id])[applicant_id]
        for change in reversed(changes):
            if change.to_status is status:
                return change
        return None

    # ------------------------------------------------------------------ calls
    def _queue_call(self, s: Session, applicant_id: int, topic: CallTopic, note: str,
                    at: datetime | None = None) -> None:
        s.add(CallLog(applicant_id=applicant_id, topic=topic.value, outcome=QUEUED,
                      note=note[:500], operator=self.operator, at=at or utcnow()))

    # ------------------------------------------------------------------ status
    def _move(self, s: Session, row: Applicant, to: ApplicantStatus, note: str = "",
              reasons: Sequence[str] = (), *, override: bool = False) -> StatusChange:
        """Change the status of a row the caller has locked.

        Raises TransitionError for what the flow refuses, StepsMissingError for a jump that
        leaves out steps (unless `override`: then the left-out steps are recorded with the
        change). History gets who, when, from → to, the note and the reasons. 退回补正 and
        the province's answer put the person on the call list (逐一电话告知).
        """
        current = row.status
        check = check_step(current, to, reasons)
        if check.problem is not None:
            raise TransitionError(check.problem, current, next_steps(current),
                                  backward_steps(current))
        if check.missing and not override:
            raise StepsMissingError(f"{row.name}：{check.warning}", current, to,
                                    check.missing, row.name)
        now = utcnow()
        reasons_text = join_reasons(reasons)
        row.status = to
        row.updated_at = now
        row.updated_by = self.operator
        changes: dict[str, list[Any]] = {"status": [current.display, to.display]}
        if reasons_text:
            changes["reasons"] = [None, reasons_text]
        action = STATUS_ENTITY
        if check.missing:
            changes[OVERRIDE_KEY] = [None, labels(check.missing)]
            action = "override"
        self._history(s, row.id, STATUS_ENTITY, action, changes, note.strip(), at=now)
        if to is ApplicantStatus.RETURNED:
            self._queue_call(s, row.id, CallTopic.REVIEW, f"退回补正：{reasons_text}", at=now)
        elif to is ApplicantStatus.PROVINCE_CHECKED:
            self._queue_call(s, row.id, CallTopic.REVIEW, "省鉴定中心已核：审核通过", at=now)
        elif to is ApplicantStatus.PROVINCE_REJECTED:
            self._queue_call(s, row.id, CallTopic.REVIEW,
                             f"省鉴定中心未通过：{reasons_text}", at=now)
        return StatusChange(now, self.operator, current, to, note.strip(),
                            split_reasons(reasons_text), is_backward(current, to))

    def _late_step(self, s: Session, row: Applicant, step: ApplicantStatus,
                   note: str = "") -> None:
        """Record a step done for someone whose status is already past it (the province's
        check typed in after the call): history only, the status stays."""
        self._history(s, row.id, "flow", "late_step",
                      {"补记": [None, step.label], "当时状态": [None, row.status.label]},
                      note.strip())
