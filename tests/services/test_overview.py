"""The overview's figures on a small class with known numbers — SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain.codes import ApplicantStatus as S
from app.domain.codes import EnrolmentType
from app.services.overview import OverviewService, ndrc_county
from app.services.payments import PaymentService
from tests.support.desk import CLOCK, person


def build(db: Any) -> dict[str, int]:
    def at(point: str, name: str, status: S, employer: str = "江苏中天科技股份有限公司",
           **kw: Any) -> int:
        return person(db, name, status, registration_point=point, employer=employer, **kw)

    return {
        "海安A": at("海安县", "海安甲", S.REGISTERED, "海安市发展和改革委员会"),  # alias of 海安市
        "海安B": at("海安市", "海安乙", S.PHONED),
        "海安C": at("海安市", "海安丙", S.CONFIRMED),
        "如皋A": at("如皋市", "如皋甲", S.REVIEW_PASSED, "南通四建集团有限公司"),
        "如皋B": at("如皋市", "如皋乙", S.RETURNED),
        "崇川": at("崇川区", "崇川甲", S.COUNTY_CHECKED, "发改委"),  # just "发改委", at 崇川区
        "通州": at("通州区", "通州甲", S.PHONED, "南通市发展和改革委员会"),  # the city's own
        "编办": at("市委编办", "编办甲", S.REGISTERED, "如东县 发展和改革委员会"),
        "启东": at("启东市", "启东甲", S.REGISTERED, "启东市发改委"),
        "听课": at("信用服务机构", "听课甲", S.CONFIRMED,
                 enrolment_type=EnrolmentType.RETAKE_AUDIT),
    }


def pay(db: Any, ids: dict[str, int]) -> None:
    p = PaymentService(db, "财务", clock=lambda: CLOCK)
    p.record_payment(ids["海安B"], 3130, date(2021, 10, 12), "南通海安乙助理信用管理师")
    p.record_payment(ids["通州"], 2800, date(2021, 10, 12), "南通通州甲助理信用管理师")
    p.record_payment(ids["如皋A"], 3130, date(2021, 10, 12), "南通如皋甲助理信用管理师")
    p.record_payment(ids["编办"], 3130, date(2021, 10, 12), "南通编办乙助理信用管理师")


def test_overview_per_point_counties_class_and_deadlines(db: Any) -> None:
    pay(db, build(db))
    ov = OverviewService(db).summary(date(2021, 10, 1))
    pts = {p.name: p for p in ov.points}
    assert len(ov.points) == 22, "every point of 附件1, none unassigned"
    hai = pts["海安市"]
    assert (hai.target, hai.registered, hai.passed, hai.phoned, hai.paid, hai.confirmed,
            hai.returned, hai.behind) == (12, 3, 2, 2, 1, 1, 0, 9)
    assert (hai.sent, hai.approved, hai.owing) == (2, 2, 2)
    assert hai.ndrc_sent is True and hai.ndrc_names == ("海安甲",)
    rg = pts["如皋市"]
    assert (rg.registered, rg.passed, rg.returned, rg.ndrc_sent) == (2, 1, 1, False)
    assert pts["崇川区"].ndrc_sent is True and pts["崇川区"].passed == 0
    assert pts["通州区"].ndrc_sent is False, "南通市发改委 is not the county's"
    assert pts["如东县"].ndrc_sent is True and pts["如东县"].registered == 0
    assert pts["如东县"].ndrc_names == ("编办甲",)
    assert pts["启东市"].ndrc_sent is True
    assert pts["海门区"].ndrc_sent is False and pts["海门区"].behind == 12
    assert pts["市委编办"].ndrc_sent is None and pts["市委编办"].behind == 1
    credit = pts["信用服务机构"]
    assert (credit.registered, credit.owing, credit.paid, credit.confirmed) == (1, 0, 0, 1), \
        "who owes nothing is not counted as paying"
    assert ov.counties_without_ndrc == ["如皋市", "通州区", "海门区"]
    t = ov.total
    assert (t.target, t.registered, t.passed, t.phoned, t.paid, t.confirmed, t.returned) == (
        118, 10, 5, 4, 1, 2, 1)
    m = ov.money
    assert (m.owing_people, m.paid_up, m.partial, m.unpaid) == (3, 1, 1, 1)
    assert (m.due_fen, m.paid_fen, m.outstanding_fen) == (939000, 906000, 346000)
    assert (m.ahead_people, m.ahead_fen) == (1, 313000), "如皋甲 paid before approval"
    assert m.pending_count == 1, "编办乙 is not 编办甲: held"
    assert m.text == ("应缴 3 人：已缴清 1，少缴 1，未缴 1；应收 9390 元，实收 9060 元，"
                      "未收 3460 元；审核前已缴 1 人 3130 元；待核对 1 笔 3130 元（未计入）")
    assert (ov.class_total, ov.min_trainees, ov.short_of_minimum) == (10, 80, 70)
    assert (ov.target_total, ov.short_of_target) == (118, 108)
    assert [p.name for p in ov.behind_points][:3] == ["市委编办", "市国资委", "市卫健委"]
    assert abs(hai.ratio - 0.25) < 1e-9
    assert [(d.key, d.on, d.days_left) for d in ov.deadlines] == [
        ("registration", date(2021, 10, 9), 8), ("county", date(2021, 10, 10), 9)]
    assert ov.deadlines[0].text == "报名截止（10月9日）：还剩 8 天"
    late = OverviewService(db).summary(date(2021, 10, 10)).deadlines
    assert [d.days_left for d in late] == [-1, 0]
    assert [d.text for d in late] == ["报名截止（10月9日）：已过 1 天",
                                      "县区报送截止（10月10日）：今天截止"]


def test_overview_of_an_empty_class(db: Any) -> None:
    ov = OverviewService(db).summary(date(2021, 9, 20))
    assert ov.class_total == 0 and ov.short_of_minimum == 80
    assert len(ov.counties_without_ndrc) == 7
    assert sum(p.behind for p in ov.points) == 118


def test_ndrc_names() -> None:
    from app.services.campaign import PointInfo

    counties = [PointInfo(1, "海安市", 12, "", True, ("海安县", "海安")),
                PointInfo(2, "通州区", 12, "", True, ("通州",))]
    assert ndrc_county("南通市通州区发展和改革委员会", counties) == (True, 2)
    assert ndrc_county("海安县发改委", counties) == (True, 1)
    assert ndrc_county("发展改革局", counties) == (True, None)
    assert ndrc_county("通州湾江海联动开发示范区管委会", counties) == (False, None)
