"""The flow in the notice's order: every pair of states, forward, skipped (a warning one
key goes past), backward (with a reason) and refused (with the way forward)."""

from __future__ import annotations

import itertools

import pytest

from app.domain.codes import ApplicantStatus as S
from app.domain.codes import EnrolmentType
from app.domain.flow import (
    APPROVED,
    FOR_PROVINCE,
    PASSED_OR_BEYOND,
    RETURN_REASONS,
    StatusFilter,
    at_or_beyond,
    check_step,
    join_reasons,
    missing_steps,
    next_steps,
    parse_status_filter,
    split_reasons,
    transition_problem,
)

# Written out by hand from the notice (§八.1 初审 → 及时报至省联合征信公司 → 省人社厅职业技能
# 鉴定中心核查; §八.2 审核通过后逐一电话告知 → 转账; §八.3 现场确认) and SPEC.md.
LINE = [S.REGISTERED, S.COUNTY_CHECKED, S.REVIEW_PASSED, S.SENT_TO_PROVINCE,
        S.PROVINCE_CHECKED, S.PHONED, S.CONFIRMED]
FORWARD: dict[S, set[S]] = {
    S.REGISTERED: {S.COUNTY_CHECKED, S.REVIEW_PASSED, S.RETURNED},
    S.COUNTY_CHECKED: {S.REVIEW_PASSED, S.RETURNED},
    S.RETURNED: {S.REGISTERED, S.COUNTY_CHECKED, S.REVIEW_PASSED},
    S.REVIEW_PASSED: {S.SENT_TO_PROVINCE},
    S.SENT_TO_PROVINCE: {S.PROVINCE_CHECKED, S.PROVINCE_REJECTED},
    S.PROVINCE_REJECTED: {S.SENT_TO_PROVINCE, S.PROVINCE_CHECKED},
    S.PROVINCE_CHECKED: {S.PHONED},
    S.PHONED: {S.CONFIRMED},
    S.CONFIRMED: set(),
}
STATES = [s for s in S if s is not S.PAID]
PAIRS = [(a, b) for a, b in itertools.product(STATES, STATES) if a is not b]


def expected_missing(current: S, target: S) -> tuple[S, ...]:
    """Main-line steps strictly between, 县区已审 aside (the city's departments have none)."""
    if current in (S.RETURNED, S.PROVINCE_REJECTED) or target in FORWARD[current] \
            or target is S.RETURNED:
        return ()
    end = LINE.index(S.PROVINCE_CHECKED) if target is S.PROVINCE_REJECTED else (
        LINE.index(target) if target in LINE else -1)
    start = LINE.index(current)
    return tuple(s for s in LINE[start + 1:end] if s is not S.COUNTY_CHECKED)


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=lambda s: s.name)
def test_every_transition(current: S, target: S) -> None:
    plain = check_step(current, target)
    with_reason = check_step(current, target, reasons=["核对有误"])
    missing = expected_missing(current, target)
    if target in FORWARD[current] and target not in (S.RETURNED, S.PROVINCE_REJECTED):
        assert plain.allowed(), (current, target)
    elif missing:
        # a skipped step is a warning, never a refusal: one key goes on
        assert with_reason.problem is None and with_reason.missing == missing
        assert not with_reason.allowed() and with_reason.allowed(override=True)
        assert with_reason.warning is not None and "可以继续" in with_reason.warning
    elif with_reason.allowed():
        assert plain.problem is not None and "原因" in plain.problem
    else:
        assert with_reason.problem is not None, (current, target)
        assert any(w in with_reason.problem for w in ("不能从", "请先", "请重新", "最后一步"))


def test_the_notices_order_after_the_initial_review() -> None:
    """Old behaviour: 已报省公司 only after 已缴费 and 现场确认 ("status 0002 --to 已报省公司"
    after 初审 was refused). The notice sends to the province right after 初审."""
    assert transition_problem(S.REVIEW_PASSED, S.SENT_TO_PROVINCE) is None
    assert next_steps(S.REVIEW_PASSED) == (S.SENT_TO_PROVINCE,)
    assert next_steps(S.SENT_TO_PROVINCE) == (S.PROVINCE_CHECKED, S.PROVINCE_REJECTED)
    assert next_steps(S.PROVINCE_CHECKED) == (S.PHONED,)
    assert next_steps(S.PHONED) == (S.CONFIRMED,)


def test_confirmation_without_a_logged_call_is_a_warning_not_a_dead_end() -> None:
    """Old behaviour: 现场确认 was refused until 已缴费, and with no call logged, with no
    override. Now payment is no status at all and a missing call only asks."""
    check = check_step(S.PROVINCE_CHECKED, S.CONFIRMED)
    assert check.problem is None and check.missing == (S.PHONED,)
    assert check.allowed(override=True)
    assert check.warning == ("尚未登记「已电话通知」，就要改为「已现场确认」。"
                             "如这些步骤确已办理（或确需先办这一步），可以继续：系统会记下跳过的"
                             "步骤和操作人。")
    assert missing_steps(S.REVIEW_PASSED, S.CONFIRMED) == (
        S.SENT_TO_PROVINCE, S.PROVINCE_CHECKED, S.PHONED)
    assert "缴费记录" in (transition_problem(S.PHONED, S.PAID) or "")


