"""Initial review (初审) and the applicant's flow: status changes with history and reasons."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.domain.codes import ApplicantStatus
from app.domain.flow import (
    OUTCOMES,
    RETURN_REASONS,
    at_or_beyond,
    backward_steps,
    is_backward,
    next_steps,
    skip_steps,
)
from app.domain.problems import Problem, Severity, error, warning
from app.services.desk import (
    DeskService,
    StatusChange,
    StepsMissingError,
    TransitionError,
)
from app.services.errors import ConflictError, InputError, ServiceError
from app.services.records import ApplicantRecord
from db.models import Applicant, ApplicantPhoto, RegistrationPoint

__all__ = [
    "RETURN_REASONS",
    "AllowedSteps",
    "BulkResult",
    "PhotoState",
    "ReviewBlockedError",
    "ReviewDecision",
    "ReviewRow",
    "StatusChange",
    "StepsMissingError",
    "TransitionError",
    "WorkflowService",
]

PHOTO_MISSING = (
    "没有电子照片：现场确认时收取照片电子档（.jpg，大于100×100像素，小于20KB）；"
    "报省公司的照片包须有合格照片"
)
"""A warning, not an error: the notice lists the electronic photo among the 现场确认
materials, so a missing photo does not stop 初审 (SPEC, "The flow, and its states")."""


class ReviewBlockedError(ServiceError):
    """Passing was refused because of errors; `problems` lists them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        shown = "；".join(p.message for p in problems[:5])
        more = f"……共 {len(problems)} 个" if len(problems) > 5 else ""
        super().__init__(
            f"有 {len(problems)} 个问题须先解决，暂不能通过初审：{shown}{more}。"
            "修改后再通过；如确需通过，请写明理由后选择「仍然通过」。"
        )
        self.problems = tuple(problems)


class PhotoState(StrEnum):
    MISSING = "missing"
    FAILED = "failed"
    PASSED = "passed"

    @property
    def label(self) -> str:
        return {"missing": "无照片", "failed": "照片不合格", "passed": "照片合格"}[self.value]


@dataclass(frozen=True)
class AllowedSteps:
    """What the status may become: ordinary next steps, steps back (with a reason), and
    jumps that leave out steps (after a warning)."""

    current: ApplicantStatus
    forward: tuple[ApplicantStatus, ...]
    backward: tuple[ApplicantStatus, ...]
    skips: tuple[ApplicantStatus, ...] = ()


@dataclass(frozen=True)
class BulkResult:
    """What a batch did: changed, refused (with why), left for an override (steps
    missing: ask once, then run again with override), and people already past the step
    (`late`: recorded in their history, status kept)."""

    changed: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]  # (applicant id, why)
    needs_override: tuple[tuple[int, str], ...] = ()  # (applicant id, what is missing)
    late: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        text = f"已更改 {len(self.changed)} 人"
        if self.late:
            text += f"，{len(self.late)} 人已在后面的步骤（已补记）"
        if self.needs_override:
            text += f"，{len(self.needs_override)} 人缺少前面的步骤（确认后可继续）"
        return text + (f"，{len(self.refused)} 人未更改" if self.refused else "") + "。"


@dataclass(frozen=True)
class ReviewDecision:
    """The latest outcome of the initial review: passed, or returned with reasons."""

    passed: bool
    reasons: tuple[str, ...]
    note: str
    operator: str
    at: datetime

    @property
    def text(self) -> str:
        if self.passed:
            return "初审通过"
        return "退回补正：" + "；".join(self.reasons) + (f"（{self.note}）" if self.note else "")


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review list (no ORM object, no photo bytes)."""

    id: int
    version: int
    serial_no: int
    name: str
    id_number: str
    point_name: str
    status: ApplicantStatus
    error_count: int
    warning_count: int
    photo: PhotoState

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"


def photo_problems(passed: bool | None, check_json: str | None) -> list[Problem]:
    """The photo's part of the blockers, read from the stored check (whatever its shape)."""
    if passed is None:
        return [warning("photo", PHOTO_MISSING)]
    if passed:
        return []
    details: list[str] = []
    try:
        found: Any = json.loads(check_json or "[]")
    except ValueError:
        found = []
    if isinstance(found, dict):  # the photo checker's {"problems": [[field, sev, msg]], …}
        found = found.get("problems", [])
    for item in found if isinstance(found, list) else []:
        message: object = None
        severity: object = Severity.ERROR.value
        if isinstance(item, str):
            message = item
        elif isinstance(item, list) and item:
            message = item[-1]
            severity = item[1] if len(item) >= 3 else severity
        elif isinstance(item, dict):
            message, severity = item.get("message"), item.get("severity", severity)
        # warnings alone do not fail a photo
        if isinstance(message, str) and severity != Severity.WARNING.value:
            details.append(message)
    text = "；".join(details) if details else "请重新检查照片"
    return [error("photo", f"电子照片不合格：{text}")]


