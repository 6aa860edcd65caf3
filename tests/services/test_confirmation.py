"""On-site confirmation: lookup, card, ticks, incomplete sets, repeat confirmations, two
desks at once, receipt — SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.balance import PaymentState
from app.domain.codes import ApplicantStatus as S
from app.domain.codes import EnrolmentType, RegistrationType
from app.domain.yearmonth import YearMonth
from app.services.calls import CallService, CallTopic
from app.services.confirmation import ConfirmationService, ConfirmKind, LookupKind
from app.services.desk import when_text
from app.services.errors import InputError, NotFoundError
from app.services.payments import PaymentService
from app.services.workflow import WorkflowService
from db.models import History, MaterialCheck
from tests.services.confirm_workers import confirm_desk
from tests.support.desk import CLOCK, add_photo, advance, person, register

REQUIRED = ["education", "id_copy", "photos", "forms", "employer_proof"]


def desk(db: Any, operator: str = "台1") -> ConfirmationService:
    return ConfirmationService(db, operator, clock=lambda: CLOCK)


def checks(db: Any, applicant_id: int) -> dict[str, tuple[bool, str, str]]:
    with db.read() as s:
        return {c.item_key: (c.received, c.note, c.checked_by) for c in s.scalars(
            select(MaterialCheck).where(MaterialCheck.applicant_id == applicant_id))}


def history_count(db: Any, applicant_id: int) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(History)
                            .where(History.applicant_id == applicant_id)) or 0)


# ---------------------------------------------------------------- lookup
def test_lookup_by_id_serial_name(db: Any) -> None:
    a = person(db, "张三", S.PHONED, id_number="32060219900307125X")
    b = register(db, "李四")
    c = register(db, "李四")
    d = desk(db)
    full = d.lookup("32060219900307125X")
    assert full.kind is LookupKind.ID and full.found is not None and full.found.applicant_id == a
    assert d.lookup(" 3206 0219 9003 0712 5x ").found.applicant_id == a  # type: ignore[union-attr]
    assert d.lookup("０７１２５Ｘ").kind is LookupKind.ID_SUFFIX
    assert d.lookup("07125X").found.applicant_id == a  # type: ignore[union-attr]
    assert d.lookup("1").kind is LookupKind.SERIAL
    assert d.lookup("0001").found.applicant_id == a  # type: ignore[union-attr]
    assert d.lookup("张三").found.applicant_id == a  # type: ignore[union-attr]
    two = d.lookup("李四")
    assert two.ambiguous and [h.applicant_id for h in two.hits] == [b, c]
    assert two.message == "「李四」对应 2 人，请选择："
    assert d.lookup("zs").found.applicant_id == a  # type: ignore[union-attr]  # pinyin
    none = d.lookup("王五")
    assert none.not_found and "找不到姓名「王五」的报名记录" in none.message
    assert d.lookup("99999").not_found and "报名序号" in d.lookup("99999").message
    assert d.lookup("320602199001011234").not_found
    assert d.lookup("  ").kind is LookupKind.EMPTY
    with pytest.raises(NotFoundError):
        d.card(99999)


# ---------------------------------------------------------------- card
def test_card_shows_the_persons_own_checklist_payment_and_photo(db: Any) -> None:
    aid = person(db, "张三", S.PHONED, graduation=YearMonth(1998, 7),
                 prior_cert_level="会计从业资格")
    add_photo(db, aid, passed=True)
    card = desk(db).card(aid)
    assert (card.name, card.serial_text, card.point_name, card.status) == (
        "张三", "0001", "崇川区", S.PHONED)
    items = {i.key: i for i in card.items}
    assert items["education"].title == "学历证书原件及复印件"
    assert items["education"].reason == "1998年毕业（2001年之前）"
    assert items["qualification"].required
    assert not items["other_proof"].required
    assert items["other_proof"].reason == "未填其他证明材料，无需提供"
    assert not any(i.received or i.checked for i in card.items)
    assert card.balance.state is PaymentState.UNPAID and card.balance.due.total == 3130
    assert card.transfer_remark == "南通张三助理信用管理师"
    assert card.has_photo and card.photo_passed is True
    assert card.blocker == "" and card.can_confirm, "payment and 现场确认 in either order"
    assert card.payment_text == "未缴费：应缴 3130 元"
    assert desk(db).photo(aid) == b"\xff\xd8\xff\xd9"

    solo = person(db, "个人", S.PHONED, registration_type=RegistrationType.INDIVIDUAL)
    card = desk(db).card(solo)
    emp = next(i for i in card.items if i.key == "employer_proof")
    assert not emp.required and emp.reason == "个人报名无需提供"
    assert not card.has_photo and card.photo_passed is None
    assert card.can_confirm and card.blocker == ""


# ---------------------------------------------------------------- confirm
def test_complete_set_confirms_and_records_every_tick(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    PaymentService(db, "财务", clock=lambda: CLOCK).record_payment(
        aid, 3130, date(2021, 10, 12), "南通张三助理信用管理师")
    d = desk(db, "台2")
    card = d.card(aid)
    outcome = d.confirm(aid, {k: True for k in REQUIRED}, {"education": "学信网报告打印件"},
                        card.version)
    assert outcome.kind is ConfirmKind.CONFIRMED and outcome.confirmed
    assert outcome.status is S.CONFIRMED and outcome.confirmed_by == "台2"
    assert outcome.message.startswith("张三：材料齐全，已现场确认（台2 ")
    assert checks(db, aid) == {k: (True, "学信网报告打印件" if k == "education" else "", "台2")
                               for k in REQUIRED}
    last = WorkflowService(db, "x").status_history(aid)[-1]
    assert (last.from_status, last.to_status, last.operator) == (S.PHONED, S.CONFIRMED, "台2")
    after = d.card(aid)
    assert after.confirmed and after.confirmed_by == "台2" and after.missing == ()
    assert after.confirmed_text == f"已由 台2 于 {when_text(after.confirmed_at)} 确认"  # type: ignore[arg-type]
    assert all(i.checked_at is not None for i in after.required_items)


def test_incomplete_set_records_what_is_missing_and_calls_back(db: Any) -> None:
    aid = person(db, "张三", S.PHONED, mobile="13912345678")
    PaymentService(db, "财务", clock=lambda: CLOCK).record_payment(
        aid, 3130, date(2021, 10, 12), "南通张三助理信用管理师")
    d = desk(db)
    outcome = d.confirm(aid, {"education": True, "id_copy": True, "photos": True,
                              "forms": False}, {"forms": "申请表未签字"})
    assert outcome.kind is ConfirmKind.INCOMPLETE and not outcome.confirmed
    assert outcome.status is S.PHONED
    assert outcome.missing == ("报名表（附件2）和申请表（附件4）",
                               "单位出具的从事信用管理及相近专业技术工作证明")
    assert "已记录，并列入待通知名单" in outcome.message
    assert checks(db, aid)["forms"] == (False, "申请表未签字", "台1")
    with db.read() as s:
        notes = s.scalars(select(History.note).where(
            History.applicant_id == aid, History.entity == "confirm")).all()
    assert notes == ["材料不全：报名表（附件2）和申请表（附件4）、"
                     "单位出具的从事信用管理及相近专业技术工作证明"]
    item, = CallService(db, "陆薇", clock=lambda: CLOCK).call_list()
    assert item.applicant_id == aid and item.topic is CallTopic.FOLLOWUP
    assert item.result.startswith("材料不全：报名表")
    assert "您的现场确认尚未完成" in item.script

    # the person comes back with the rest: only what this desk ticks now is written
    outcome = desk(db, "台3").confirm(aid, {"forms": True, "employer_proof": True})
    assert outcome.confirmed
    assert checks(db, aid)["education"] == (True, "", "台1")
    assert checks(db, aid)["forms"] == (True, "申请表未签字", "台3")
    assert CallService(db, "陆薇", clock=lambda: CLOCK).call_list() == []


def test_already_confirmed_writes_nothing(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    first = desk(db, "台1").confirm(aid, {k: True for k in REQUIRED})
    assert first.confirmed
    before_hist, before_checks = history_count(db, aid), checks(db, aid)
    again = desk(db, "台2").confirm(aid, {"education": False, "qualification": True},
                                    {"education": "另一台的备注"})
    assert again.kind is ConfirmKind.ALREADY_CONFIRMED
    assert again.message == f"张三 已由 台1 于 {when_text(first.confirmed_at)} 确认，无需重复确认。"  # type: ignore[arg-type]
    assert again.confirmed_by == "台1" and again.confirmed_at == first.confirmed_at
    assert history_count(db, aid) == before_hist and checks(db, aid) == before_checks


def test_an_unpaid_person_is_confirmed_and_chased_for_the_money(db: Any) -> None:
    """Old behaviour: materials complete but not paid → NOT_READY, status unchanged."""
    unpaid = person(db, "未缴", S.PHONED)
    outcome = desk(db).confirm(unpaid, {k: True for k in REQUIRED})
    assert outcome.kind is ConfirmKind.CONFIRMED and outcome.status is S.CONFIRMED
    assert "尚未缴清（未缴费：应缴 3130 元），已列入待通知名单催缴" in outcome.message
    assert "还没有合格的电子照片" in outcome.message, "said, never a refusal"
    follow = {i.applicant_id: i for i in CallService(db, "x", clock=lambda: CLOCK).call_list()}
    assert follow[unpaid].result == "已现场确认，未缴费：应缴 3130 元"
    # the money arrives after: nothing more to do at the desk, the follow-up is done
    PaymentService(db, "财务", clock=lambda: CLOCK).record_payment(
        unpaid, 3130, date(2021, 10, 12), "南通未缴助理信用管理师")
    assert desk(db).card(unpaid).balance.state is PaymentState.PAID

    returned = person(db, "退回", S.RETURNED)
    outcome = desk(db).confirm(returned, {k: True for k in REQUIRED})
    assert outcome.kind is ConfirmKind.NOT_READY and "退回补正" in outcome.message
    assert "重新初审" in outcome.message
    assert all(v[0] for v in checks(db, returned).values()), "materials are recorded anyway"


def test_no_call_logged_asks_once_and_goes_on_with_one_key(db: Any) -> None:
    """Old behaviour: "材料已齐，但初审已通过，但尚未登记电话通知…" with no override."""
    aid = person(db, "张三", S.PROVINCE_CHECKED)
    card = desk(db).card(aid)
    assert card.can_confirm and card.skipped == (S.PHONED,)
    assert card.skipped_text == "尚未登记「已电话通知」：确认时会先询问，可以继续"
    outcome = desk(db, "台2").confirm(aid, {k: True for k in REQUIRED})
    assert outcome.kind is ConfirmKind.STEPS_MISSING and outcome.skipped == (S.PHONED,)
    assert outcome.status is S.PROVINCE_CHECKED
    assert all(v[0] for v in checks(db, aid).values()), "the ticks are kept"
    done = desk(db, "台2").confirm(aid, {}, override=True)
    assert done.confirmed
    with db.read() as s:
        row = s.scalars(select(History).where(History.applicant_id == aid,
                                              History.action == "override")).one()
    assert row.operator == "台2" and "「已电话通知」" in row.changes_json


def test_who_owes_nothing_confirms_straight_after_the_call(db: Any) -> None:
    aid = person(db, "王听课", S.PHONED, enrolment_type=EnrolmentType.RETAKE_AUDIT)
    card = desk(db).card(aid)
    assert card.balance.state is PaymentState.NOTHING_DUE and card.can_confirm
    assert card.transfer_remark == ""
    assert desk(db).confirm_all_required(aid).status is S.CONFIRMED


def test_ticks_merge_and_a_stale_untick_does_not_clear_another_desks_tick(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    one, two = desk(db, "台1"), desk(db, "台2")
    stale = two.card(aid)  # desk 2 opened the card first
    one.confirm(aid, {"education": True}, {"education": "原件已核"})
    out = two.confirm(aid, {"education": False, "id_copy": True}, {"education": "复印件"},
                      stale.version)
    assert out.kind is ConfirmKind.INCOMPLETE
    assert out.kept == ("学信网学历证明材料",)
    got = checks(db, aid)
    assert got["education"][0] is True, "desk 1's tick survives desk 2's old card"
    assert got["education"][1] == "原件已核；复印件", "both notes kept"
    assert got["id_copy"] == (True, "", "台2")
    # with a current card the untick is a real decision and goes through
    fresh = one.card(aid)
    one.confirm(aid, {"education": False}, expected_version=fresh.version)
    assert checks(db, aid)["education"][0] is False
    with pytest.raises(InputError, match="没有这些材料项：diploma"):
        one.confirm(aid, {"diploma": True})


def test_receipt(db: Any) -> None:
    aid = person(db, "张三", S.PHONED)
    d = desk(db, "台1")
    d.confirm(aid, {"education": True, "id_copy": True})
    text = d.receipt_text(aid)
    assert "现场确认回执" in text and "姓名：张三" in text
    assert "[√] 学信网学历证明材料（台1 " in text
    assert "[  ] 报名表（附件2）和申请表（附件4）（未收）" in text
    assert "[－] 其他证明材料原件（未填其他证明材料，无需提供）" in text
    assert "尚缺：2寸照片4张及照片电子档、报名表" in text
    d.confirm_all_required(aid)
    assert "确认：台1　" in d.receipt_text(aid)


# ---------------------------------------------------------------- two desks at once
ROUNDS = 4
TIMEOUT = 120


def _run_desks(url: str, args_for: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(args_for))
    out = ctx.Queue()
    procs = [ctx.Process(target=confirm_desk, args=(url, *a, barrier, out), daemon=True)
             for a in args_for]
    for p in procs:
        p.start()
    try:
        results = [out.get(timeout=TIMEOUT) for _ in procs]
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
                p.join()
    errors = [r["error"] for r in results if "error" in r]
    assert not errors, "a desk failed:\n" + "\n".join(errors)
    return sorted(results, key=lambda r: r["p"])


def _confirmations(db: Any, applicant_id: int) -> list[str]:
    return [h.operator for h in WorkflowService(db, "x").status_history(applicant_id)
            if h.to_status is S.CONFIRMED]


@pytest.mark.slow
def test_two_desks_confirming_the_same_person_at_once(db_url: str) -> None:
    """Both desks have every item: exactly one confirms, the other is told who did."""
    from app.services.database import open_database

    db = open_database(db_url, take_backups=False, daily_backup=False)
    try:
        ids = [person(db, f"同时{i}", S.PHONED) for i in range(ROUNDS)]
        all_items = dict.fromkeys(REQUIRED, True)
        results = _run_desks(db_url, [(p, ids, all_items, {}) for p in (1, 2)])
        for n, aid in enumerate(ids):
            kinds = sorted(r["outcomes"][n][1] for r in results)
            assert kinds == ["already_confirmed", "confirmed"], kinds
            winner = next(f"台{r['p']}" for r in results if r["outcomes"][n][1] == "confirmed")
            loser_msg = next(r["outcomes"][n][2] for r in results
                             if r["outcomes"][n][1] == "already_confirmed")
            assert f"已由 {winner} 于 " in loser_msg
            assert _confirmations(db, aid) == [winner], "exactly one confirmation in history"
            assert {k for k, v in checks(db, aid).items() if v[0]} == set(REQUIRED)
    finally:
        db.dispose()


@pytest.mark.slow
def test_two_desks_ticking_different_items_at_once_keep_both(db_url: str) -> None:
    """Each desk has half the items: both halves are kept and the person is confirmed once."""
    from app.services.database import open_database

    db = open_database(db_url, take_backups=False, daily_backup=False)
    try:
        ids = [person(db, f"分头{i}", S.PHONED) for i in range(ROUNDS)]
        half1 = {"education": True, "id_copy": True, "photos": True}
        half2 = {"forms": True, "employer_proof": True}
        results = _run_desks(db_url, [(1, ids, half1, {"education": "台1核对原件"}),
                                      (2, ids, half2, {"forms": "台2收表"})])
        for n, aid in enumerate(ids):
            kinds = Counter(r["outcomes"][n][1] for r in results)
            assert kinds == Counter({"incomplete": 1, "confirmed": 1}), kinds
            got = checks(db, aid)
            assert {k for k, v in got.items() if v[0]} == set(REQUIRED), "ticks of both kept"
            assert got["education"] == (True, "台1核对原件", "台1")
            assert got["forms"] == (True, "台2收表", "台2")
            assert len(_confirmations(db, aid)) == 1
            assert WorkflowService(db, "x").applicants.get(aid).status is S.CONFIRMED
    finally:
        db.dispose()


def test_advance_helper_reaches_confirmed_for_who_owes_nothing(db: Any) -> None:
    aid = register(db, "听课", enrolment_type=EnrolmentType.RETAKE_AUDIT)
    advance(db, aid, S.CONFIRMED)
    assert desk(db).card(aid).status is S.CONFIRMED


def test_confirmed_today_counts_every_desk(db: Any) -> None:
    from datetime import date, timedelta

    first, second, third = (person(db, n, S.PHONED) for n in ("张三", "李四", "王五"))
    desk(db, "台1").confirm_all_required(first)
    desk(db, "台2").confirm_all_required(second)
    d3 = desk(db, "台3")
    d3.confirm(third, {"education": True}, {}, d3.card(third).version)  # incomplete
    today = date.today()
    assert desk(db, "台3").confirmed_on(today) == 2
    assert desk(db, "台3").confirmed_on(today - timedelta(days=1)) == 0
