"""The applicant's flow in the notice's order (§八.1, §八.2) as rules: which status may
follow which, which earlier steps a jump leaves out, and who counts as approved.

初审 (passed, or 退回补正) → 已报省公司 → 省鉴定中心已核 (or 省鉴定中心未通过, with the
province's reason) → 已电话通知 → 已现场确认. Payment is not a status: whether a person has
paid comes from the payments alone, so paying and 现场确认 happen in either order.

A jump forward that leaves out a step (a call nobody logged, a county check done on
paper, the province's answer not yet typed in) is never refused: it is a warning that
lists the missing steps, and the person at the desk may go on (the service records the
override and who made it). What needs a decision is refused with the way forward: a step
back needs a reason, and a returned or province-rejected applicant comes back through
the step that turned them away.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.codes import ApplicantStatus as S

RETURN_REASONS: tuple[str, ...] = (
    "照片不合格",
    "学历不符合报考条件",
    "身份证号有误",
    "缺少学信网证明",
    "缺少单位证明",
    "信息填写不全",
    "其他",
)
"""The reviewer's standard reasons for 退回补正; any other text may be typed too."""

REASON_SEPARATOR = "；"
"""How several reasons are joined in history (and split again when read back)."""

MAIN_LINE: tuple[S, ...] = (
    S.REGISTERED,
    S.COUNTY_CHECKED,
    S.REVIEW_PASSED,
    S.SENT_TO_PROVINCE,
    S.PROVINCE_CHECKED,
    S.PHONED,
    S.CONFIRMED,
)
"""The notice's order. 县区已审 is on it but never missed: the city's departments register
with the class contacts directly (§八.1) and have no county check."""

OUTCOMES: dict[S, S] = {S.RETURNED: S.REVIEW_PASSED, S.PROVINCE_REJECTED: S.PROVINCE_CHECKED}
"""The refusals beside the main line, each with the step whose "no" it is."""

OPTIONAL: frozenset[S] = frozenset({S.COUNTY_CHECKED})

_RANK: dict[S, int] = {s: i for i, s in enumerate(MAIN_LINE)}
_RANK.update({side: _RANK[step] for side, step in OUTCOMES.items()})
_RANK[S.PAID] = _RANK[S.PHONED]  # old databases' 已缴费: phoned, money aside

# The ordinary next steps. A returned applicant comes back after fixing: to the county
# again, or straight to the reviewer; one the province turned down is sent again after
# fixing, or the province changes its answer.
_FORWARD: dict[S, tuple[S, ...]] = {
    S.REGISTERED: (S.COUNTY_CHECKED, S.REVIEW_PASSED, S.RETURNED),
    S.COUNTY_CHECKED: (S.REVIEW_PASSED, S.RETURNED),
    S.RETURNED: (S.REGISTERED, S.COUNTY_CHECKED, S.REVIEW_PASSED),
    S.REVIEW_PASSED: (S.SENT_TO_PROVINCE,),
    S.SENT_TO_PROVINCE: (S.PROVINCE_CHECKED, S.PROVINCE_REJECTED),
    S.PROVINCE_REJECTED: (S.SENT_TO_PROVINCE, S.PROVINCE_CHECKED),
    S.PROVINCE_CHECKED: (S.PHONED,),
    S.PHONED: (S.CONFIRMED,),
    S.PAID: (S.CONFIRMED,),
    S.CONFIRMED: (),
}

NEEDS_REASON: frozenset[S] = frozenset(OUTCOMES)
"""Targets that always need a reason: the office's 退回补正 and the province's 未通过."""

APPROVED: frozenset[S] = frozenset({S.PROVINCE_CHECKED, S.PHONED, S.PAID, S.CONFIRMED})
"""报名信息审核通过 (§八.2): who owes the fees. Whoever is not (yet) approved owes nothing:
money they sent is shown as paid in, to be refunded or kept until they are."""

PASSED_OR_BEYOND: frozenset[S] = frozenset(
    s for s in S if _RANK[s] >= _RANK[S.REVIEW_PASSED] and s is not S.RETURNED
)
"""Everyone the initial review passed, whatever happened since (statistics count them)."""


