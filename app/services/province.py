"""The province's steps in batches: the people of a package (or a selection) marked
已报省公司, and the province's check (通过 / 未通过 with its reason) recorded for a list of
people, typed in or read from the returned list (app.services.province_list).

A batch is one transaction. People with an earlier step missing (初审 not recorded, not
marked as sent) are counted first: nothing is written until the person at the desk says
to go on (`override`), once for the whole batch, and each override is recorded with who.
People already past the step keep their status; the step is recorded in their history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.codes import ApplicantStatus as S
from app.domain.flow import at_or_beyond, check_step, labels
from app.services.desk import StepsMissingError
from app.services.errors import InputError, ServiceError
from app.services.workflow import BulkResult, WorkflowService

__all__ = ["ProvinceCheck", "ProvinceService", "SendPlan"]


@dataclass(frozen=True)
class ProvinceCheck:
    """The province's answer for one person: passed, or not with its reason."""

    applicant_id: int
    passed: bool
    reason: str = ""


@dataclass(frozen=True)
class SendPlan:
    """What marking a batch 已报省公司 would do, for the confirmation that says how many."""

    to_mark: tuple[int, ...]  # move to 已报省公司
    already: tuple[int, ...]  # 已报省公司 already: nothing to do
    later: tuple[int, ...]  # past it: recorded in their history, status kept
    missing: tuple[tuple[int, str], ...]  # 初审 not recorded: goes on only with override
    refused: tuple[tuple[int, str], ...]  # 退回补正: cannot be sent (why)

    @property
    def question(self) -> str:
        """"将 12 人标记为「已报省公司」。…" — the text of the confirmation."""
        n = len(self.to_mark) + len(self.missing)
        parts = [f"将 {n} 人标记为「已报省公司」。"]
        if self.missing:
            parts.append(f"其中 {len(self.missing)} 人尚未登记「初审通过」，确认后一并标记，"
                         "并记下跳过的步骤和操作人。")
        if self.later:
            parts.append(f"另有 {len(self.later)} 人已在后面的步骤，只补记一笔。")
        if self.already:
            parts.append(f"{len(self.already)} 人已是「已报省公司」。")
        if self.refused:
            parts.append(f"{len(self.refused)} 人已退回补正，不标记。")
        return "".join(parts)


class ProvinceService(WorkflowService):
    """已报省公司 and the province's check, in batches, as one operator."""

    def send_plan(self, applicant_ids: Iterable[int]) -> SendPlan:
        to_mark: list[int] = []
        already: list[int] = []
        later: list[int] = []
        missing: list[tuple[int, str]] = []
        refused: list[tuple[int, str]] = []
        with self.db.read() as s:
            for aid in dict.fromkeys(applicant_ids):
                row = self._row(s, aid)
                if row.status is S.SENT_TO_PROVINCE:
                    already.append(aid)
                elif row.status is S.PROVINCE_REJECTED:
                    to_mark.append(aid)  # fixed, sent again
                elif at_or_beyond(row.status, S.SENT_TO_PROVINCE):
                    later.append(aid)
                else:
                    check = check_step(row.status, S.SENT_TO_PROVINCE)
                    if check.problem is not None:
                        refused.append((aid, f"{row.name}：{check.problem}"))
                    elif check.missing:
                        missing.append((aid, f"{row.name}：尚未登记{labels(check.missing)}"))
                    else:
                        to_mark.append(aid)
        return SendPlan(tuple(to_mark), tuple(already), tuple(later), tuple(missing),
                        tuple(refused))

    def mark_sent(self, applicant_ids: Iterable[int], *, override: bool = False,
                  note: str = "") -> BulkResult:
        """已报省公司 for a package's people (or a selection). Without `override`, nothing
        is written while anyone's 初审 is not recorded (see `needs_override`)."""
        ids = list(dict.fromkeys(applicant_ids))
        plan = self.send_plan(ids)
        if plan.missing and not override:
            return BulkResult((), plan.refused, plan.missing, ())
        text = note.strip() or "报省联合征信公司"
        result = self.transition_many(
            [aid for aid in ids if aid not in plan.already and aid not in dict(plan.refused)],
            S.SENT_TO_PROVINCE, text, override=True, late_ok=True)
        return BulkResult(result.changed, (*plan.refused, *result.refused), (), result.late)

    def record_checks(self, checks: Sequence[ProvinceCheck], *, override: bool = False,
                      note: str = "") -> BulkResult:
        """The province's answers, in one transaction. 通过: 省鉴定中心已核 (recorded in
        the history of who is already past it); 未通过: 省鉴定中心未通过 with the reason,
        whatever step the person had reached. Without `override`, nothing is written
        while anyone has a step missing (not marked 已报省公司): see `needs_override`."""
        text = note.strip() or "省人社厅职业技能鉴定中心核查"
        for c in checks:
            if not c.passed and not c.reason.strip():
                raise InputError("未通过须写明原因（照省公司退回名单上的原因写）。")
        changed: list[int] = []
        refused: list[tuple[int, str]] = []
        pending: list[tuple[int, str]] = []
        late: list[int] = []
        plan: list[tuple[ProvinceCheck, S]] = []
        with self.db.write() as s:
            seen: set[int] = set()
            for c in checks:
                if c.applicant_id in seen:
                    continue
                seen.add(c.applicant_id)
                row = self._row(s, c.applicant_id, lock=True)
                target = S.PROVINCE_CHECKED if c.passed else S.PROVINCE_REJECTED
                if row.status is target:
                    continue
                if c.passed and at_or_beyond(row.status, S.PHONED):
                    plan.append((c, target))
                    continue
                check = check_step(row.status, target, [c.reason])
                if check.problem is not None:
                    refused.append((c.applicant_id, f"{row.name}：{check.problem}"))
                elif check.missing and not override:
                    pending.append((c.applicant_id,
                                    f"{row.name}：尚未登记{labels(check.missing)}"))
                else:
                    plan.append((c, target))
            if pending:
                return BulkResult((), tuple(refused), tuple(pending), ())
            for c, target in plan:
                row = self._row(s, c.applicant_id, lock=True)
                if c.passed and at_or_beyond(row.status, S.PHONED):
                    self._late_step(s, row, target, text)
                    late.append(c.applicant_id)
                    continue
                try:
                    self._move(s, row, target, text, [c.reason] if c.reason.strip() else [],
                               override=True)
                    changed.append(c.applicant_id)
                except StepsMissingError as e:  # pragma: no cover - planned above
                    pending.append((c.applicant_id, e.message))
                except ServiceError as e:
                    refused.append((c.applicant_id, e.message))
        return BulkResult(tuple(changed), tuple(refused), tuple(pending), tuple(late))