class WorkflowService(DeskService):
    """Review and move applicants along the flow, as one operator of one campaign."""

    # ------------------------------------------------------------------ status
    def transition(
        self,
        applicant_id: int,
        to: ApplicantStatus,
        expected_version: int | None = None,
        note: str = "",
        reasons: Sequence[str] = (),
        *,
        override: bool = False,
    ) -> ApplicantRecord:
        """Move one applicant to `to`.

        Refused with TransitionError (saying which steps are allowed) for what the flow
        refuses, and for a step back without a reason; StepsMissingError for a jump that
        leaves out steps, unless `override` (then recorded with the operator). With
        `expected_version`, a record changed by another desk raises ConflictError.
        """
        try:
            with self.db.write() as s:
                row = self._row(s, applicant_id, lock=True)
                if expected_version is not None and row.version != expected_version:
                    raise ConflictError(self._record(s, row), row.updated_by, row.updated_at)
                self._move(s, row, to, note, reasons, override=override)
                s.flush()
                return self._record(s, row)
        except StaleDataError:
            current = self.applicants.try_get(applicant_id)
            raise ConflictError(current, current.updated_by if current else "",
                                current.updated_at if current else None) from None

    def transition_many(
        self,
        applicant_ids: Iterable[int],
        to: ApplicantStatus,
        note: str = "",
        reasons: Sequence[str] = (),
        *,
        override: bool = False,
        late_ok: bool = False,
    ) -> BulkResult:
        """Move several applicants at once (a county's batch to 县区已审, a package's
        people to 已报省公司).

        One transaction; those the flow refuses are listed and left as they are, those
        with steps missing are listed in `needs_override` unless `override`. With
        `late_ok`, people already past `to` keep their status and get the step recorded
        in their history. Only forward steps: moving people back is done one by one, each
        with its reason.
        """
        changed: list[int] = []
        refused: list[tuple[int, str]] = []
        pending: list[tuple[int, str]] = []
        late: list[int] = []
        with self.db.write() as s:
            for aid in dict.fromkeys(applicant_ids):
                try:
                    row = self._row(s, aid, lock=True)
                    if (late_ok and row.status is not to and row.status not in OUTCOMES
                            and at_or_beyond(row.status, to)):
                        self._late_step(s, row, to, note)
                        late.append(aid)
                        continue
                    if is_backward(row.status, to):
                        refused.append((aid, f"「{row.status.label}」→「{to.label}」是回退，"
                                             "须逐人填写原因，不能批量操作。"))
                        continue
                    self._move(s, row, to, note, reasons, override=override)
                    changed.append(aid)
                except StepsMissingError as e:
                    pending.append((aid, e.message))
                except ServiceError as e:
                    refused.append((aid, e.message))
        return BulkResult(tuple(changed), tuple(refused), tuple(pending), tuple(late))

    def mark_county_checked(self, applicant_ids: Iterable[int], point_name: str = ""
                            ) -> BulkResult:
        """县区已审 for a county's batch (its sheet imported): who is still 已报名 moves on;
        who is further along keeps their status."""
        note = f"{point_name}材料完整性审查（随县区报名表导入）" if point_name else \
            "县区材料完整性审查（随县区报名表导入）"
        with self.db.read() as s:
            waiting = [aid for aid in dict.fromkeys(applicant_ids)
                       if self._row(s, aid).status is ApplicantStatus.REGISTERED]
        return self.transition_many(waiting, ApplicantStatus.COUNTY_CHECKED, note)

    def allowed_steps(self, applicant_id: int) -> AllowedSteps:
        with self.db.read() as s:
            row = self._row(s, applicant_id)
            return AllowedSteps(row.status, next_steps(row.status),
                                backward_steps(row.status), skip_steps(row.status))

    def status_history(self, applicant_id: int) -> list[StatusChange]:
        """Every status change of the applicant, oldest first."""
        with self.db.read() as s:
            self._row(s, applicant_id)
            return self._status_changes(s, [applicant_id])[applicant_id]

    def last_review(self, applicant_id: int) -> ReviewDecision | None:
        """The latest pass or return of the initial review (returned reasons stay shown)."""
        for change in reversed(self.status_history(applicant_id)):
            if change.to_status in (ApplicantStatus.REVIEW_PASSED, ApplicantStatus.RETURNED):
                return ReviewDecision(change.to_status is ApplicantStatus.REVIEW_PASSED,
                                      change.reasons, change.note, change.operator, change.at)
        return None

    # ------------------------------------------------------------------ review
    def blockers(self, applicant_id: int) -> list[Problem]:
        """Everything the reviewer should see before passing: validation errors and
        warnings (missing fields, ineligibility included) and the photo; errors first."""
        with self.db.read() as s:
            row = self._row(s, applicant_id)
            data = self._data(row)
            photo = s.execute(
                select(ApplicantPhoto.passed, ApplicantPhoto.check_json)
                .where(ApplicantPhoto.applicant_id == applicant_id)
            ).first()
        problems = self.applicants.validate(data)
        problems += photo_problems(photo[0] if photo else None, photo[1] if photo else None)
        return sorted(problems, key=lambda p: 0 if p.is_error else 1)

    def review_pass(self, applicant_id: int, expected_version: int | None, note: str = "",
                    *, override: bool = False) -> ApplicantRecord:
        """初审通过. Refused with ReviewBlockedError while there are errors, unless
        `override` with a note saying why."""
        errors = [p for p in self.blockers(applicant_id) if p.is_error]
        if errors and not override:
            raise ReviewBlockedError(errors)
        if errors and not note.strip():
            raise InputError("有问题仍然通过初审时，请在说明中写明理由。")
        if errors:
            note = f"{note.strip()}（仍然通过，存在问题：{'；'.join(p.message for p in errors)}）"
        return self.transition(applicant_id, ApplicantStatus.REVIEW_PASSED, expected_version,
                               note=note)

    def review_return(self, applicant_id: int, expected_version: int | None,
                      reasons: Sequence[str], note: str = "") -> ApplicantRecord:
        """退回补正 with reasons (from RETURN_REASONS or typed); they are kept and shown on
        the call list."""
        cleaned = [r.strip() for r in reasons if r.strip()]
        if not cleaned:
            raise InputError("退回补正须选择或填写至少一条退回原因。")
        if cleaned == ["其他"] and not note.strip():
            raise InputError("选择「其他」时，请在说明中写明退回原因。")
        return self.transition(applicant_id, ApplicantStatus.RETURNED, expected_version,
                               note=note, reasons=cleaned)

    def review_pass_many(self, applicants: Iterable[tuple[int, int | None]], note: str = ""
                         ) -> BulkResult:
        """初审通过 for a batch (a county's people, picked on the list): (id, version) pairs.
        Each is passed on its own, as `review_pass` would: one with errors, changed at
        another desk or not at a step that may pass is refused with why, and stays as it
        is (passing despite errors needs a note per person: one by one)."""
        changed: list[int] = []
        refused: list[tuple[int, str]] = []
        for aid, version in dict(applicants).items():
            try:
                self.review_pass(aid, version, note)
                changed.append(aid)
            except ReviewBlockedError as e:
                refused.append((aid, f"{e.message}（有错误的学员请逐人处理）"))
            except ServiceError as e:
                refused.append((aid, e.message))
        return BulkResult(tuple(changed), tuple(refused))

    def review_return_many(self, applicants: Iterable[tuple[int, int | None]],
                           reasons: Sequence[str], note: str = "") -> BulkResult:
        """退回补正 for a batch with one set of reasons (the same missing proof for a
        county's people): (id, version) pairs, each returned as `review_return` would;
        who cannot be is listed in `refused` with why."""
        cleaned = [r.strip() for r in reasons if r.strip()]
        if not cleaned:
            raise InputError("退回补正须选择或填写至少一条退回原因。")
        changed: list[int] = []
        refused: list[tuple[int, str]] = []
        for aid, version in dict(applicants).items():
            try:
                self.review_return(aid, version, cleaned, note)
                changed.append(aid)
            except ServiceError as e:
                refused.append((aid, e.message))
        return BulkResult(tuple(changed), tuple(refused))

    def review_list(self, include_reviewed: bool = False, query: str = "", *,
                    point_id: int | None = None, status: ApplicantStatus | None = None
                    ) -> list[ReviewRow]:
        """Applicants awaiting initial review (已报名, 县区已审, and 退回补正 ones that may
        come back), or everyone with `include_reviewed`; by 报名序号. `query` matches as
        the applicant list's search does; `point_id` and `status` narrow it."""
        stmt = (
            select(Applicant.id, Applicant.version, Applicant.serial_no, Applicant.name,
                   Applicant.id_number, RegistrationPoint.name, Applicant.status,
                   Applicant.error_count, Applicant.warning_count, ApplicantPhoto.passed)
            .outerjoin(RegistrationPoint, RegistrationPoint.id == Applicant.point_id)
            .outerjoin(ApplicantPhoto, ApplicantPhoto.applicant_id == Applicant.id)
            .where(Applicant.campaign_id == self.campaign_id)
            .order_by(Applicant.serial_no)
        )
        if not include_reviewed:
            stmt = stmt.where(Applicant.status.in_([
                ApplicantStatus.REGISTERED, ApplicantStatus.COUNTY_CHECKED,
                ApplicantStatus.RETURNED]))
        ids = self.applicants.matching_ids(query)
        if ids is not None:
            stmt = stmt.where(Applicant.id.in_(ids))
        if point_id is not None:
            stmt = stmt.where(Applicant.point_id == point_id)
        if status is not None:
            stmt = stmt.where(Applicant.status == status)
        with self.db.read() as s:
            return [
                ReviewRow(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6], r[7], r[8],
                          PhotoState.MISSING if r[9] is None
                          else PhotoState.PASSED if r[9] else PhotoState.FAILED)
                for r in s.execute(stmt)
            ]