def rank(status: S) -> int:
    return _RANK[status]


def is_approved(status: S) -> bool:
    return status in APPROVED


def at_or_beyond(status: S, stage: S) -> bool:
    """Whether `status` has reached `stage`: on the main line by position; an outcome
    reaches what came before its step (a province "no" was sent), never past it."""
    if stage in OUTCOMES:
        return status is stage
    if status in OUTCOMES:
        return _RANK[stage] < _RANK[status] or stage is status
    return _RANK[status] >= _RANK[stage]


def next_steps(current: S) -> tuple[S, ...]:
    """The ordinary forward steps from `current`."""
    return _FORWARD[current]


def is_backward(current: S, target: S) -> bool:
    """A step back along the flow, or a refusal of a step already taken (退回补正 after
    初审通过, the province's late "no"): it needs a reason."""
    if target in OUTCOMES:
        return current is not target and _RANK[current] >= _RANK[OUTCOMES[target]]
    if current in OUTCOMES:
        return _RANK[target] < _RANK[current] and target not in _FORWARD[current]
    return _RANK[target] < _RANK[current]


def backward_steps(current: S) -> tuple[S, ...]:
    """Where `current` may be moved back to, with a reason."""
    return tuple(s for s in S if s is not current and s is not S.PAID
                 and is_backward(current, s))


def missing_steps(current: S, target: S) -> tuple[S, ...]:
    """The main-line steps a jump from `current` to `target` leaves out (county check
    aside); () for an ordinary step, a step back, or a jump the flow refuses."""
    if target in next_steps(current) or current in OUTCOMES or target is S.PAID:
        return ()
    low, high = _RANK[current], _RANK[target]
    if high <= low:
        return ()
    if target in OUTCOMES:  # the province's "no" for someone not yet marked as sent
        high = _RANK[target]
    return tuple(s for s in MAIN_LINE if low < _RANK[s] < high and s not in OPTIONAL)


def skip_steps(current: S) -> tuple[S, ...]:
    """Forward jumps that leave out steps: allowed after a warning (see `missing_steps`)."""
    return tuple(s for s in (*MAIN_LINE[1:], S.PROVINCE_REJECTED)
                 if missing_steps(current, s))


def labels(statuses: Iterable[S]) -> str:
    """"「已报省公司」、「省鉴定中心已核」"."""
    return "、".join(f"「{s.label}」" for s in statuses)


def missing_text(missing: Sequence[S], target: S) -> str:
    """The warning for a jump: what was not recorded, and how to go on."""
    return (f"尚未登记{labels(missing)}，就要改为「{target.label}」。"
            "如这些步骤确已办理（或确需先办这一步），可以继续：系统会记下跳过的步骤和操作人。")


@dataclass(frozen=True, slots=True)
class StepCheck:
    """What the flow says about `current` → `target`: a refusal (`problem`, with the way
    forward), or a warning (`missing` steps, overridable), or nothing at all."""

    current: S
    target: S
    problem: str | None
    missing: tuple[S, ...]
    backward: bool

    @property
    def warning(self) -> str | None:
        return missing_text(self.missing, self.target) if self.missing else None

    def allowed(self, override: bool = False) -> bool:
        return self.problem is None and (override or not self.missing)


