"""Initial review, status changes with history, and the call list — SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.codes import ApplicantStatus as S
from app.domain.codes import Education, EnrolmentType, RegistrationType
from app.services.calls import CallOutcome, CallService
from app.services.errors import ConflictError, InputError, NotFoundError
from app.services.payments import PaymentService
from app.services.workflow import (
    RETURN_REASONS,
    PhotoState,
    ReviewBlockedError,
    StepsMissingError,
    TransitionError,
    WorkflowService,
)
from db.models import CallLog, History
from tests.support.desk import CLOCK, MAIN_LINE, add_photo, advance, person, register


def wf(db: Any, operator: str = "张晓桐") -> WorkflowService:
    return WorkflowService(db, operator, clock=lambda: CLOCK)


def calls(db: Any, operator: str = "陆薇") -> CallService:
    return CallService(db, operator, clock=lambda: CLOCK)


def status_rows(db: Any, applicant_id: int) -> list[dict[str, Any]]:
    with db.read() as s:
        return [
            {"changes": json.loads(h.changes_json), "note": h.note, "operator": h.operator,
             "action": h.action}
            for h in s.scalars(select(History).where(
                History.applicant_id == applicant_id, History.entity == "status")
                .order_by(History.id))
        ]


# ---------------------------------------------------------------- transitions
def test_the_whole_main_line_leaves_a_history_step_each(db: Any) -> None:
    aid = register(db)
    w = wf(db)
    versions = [w.applicants.get(aid).version]
    for step in MAIN_LINE[1:]:
        rec = w.transition(aid, step, note=f"到{step.label}")
        assert rec.status is step
        versions.append(rec.version)
    assert versions == sorted(set(versions)), "every step is a new version"
    history = w.status_history(aid)
    assert [(h.from_status, h.to_status) for h in history] == list(itertools.pairwise(MAIN_LINE))
    assert all(h.operator == "张晓桐" and not h.backward for h in history)
    assert history[2].note == "到已报省公司"
    rows = status_rows(db, aid)
    assert rows[0]["changes"] == {"status": ["1 已报名", "2 县区已审"]}
    assert rows[0]["action"] == "status"


def test_a_refused_step_says_the_allowed_ones(db: Any) -> None:
    aid = person(db, status=S.PROVINCE_CHECKED)
    with pytest.raises(TransitionError) as e:
        wf(db).transition(aid, S.PROVINCE_REJECTED)
    assert "须填写原因" in e.value.message
    with pytest.raises(TransitionError, match="缴费记录"):
        wf(db).transition(aid, S.PAID)
    returned = person(db, "退回", S.RETURNED)
    with pytest.raises(TransitionError) as e:
        wf(db).transition(returned, S.SENT_TO_PROVINCE)
    assert e.value.message == ("报名已退回补正：补正后请先重新初审（改为「初审通过」），"
                               "再办后面的步骤。")
    assert e.value.forward == (S.REGISTERED, S.COUNTY_CHECKED, S.REVIEW_PASSED)
    assert wf(db).applicants.get(returned).status is S.RETURNED


def test_sending_to_the_province_right_after_the_initial_review(db: Any) -> None:
    """Old behaviour: `status KEY --to 已报省公司` after 初审 was refused (it came after
    payment and 现场确认)."""
    aid = person(db, status=S.REVIEW_PASSED)
    rec = wf(db).transition(aid, S.SENT_TO_PROVINCE)
    assert rec.status is S.SENT_TO_PROVINCE
    assert wf(db).allowed_steps(aid).forward == (S.PROVINCE_CHECKED, S.PROVINCE_REJECTED)


def test_a_skipped_step_asks_once_then_records_who_went_on(db: Any) -> None:
    aid = person(db, "越过", S.REVIEW_PASSED)
    w = wf(db, "陆薇")
    with pytest.raises(StepsMissingError) as e:
        w.transition(aid, S.PHONED)
    assert e.value.missing == (S.SENT_TO_PROVINCE, S.PROVINCE_CHECKED)
    assert e.value.message.startswith("越过：尚未登记「已报省公司」、「省鉴定中心已核」")
    assert w.applicants.get(aid).status is S.REVIEW_PASSED, "nothing written before asking"
    rec = w.transition(aid, S.PHONED, override=True)
    assert rec.status is S.PHONED
    row = status_rows(db, aid)[-1]
    assert row["action"] == "override" and row["operator"] == "陆薇"
    assert row["changes"]["跳过步骤"] == [None, "「已报省公司」、「省鉴定中心已核」"]
    assert w.allowed_steps(person(db, "乙", S.REVIEW_PASSED)).skips == (
        S.PROVINCE_CHECKED, S.PHONED, S.CONFIRMED, S.PROVINCE_REJECTED)


def test_moving_back_needs_a_reason_and_records_it(db: Any) -> None:
    aid = person(db, status=S.CONFIRMED)
    w = wf(db, "陆薇")
    with pytest.raises(TransitionError, match="回退操作，须填写原因"):
        w.transition(aid, S.PHONED)
    rec = w.transition(aid, S.PHONED, reasons=["误点了确认"], note="学历证明是复印件")
    assert rec.status is S.PHONED
    last = w.status_history(aid)[-1]
    assert (last.from_status, last.to_status, last.backward) == (S.CONFIRMED, S.PHONED, True)
    assert last.reasons == ("误点了确认",) and last.note == "学历证明是复印件"
    assert last.operator == "陆薇"
    assert status_rows(db, aid)[-1]["changes"]["reasons"] == [None, "误点了确认"]
    # the province's late "no", from far along the line, with its reason
    rec = w.transition(aid, S.PROVINCE_REJECTED, reasons=["省鉴定中心：学历证明不清晰"])
    assert rec.status is S.PROVINCE_REJECTED
    assert w.status_history(aid)[-1].backward


def test_returned_comes_back_and_can_pass_again(db: Any) -> None:
    aid = person(db, status=S.COUNTY_CHECKED)
    add_photo(db, aid)
    w = wf(db)
    rec = w.review_return(aid, None, ["缺少学信网证明", "信息填写不全"], note="手机号缺一位")
    assert rec.status is S.RETURNED
    last = w.last_review(aid)
    assert last is not None and not last.passed
    assert last.reasons == ("缺少学信网证明", "信息填写不全")
    assert last.text == "退回补正：缺少学信网证明；信息填写不全（手机号缺一位）"
    with pytest.raises(TransitionError, match="补正后请先重新初审"):
        w.transition(aid, S.PHONED)
    rec = w.transition(aid, S.COUNTY_CHECKED, note="已补交学信网证明")  # no reason needed
    rec = w.review_pass(aid, rec.version)
    assert rec.status is S.REVIEW_PASSED
    assert w.last_review(aid).passed  # type: ignore[union-attr]


def test_payment_is_no_status_so_confirmation_does_not_wait_for_it(db: Any) -> None:
    """Old behaviour: 已电话通知 → 已现场确认 was refused until 已缴费."""
    audit = person(db, "王听课", S.PHONED, enrolment_type=EnrolmentType.RETAKE_AUDIT)
    new = person(db, "李新", S.PHONED)
    w = wf(db)
    assert w.allowed_steps(audit).forward == (S.CONFIRMED,)
    assert w.transition(audit, S.CONFIRMED).status is S.CONFIRMED
    assert w.transition(new, S.CONFIRMED).status is S.CONFIRMED


def test_a_stale_version_is_a_conflict(db: Any) -> None:
    aid = register(db)
    w = wf(db)
    v = w.applicants.get(aid).version
    w.transition(aid, S.COUNTY_CHECKED, expected_version=v)
    with pytest.raises(ConflictError) as e:
        w.transition(aid, S.REVIEW_PASSED, expected_version=v)
    assert e.value.current is not None and e.value.current.status is S.COUNTY_CHECKED
    with pytest.raises(NotFoundError):
        w.transition(999999, S.COUNTY_CHECKED)


def test_transition_many_reports_who_was_left(db: Any) -> None:
    a, b = register(db, "甲"), register(db, "乙")
    c = person(db, "丙", S.PHONED)
    result = wf(db).transition_many([a, b, c, a], S.COUNTY_CHECKED, note="县区汇总表已到")
    assert result.changed == (a, b)
    assert [aid for aid, _ in result.refused] == [c]
    assert "是回退，须逐人填写原因" in result.refused[0][1]
    assert result.message == "已更改 2 人，1 人未更改。"


def test_a_county_batch_becomes_county_checked(db: Any) -> None:
    a, b = register(db, "甲"), register(db, "乙")
    c = person(db, "丙", S.REVIEW_PASSED)
    result = wf(db).mark_county_checked([a, b, c], "如皋市")
    assert result.changed == (a, b) and result.refused == ()
    assert wf(db).applicants.get(c).status is S.REVIEW_PASSED
    assert wf(db).status_history(a)[-1].note == "如皋市材料完整性审查（随县区报名表导入）"


# ---------------------------------------------------------------- review
def test_blockers_show_validation_eligibility_and_photo(db: Any) -> None:
    good = register(db, "王好")
    add_photo(db, good)
    assert wf(db).blockers(good) == []

    low = register(db, "高中生", education=Education.HIGH_SCHOOL, mobile="")
    problems = wf(db).blockers(low)
    fields = {p.field for p in problems if p.is_error}
    assert {"education", "mobile"} <= fields
    assert all(p.is_error for p in problems[: len(fields)]), "errors come first"
    photo = next(p for p in problems if p.field == "photo")
    assert photo.message.startswith("没有电子照片：现场确认时收取")
    assert not photo.is_error, "a missing photo does not stop 初审 (a 现场确认 material)"

    bad = register(db, "照片差")
    add_photo(db, bad, passed=False, check_json=json.dumps({
        "summary": "不合格",
        "problems": [["photo", "error", "文件 35KB，超过 20KB"],
                     ["photo", "warning", "照片偏暗"]],
    }, ensure_ascii=False))
    assert [p.message for p in wf(db).blockers(bad)] == ["电子照片不合格：文件 35KB，超过 20KB"]


def test_review_pass_is_refused_while_there_are_errors(db: Any) -> None:
    aid = person(db, "无手机", S.COUNTY_CHECKED, mobile="")
    w = wf(db)
    v = w.applicants.get(aid).version
    with pytest.raises(ReviewBlockedError) as e:
        w.review_pass(aid, v)
    assert [p.field for p in e.value.problems] == ["mobile"]
    assert "暂不能通过初审" in e.value.message
    with pytest.raises(InputError, match="写明理由"):
        w.review_pass(aid, v, override=True)
    rec = w.review_pass(aid, v, "手机现场补填", override=True)
    assert rec.status is S.REVIEW_PASSED
    note = w.status_history(aid)[-1].note
    assert note.startswith("手机现场补填（仍然通过，存在问题：")
    nophoto = person(db, "无照片", S.COUNTY_CHECKED)
    assert w.review_pass(nophoto, None).status is S.REVIEW_PASSED, "the photo comes on the day"


def test_review_return_needs_reasons(db: Any) -> None:
    aid = person(db, status=S.COUNTY_CHECKED)
    w = wf(db)
    with pytest.raises(InputError, match="至少一条退回原因"):
        w.review_return(aid, None, [" "])
    with pytest.raises(InputError, match="选择「其他」"):
        w.review_return(aid, None, ["其他"])
    with pytest.raises(TransitionError, match="退回原因"):
        w.transition(aid, S.RETURNED, note="只有说明，没有原因")
    assert "照片不合格" in RETURN_REASONS
    rec = w.review_return(aid, None, ["其他"], note="单位公章不清晰")
    assert rec.status is S.RETURNED


def test_review_list(db: Any) -> None:
    a = register(db, "甲")
    b = person(db, "乙", S.COUNTY_CHECKED)
    add_photo(db, b, passed=False)
    c = person(db, "丙", S.RETURNED)
    person(db, "丁", S.PHONED)
    rows = wf(db).review_list()
    assert [(r.id, r.photo) for r in rows] == [
        (a, PhotoState.MISSING), (b, PhotoState.FAILED), (c, PhotoState.MISSING)]
    assert rows[0].serial_text == "0001"
    assert len(wf(db).review_list(include_reviewed=True)) == 4


# ---------------------------------------------------------------- calls
def test_call_list_tells_result_amount_remark_and_what_to_bring(db: Any) -> None:
    new = person(db, "张三", S.PROVINCE_CHECKED, mobile="13912345678")
    free = person(db, "王听课", S.PROVINCE_CHECKED, enrolment_type=EnrolmentType.RETAKE_AUDIT)
    resit = person(db, "赵补考", S.PROVINCE_CHECKED, enrolment_type=EnrolmentType.RESIT,
                   registration_type=RegistrationType.INDIVIDUAL)
    back = person(db, "钱退回", S.COUNTY_CHECKED)
    wf(db).review_return(back, None, ["照片不合格", "缺少单位证明"])
    no = person(db, "周未过", S.PROVINCE_REJECTED)
    person(db, "孙未审", S.COUNTY_CHECKED)  # not reviewed: nobody to phone yet
    waiting = person(db, "吴待核", S.SENT_TO_PROVINCE)  # told once the province answers

    items = {i.applicant_id: i for i in calls(db).call_list()}
    assert list(items) == [new, free, resit, back, no]
    i = items[new]
    assert (i.name, i.mobile, i.point_name) == ("张三", "13912345678", "崇川区")
    assert i.result == "审核通过"
    assert i.transfer_remark == "南通张三助理信用管理师"
    assert (i.due.training, i.due.exam, i.due.total, i.amount_text) == (2800, 330, 3130, "3130 元")
    assert [b.key for b in i.bring] == ["education", "id_copy", "photos", "forms",
                                        "employer_proof"]
    assert "您的报名信息已审核通过" in i.script
    assert "转账备注务必写「南通张三助理信用管理师」" in i.script
    assert "账号 0120240000002229" in i.script and "1. 学信网学历证明材料" in i.script
    assert (i.attempts, i.last_outcome, i.done) == (0, None, False)
    assert items[free].due.total == 0 and items[free].transfer_remark == ""
    assert "转账" not in items[free].script and "无需缴费" in items[free].script
    assert items[resit].due.total == 330
    assert items[resit].transfer_remark == "南通赵补考补考助理"
    assert "转账备注务必写「南通赵补考补考助理」" in items[resit].script
    assert "employer_proof" not in [b.key for b in items[resit].bring], "个人报名"
    r = items[back]
    assert r.result == "退回补正：照片不合格；缺少单位证明"
    assert r.reasons == ("照片不合格", "缺少单位证明")
    assert "须退回补正" in r.script and "转账" not in r.script
    assert items[no].result == "省鉴定中心未通过：学历证明不符"
    assert "转账" not in items[no].script
    every = calls(db).call_list(include_waiting=True)
    assert waiting in [i.applicant_id for i in every]
    assert next(i for i in every if i.applicant_id == waiting).waiting


def test_record_call_outcomes(db: Any) -> None:
    aid = person(db, "张三", S.PROVINCE_CHECKED)
    c = calls(db)
    res = c.record_call(aid, "无人接听", "晚上再打")
    assert res.still_on_list and res.status_after is S.PROVINCE_CHECKED
    assert "第 1 次" in res.message
    res = c.record_call(aid, CallOutcome.WRONG_NUMBER)
    item = c.call_list()[0]
    assert (item.attempts, item.last_outcome, item.last_operator) == (
        2, CallOutcome.WRONG_NUMBER, "陆薇")
    res = c.record_call(aid, "已接通", "本人接听，周五前转账")
    assert not res.still_on_list
    assert (res.status_before, res.status_after) == (S.PROVINCE_CHECKED, S.PHONED)
    assert c.call_list() == []
    done = c.call_list(include_done=True)
    assert [i.applicant_id for i in done] == [aid] and done[0].done
    assert done[0].last_note == "本人接听，周五前转账"
    last = wf(db).status_history(aid)[-1]
    assert last.to_status is S.PHONED and last.operator == "陆薇"
    assert last.note == "电话通知审核结果：本人接听，周五前转账"
    with db.read() as s:
        logged = s.scalars(select(History.note).where(
            History.applicant_id == aid, History.entity == "call")).all()
        outcomes = s.scalars(select(CallLog.outcome).where(CallLog.applicant_id == aid)
                             .order_by(CallLog.id)).all()
    assert logged == ["晚上再打", "", "本人接听，周五前转账"]
    assert outcomes == ["queued", "no_answer", "wrong_number", "reached"]
    assert c.calls(aid)[0].text == "待通知（审核结果）：省鉴定中心已核：审核通过"
    with pytest.raises(InputError, match="不认识的通话结果"):
        c.record_call(aid, "占线吧")


def test_a_call_before_the_provinces_answer_asks_first(db: Any) -> None:
    aid = person(db, "张三", S.SENT_TO_PROVINCE)
    with pytest.raises(StepsMissingError) as e:
        calls(db).record_call(aid, "已接通")
    assert e.value.missing == (S.PROVINCE_CHECKED,)
    assert calls(db).calls(aid) == [], "nothing logged before the person decides"
    res = calls(db).record_call(aid, "已接通", override=True)
    assert res.status_after is S.PHONED


def test_a_returned_person_reached_stays_returned(db: Any) -> None:
    aid = person(db, status=S.COUNTY_CHECKED)
    wf(db).review_return(aid, None, ["身份证号有误"])
    res = calls(db).record_call(aid, "已接通")
    assert res.status_after is S.RETURNED
    assert calls(db).call_list() == []
    # fixed, reviewed, sent and approved: a new call is owed
    wf(db).transition(aid, S.COUNTY_CHECKED)
    add_photo(db, aid)
    wf(db).review_pass(aid, None)
    assert calls(db).call_list() == [], "told once the province has answered"
    advance(db, aid, S.PROVINCE_CHECKED)
    assert [i.result for i in calls(db).call_list()] == ["审核通过"]


def test_money_in_before_the_call_shows_in_the_script(db: Any) -> None:
    aid = person(db, "张三", S.PROVINCE_CHECKED)
    PaymentService(db, "陆薇", clock=lambda: CLOCK).record_payment(
        aid, 2800, date(2021, 9, 19), "南通张三助理信用管理师")
    item = calls(db).call_list()[0]
    assert item.amount_text == "330 元" and "请将 330 元转账" in item.script
    res = calls(db).record_call(aid, "reached")
    assert res.status_after is S.PHONED, "payment is no status"