def test_refusals_need_reasons_and_say_the_way_back() -> None:
    assert "退回原因" in (transition_problem(S.COUNTY_CHECKED, S.RETURNED) or "")
    assert "须填写原因" in (transition_problem(S.SENT_TO_PROVINCE, S.PROVINCE_REJECTED) or "")
    assert transition_problem(S.SENT_TO_PROVINCE, S.PROVINCE_REJECTED,
                              reasons=["学历证明不符"]) is None
    back = check_step(S.CONFIRMED, S.PROVINCE_REJECTED, ["省公司复核未通过"])
    assert back.allowed() and back.backward
    assert "重新初审" in (transition_problem(S.RETURNED, S.CONFIRMED) or "")
    assert "重新报省公司" in (transition_problem(S.PROVINCE_REJECTED, S.PHONED) or "")


def test_backward_needs_a_reason() -> None:
    assert "须填写原因" in (transition_problem(S.CONFIRMED, S.PHONED) or "")
    assert transition_problem(S.CONFIRMED, S.PHONED, reasons=["误点确认"]) is None
    assert transition_problem(S.CONFIRMED, S.PHONED, reasons=["  "]) is not None
    assert transition_problem(S.SENT_TO_PROVINCE, S.RETURNED, reasons=["省公司退回"]) is None


def test_same_state_is_refused() -> None:
    assert transition_problem(S.PHONED, S.PHONED) == "状态已经是「已电话通知」，无需更改。"


def test_stages_reached() -> None:
    assert at_or_beyond(S.CONFIRMED, S.SENT_TO_PROVINCE)
    assert at_or_beyond(S.PHONED, S.PROVINCE_CHECKED)
    assert not at_or_beyond(S.SENT_TO_PROVINCE, S.PHONED)
    assert not at_or_beyond(S.RETURNED, S.REVIEW_PASSED)
    assert at_or_beyond(S.RETURNED, S.COUNTY_CHECKED)
    assert at_or_beyond(S.PROVINCE_REJECTED, S.SENT_TO_PROVINCE)
    assert not at_or_beyond(S.PROVINCE_REJECTED, S.PROVINCE_CHECKED)
    assert at_or_beyond(S.PAID, S.PHONED) and not at_or_beyond(S.PAID, S.CONFIRMED)
    assert S.RETURNED not in PASSED_OR_BEYOND and S.REVIEW_PASSED in PASSED_OR_BEYOND
    assert {S.PROVINCE_CHECKED, S.PHONED, S.PAID, S.CONFIRMED} == APPROVED


def test_status_filter_this_step_and_later() -> None:
    """Old behaviour: a status filter matched one status exactly, so "初审通过" left out
    everyone already phoned, paid or confirmed."""
    assert FOR_PROVINCE.statuses == {S.REVIEW_PASSED, S.SENT_TO_PROVINCE, S.PROVINCE_CHECKED,
                                     S.PHONED, S.PAID, S.CONFIRMED}
    assert not FOR_PROVINCE.matches(S.RETURNED) and not FOR_PROVINCE.matches(S.REGISTERED)
    assert not FOR_PROVINCE.matches(S.PROVINCE_REJECTED)
    assert StatusFilter(S.REVIEW_PASSED).statuses == {S.REVIEW_PASSED}
    assert FOR_PROVINCE.label == "初审通过及以后"
    assert parse_status_filter("初审通过及以后") == FOR_PROVINCE
    assert parse_status_filter("3+") == FOR_PROVINCE
    assert parse_status_filter("已电话通知") == StatusFilter(S.PHONED)
    assert parse_status_filter("已缴费") is None and parse_status_filter("别的") is None


@pytest.mark.parametrize(("year", "resit", "audit"), [
    (2021, "2020年未通过·补考", "2020年未通过·只听课"),
    (2022, "2021年未通过·补考", "2021年未通过·只听课"),
])
def test_enrolment_labels_name_last_year(year: int, resit: str, audit: str) -> None:
    """Old behaviour: "2020" was a constant in the label."""
    assert EnrolmentType.RESIT.label_for(year) == resit
    assert EnrolmentType.RETAKE_AUDIT.label_for(year) == audit
    assert EnrolmentType.NEW.label_for(year) == "新学员"
    assert EnrolmentType.parse(resit) is EnrolmentType.RESIT
    assert EnrolmentType.parse(audit) is EnrolmentType.RETAKE_AUDIT


@pytest.mark.parametrize(("text", "expected"), [
    ("补考", EnrolmentType.RESIT), ("上年未通过·补考", EnrolmentType.RESIT),
    ("2020未通过补考", EnrolmentType.RESIT), ("只听课", EnrolmentType.RETAKE_AUDIT),
    ("2020未通过·听课", EnrolmentType.RETAKE_AUDIT), ("新学员", EnrolmentType.NEW),
    ("3", EnrolmentType.RESIT), ("去年", None),
])
def test_enrolment_type_read_from_sheets(text: str, expected: EnrolmentType | None) -> None:
    assert EnrolmentType.parse(text) is expected


def test_reasons_round_trip() -> None:
    assert RETURN_REASONS == ("照片不合格", "学历不符合报考条件", "身份证号有误", "缺少学信网证明",
                              "缺少单位证明", "信息填写不全", "其他")
    text = join_reasons(["照片不合格", " 身份证号有误 ", "", "其他：毕业证；学位证", "照片不合格"])
    assert text == "照片不合格；身份证号有误；其他：毕业证，学位证"
    assert split_reasons(text) == ("照片不合格", "身份证号有误", "其他：毕业证，学位证")
