"""The flow's transition table: every pair of states, forward, backward and refused."""

from __future__ import annotations

import itertools

import pytest

from app.domain.codes import ApplicantStatus as S
from app.domain.flow import (
    PASSED_OR_BEYOND,
    RETURN_REASONS,
    at_or_beyond,
    join_reasons,
    next_steps,
    split_reasons,
    transition_problem,
)

# Written out by hand from SPEC.md (and the notice's §八.1 for review straight from 已报名).
FORWARD: dict[S, set[S]] = {
    S.REGISTERED: {S.COUNTY_CHECKED, S.REVIEW_PASSED, S.RETURNED},
    S.COUNTY_CHECKED: {S.REVIEW_PASSED, S.RETURNED},
    S.RETURNED: {S.REGISTERED, S.COUNTY_CHECKED, S.REVIEW_PASSED},
    S.REVIEW_PASSED: {S.PHONED},
    S.PHONED: {S.PAID},
    S.PAID: {S.CONFIRMED},
    S.CONFIRMED: {S.SENT_TO_PROVINCE},
    S.SENT_TO_PROVINCE: {S.PROVINCE_CHECKED},
    S.PROVINCE_CHECKED: set(),
}
_LINE = [S.REGISTERED, S.COUNTY_CHECKED, S.REVIEW_PASSED, S.PHONED, S.PAID, S.CONFIRMED,
         S.SENT_TO_PROVINCE, S.PROVINCE_CHECKED]
BACKWARD: dict[S, set[S]] = {
    s: set(_LINE[: _LINE.index(s)]) | ({S.RETURNED} if _LINE.index(s) >= 2 else set())
    for s in _LINE
}
BACKWARD[S.RETURNED] = set()

PAIRS = [(a, b) for a, b in itertools.product(S, S) if a is not b]


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=lambda s: s.name)
def test_every_transition(current: S, target: S) -> None:
    plain = transition_problem(current, target)
    with_reason = transition_problem(current, target, reasons=["核对有误"])
    needs_reason = target is S.RETURNED or target in BACKWARD[current]
    if target in FORWARD[current] and target is not S.RETURNED:
        assert plain is None
    elif target in FORWARD[current] | BACKWARD[current]:
        assert plain is not None and "原因" in plain
        assert with_reason is None
    else:
        assert plain is not None and with_reason is not None, (current, target)
        assert "不能从" in with_reason or "缴" in with_reason
    assert needs_reason == (plain is not None and with_reason is None)


def test_a_refused_jump_names_the_allowed_steps() -> None:
    msg = transition_problem(S.REGISTERED, S.PAID)
    assert msg == ("不能从「已报名」直接改为「已缴费」。"
                   "下一步可以改为：「县区已审」、「初审通过」、「退回补正」。")
    msg = transition_problem(S.PAID, S.PROVINCE_CHECKED)
    assert msg is not None and "「已现场确认」" in msg and "填写原因后可退回到" in msg


def test_backward_needs_a_reason() -> None:
    assert "须填写原因" in (transition_problem(S.CONFIRMED, S.PAID) or "")
    assert transition_problem(S.CONFIRMED, S.PAID, reasons=["误点确认"]) is None
    assert transition_problem(S.CONFIRMED, S.PAID, reasons=["  "]) is not None
    assert transition_problem(S.COUNTY_CHECKED, S.RETURNED) is not None
    assert transition_problem(S.SENT_TO_PROVINCE, S.RETURNED, reasons=["省鉴定中心退回"]) is None


def test_same_state_is_refused() -> None:
    assert transition_problem(S.PAID, S.PAID) == "状态已经是「已缴费」，无需更改。"


def test_owing_nothing_skips_paid() -> None:
    assert next_steps(S.PHONED, owes_nothing=True) == (S.CONFIRMED,)
    assert transition_problem(S.PHONED, S.CONFIRMED, owes_nothing=True) is None
    assert "无需缴费" in (transition_problem(S.PHONED, S.PAID, owes_nothing=True) or "")
    assert "尚未缴费" in (transition_problem(S.PHONED, S.CONFIRMED) or "")


def test_stages_reached() -> None:
    assert at_or_beyond(S.CONFIRMED, S.PAID)
    assert at_or_beyond(S.PROVINCE_CHECKED, S.CONFIRMED)
    assert not at_or_beyond(S.RETURNED, S.REVIEW_PASSED)
    assert at_or_beyond(S.RETURNED, S.COUNTY_CHECKED)
    assert not at_or_beyond(S.PHONED, S.PAID)
    assert S.RETURNED not in PASSED_OR_BEYOND and S.REVIEW_PASSED in PASSED_OR_BEYOND
    assert len(PASSED_OR_BEYOND) == 6


def test_reasons_round_trip() -> None:
    assert RETURN_REASONS == ("照片不合格", "学历不符合报考条件", "身份证号有误", "缺少学信网证明",
                              "缺少单位证明", "信息填写不全", "其他")
    text = join_reasons(["照片不合格", " 身份证号有误 ", "", "其他：毕业证；学位证", "照片不合格"])
    assert text == "照片不合格；身份证号有误；其他：毕业证，学位证"
    assert split_reasons(text) == ("照片不合格", "身份证号有误", "其他：毕业证，学位证")
