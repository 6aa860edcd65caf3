"""The applicant's flow of SPEC.md as rules: which status may follow which, and why not."""

from __future__ import annotations

from collections.abc import Sequence

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

# Position along the flow. RETURNED sits beside REVIEW_PASSED: both are outcomes of the
# initial review.
_RANK: dict[S, int] = {
    S.REGISTERED: 0,
    S.COUNTY_CHECKED: 1,
    S.REVIEW_PASSED: 2,
    S.RETURNED: 2,
    S.PHONED: 3,
    S.PAID: 4,
    S.CONFIRMED: 5,
    S.SENT_TO_PROVINCE: 6,
    S.PROVINCE_CHECKED: 7,
}

# The ordinary next steps. Initial review may start from 已报名: applicants of the city's
# departments register with the class contacts directly (notice §八.1) and have no county
# check. A returned applicant comes back after fixing: to the county again, or straight to
# the reviewer.
_FORWARD: dict[S, tuple[S, ...]] = {
    S.REGISTERED: (S.COUNTY_CHECKED, S.REVIEW_PASSED, S.RETURNED),
    S.COUNTY_CHECKED: (S.REVIEW_PASSED, S.RETURNED),
    S.RETURNED: (S.REGISTERED, S.COUNTY_CHECKED, S.REVIEW_PASSED),
    S.REVIEW_PASSED: (S.PHONED,),
    S.PHONED: (S.PAID,),  # or CONFIRMED when nothing is owed: see next_steps
    S.PAID: (S.CONFIRMED,),
    S.CONFIRMED: (S.SENT_TO_PROVINCE,),
    S.SENT_TO_PROVINCE: (S.PROVINCE_CHECKED,),
    S.PROVINCE_CHECKED: (),
}

PASSED_OR_BEYOND: frozenset[S] = frozenset(
    s for s in S if _RANK[s] >= _RANK[S.REVIEW_PASSED] and s is not S.RETURNED
)
"""Everyone the initial review passed, whatever happened since (statistics count them)."""


def rank(status: S) -> int:
    return _RANK[status]


def at_or_beyond(status: S, stage: S) -> bool:
    """Whether `status` has reached `stage` on the main line (RETURNED reaches nothing
    past the review)."""
    if status is S.RETURNED:
        return stage in (S.REGISTERED, S.COUNTY_CHECKED, S.RETURNED)
    if stage is S.RETURNED:
        return False
    return _RANK[status] >= _RANK[stage]


def next_steps(current: S, owes_nothing: bool = False) -> tuple[S, ...]:
    """The ordinary forward steps from `current`. Who owes nothing (e.g. 2020 未通过 and
    only attending) goes from 已电话通知 straight to 现场确认: there is nothing to pay."""
    if current is S.PHONED and owes_nothing:
        return (S.CONFIRMED,)
    return _FORWARD[current]


def is_backward(current: S, target: S) -> bool:
    """A step back along the flow (or a later 退回): it needs a reason."""
    if target is S.RETURNED:
        return _RANK[current] >= _RANK[S.REVIEW_PASSED] and current is not S.RETURNED
    if current is S.RETURNED:
        return False  # coming back after fixing is what RETURNED is for
    return _RANK[target] < _RANK[current]


def backward_steps(current: S) -> tuple[S, ...]:
    """Where `current` may be moved back to, with a reason."""
    return tuple(s for s in S if s is not current and is_backward(current, s))


def _labels(statuses: Sequence[S]) -> str:
    return "、".join(f"「{s.label}」" for s in statuses)


def transition_problem(
    current: S,
    target: S,
    *,
    owes_nothing: bool = False,
    reasons: Sequence[str] = (),
) -> str | None:
    """Why `current` → `target` is refused (a Chinese message), or None when allowed.

    A step back needs a reason (`reasons`, not just a note); so does 退回补正 always.
    """
    has_reason = any(r.strip() for r in reasons)
    if current is target:
        return f"状态已经是「{target.label}」，无需更改。"
    if target is S.RETURNED and not has_reason:
        return "退回补正须选择或填写退回原因（如 照片不合格、缺少学信网证明）。"
    if is_backward(current, target):
        if not has_reason:
            return (
                f"从「{current.label}」退回到「{target.label}」是回退操作，须填写原因。"
            )
        return None
    forward = next_steps(current, owes_nothing)
    if target in forward:
        return None
    if current is S.PHONED and target is S.CONFIRMED:
        return "该学员尚未缴费：须先缴清费用（状态「已缴费」）才能现场确认。"
    if current is S.PHONED and target is S.PAID and owes_nothing:
        return "该学员无需缴费（应缴 0 元）：电话通知后可直接现场确认。"
    back = backward_steps(current)
    allowed = f"下一步可以改为：{_labels(forward)}" if forward else "这已是最后一步"
    if back:
        allowed += f"；填写原因后可退回到：{_labels(back)}"
    return f"不能从「{current.label}」直接改为「{target.label}」。{allowed}。"


def join_reasons(reasons: Sequence[str]) -> str:
    """Reasons as one line of history text; a separator typed inside a reason is softened
    so that the line splits back into the same reasons."""
    cleaned = [r.strip().replace(REASON_SEPARATOR, "，") for r in reasons if r.strip()]
    return REASON_SEPARATOR.join(dict.fromkeys(cleaned))


def split_reasons(text: str) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split(REASON_SEPARATOR) if r)