def check_step(current: S, target: S, reasons: Sequence[str] = ()) -> StepCheck:
    """Judge `current` → `target` (see StepCheck). A step back and every refusal (退回补正,
    省鉴定中心未通过) need a reason (`reasons`, not just a note)."""
    has_reason = any(r.strip() for r in reasons)

    def refuse(text: str) -> StepCheck:
        return StepCheck(current, target, text, (), False)

    if current is target:
        return refuse(f"状态已经是「{target.label}」，无需更改。")
    if target is S.PAID:
        return refuse("是否已缴费由缴费记录决定，不是一个状态：请在「缴费」中登记缴费"
                      "或导入银行流水。")
    backward = is_backward(current, target)
    if target is S.RETURNED and not has_reason:
        return refuse("退回补正须选择或填写退回原因（如 照片不合格、缺少学信网证明）。")
    if target is S.PROVINCE_REJECTED and not has_reason:
        return refuse("省鉴定中心未通过须填写原因（照省公司退回名单上的原因写）。")
    if backward:
        if not has_reason:
            return refuse(f"从「{current.label}」退回到「{target.label}」是回退操作，须填写原因。")
        return StepCheck(current, target, None, (), True)
    if target in next_steps(current):
        return StepCheck(current, target, None, (), False)
    missing = missing_steps(current, target)
    if missing:
        return StepCheck(current, target, None, missing, False)
    forward = next_steps(current)
    if current is S.RETURNED:
        text = "报名已退回补正：补正后请先重新初审（改为「初审通过」），再办后面的步骤。"
    elif current is S.PROVINCE_REJECTED:
        text = ("省鉴定中心未通过：补正后请重新报省公司（「已报省公司」），或省公司改判后登记"
                "「省鉴定中心已核」，再办后面的步骤。")
    else:
        allowed = f"下一步可以改为：{labels(forward)}" if forward else "这已是最后一步"
        back = backward_steps(current)
        if back:
            allowed += f"；填写原因后可退回到：{labels(back)}"
        text = f"不能从「{current.label}」直接改为「{target.label}」。{allowed}。"
    return refuse(text)


def transition_problem(current: S, target: S, *, reasons: Sequence[str] = (),
                       override: bool = False) -> str | None:
    """Why `current` → `target` cannot be done now (a Chinese message), or None.

    Without `override`, a jump that leaves out steps answers with the warning.
    """
    check = check_step(current, target, reasons)
    if check.problem is not None:
        return check.problem
    return None if override else check.warning


# ---------------------------------------------------------------- status filters
@dataclass(frozen=True, slots=True)
class StatusFilter:
    """A list's or an export's status choice: one status exactly, or that step and every
    later one on the main line ("初审通过及以后": never returned, unreviewed or turned-down
    people)."""

    status: S
    and_later: bool = False

    @property
    def statuses(self) -> frozenset[S]:
        if not self.and_later:
            return frozenset({self.status})
        if self.status in OUTCOMES:
            return frozenset({self.status})
        return frozenset(s for s in S if s not in OUTCOMES and _RANK[s] >= _RANK[self.status])

    def matches(self, status: S) -> bool:
        return status in self.statuses

    @property
    def label(self) -> str:
        return f"{self.status.label}及以后" if self.and_later else self.status.label


FOR_PROVINCE = StatusFilter(S.REVIEW_PASSED, and_later=True)
"""What goes to the province by default: 初审通过 and every later step."""

StatusSelector = S | StatusFilter
"""A status (exactly that one) or a StatusFilter."""


def selected_statuses(selector: StatusSelector) -> frozenset[S]:
    return selector.statuses if isinstance(selector, StatusFilter) else frozenset({selector})


def selector_label(selector: StatusSelector | None) -> str:
    if selector is None:
        return "全部"
    return selector.label


def parse_status_filter(text: str) -> StatusFilter | None:
    """"初审通过" (exactly), "初审通过+", "初审通过及以后", "3+": None when unknown."""
    t = (text or "").strip()
    and_later = False
    for suffix in ("及以后", "以后", "及之后", "+", "＋"):
        if t.endswith(suffix):
            t, and_later = t[: -len(suffix)].strip(), True
            break
    status = S.parse(t)
    if status is None or status is S.PAID:
        return None
    return StatusFilter(status, and_later)


# ---------------------------------------------------------------- reasons
def join_reasons(reasons: Sequence[str]) -> str:
    """Reasons as one line of history text; a separator typed inside a reason is softened
    so that the line splits back into the same reasons."""
    cleaned = [r.strip().replace(REASON_SEPARATOR, "，") for r in reasons if r.strip()]
    return REASON_SEPARATOR.join(dict.fromkeys(cleaned))


def split_reasons(text: str) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split(REASON_SEPARATOR) if r)
