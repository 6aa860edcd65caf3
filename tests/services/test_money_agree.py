"""One source of truth for money: 统计 (the overview), 缴费 and the call list agree,
computed from the payments themselves; people not (yet) approved never owe."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain.codes import ApplicantStatus as S
from app.domain.codes import EnrolmentType
from app.services.calls import CallService
from app.services.overview import OverviewService
from app.services.payments import PaymentService
from tests.support.desk import CLOCK, person


def dataset(db: Any) -> dict[str, int]:
    ids = {
        "未审": person(db, "未审", S.COUNTY_CHECKED),
        "退回": person(db, "退回", S.RETURNED),
        "已报省": person(db, "已报省", S.SENT_TO_PROVINCE),
        "已核": person(db, "已核", S.PROVINCE_CHECKED),
        "已通知": person(db, "已通知", S.PHONED),
        "少缴": person(db, "少缴", S.PHONED),
        "补考": person(db, "补考", S.PHONED, enrolment_type=EnrolmentType.RESIT),
        "听课": person(db, "听课", S.PHONED, enrolment_type=EnrolmentType.RETAKE_AUDIT),
        "确认未缴": person(db, "确认未缴", S.CONFIRMED),
        "省未过": person(db, "省未过", S.PROVINCE_REJECTED),
    }
    p = PaymentService(db, "财务", clock=lambda: CLOCK)
    day = date(2021, 9, 19)
    p.record_payment(ids["已通知"], 3130, day, "南通已通知助理信用管理师")
    p.record_payment(ids["少缴"], 2800, day, "南通少缴助理信用管理师")
    p.record_payment(ids["补考"], 330, day, "南通补考补考助理")
    p.record_payment(ids["已报省"], 3130, day, "南通已报省助理信用管理师")  # paid ahead
    p.record_payment(ids["确认未缴"], 3130, day, "南通别人助理信用管理师")  # held
    return ids


def test_overview_payments_and_calls_agree(db: Any) -> None:
    """Old behaviour: 统计's 已缴费 counted a status while the 缴费 page counted payments,
    and 缴费 counted unreviewed and returned people as owing."""
    dataset(db)
    ov = OverviewService(db).summary(date(2021, 10, 1))
    pay = PaymentService(db, "x").totals()
    assert ov.money == pay
    assert (pay.owing_people, pay.paid_up, pay.partial, pay.unpaid) == (5, 2, 1, 2)
    assert ov.total.paid == pay.paid_up and ov.total.owing == pay.owing_people
    assert (pay.ahead_people, pay.pending_count) == (1, 1)
    briefs = {b.name: b for b in PaymentService(db, "x").briefs()}
    owing = {n for n, b in briefs.items() if b.balance.owing}
    assert owing == {"已核", "少缴", "确认未缴"}
    assert pay.not_settled == len(owing)
    for name in ("未审", "退回", "已报省", "省未过", "听课"):
        assert not briefs[name].balance.owing, name
    calls = {i.name: i for i in CallService(db, "x").call_list(include_done=True)}
    assert calls["已核"].amount_text == "3130 元"
    assert "请将 3130 元转账" in calls["已核"].script
    assert calls["已核"].balance == briefs["已核"].balance
    assert sum(p.paid for p in ov.points) == ov.total.paid


def test_the_overview_command_prints_the_same_totals(db: Any, capsys: Any) -> None:
    from app.cli.parser import main

    dataset(db)
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["overview", "--today", "2021-10-01", "--db", url]) == 0
    out = capsys.readouterr().out
    assert f"缴费：{PaymentService(db, 'x').totals().text}" in out
