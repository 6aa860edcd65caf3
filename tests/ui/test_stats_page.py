"""统计: the table's numbers match a known dataset; bars, 发改委 and the class total."""

from __future__ import annotations

from datetime import date, datetime

from pytestqt.qtbot import QtBot

from app.domain.codes import ApplicantStatus as S
from app.services.overview import OverviewService
from app.services.payments import PaymentService
from db.engine import Database
from tests.support.desk import person
from ui.pages.stats import BEHIND_ROLE, RATIO_ROLE, StatsModel, StatsPage

M = StatsModel


def test_numbers_match_a_known_dataset(qtbot: QtBot, db: Database) -> None:
    person(db, "甲")  # 崇川区, employer 崇川区发改委
    person(db, "乙", S.REVIEW_PASSED)
    person(db, "丙", S.CONFIRMED)
    ding = person(db, "丁", S.PHONED, registration_point="如皋市", employer="如皋市某某担保公司")
    PaymentService(db, "财务", clock=lambda: datetime(2021, 9, 20, 9, 0)).record_payment(
        ding, 3130, date(2021, 9, 19), "南通丁助理信用管理师")
    page = StatsPage(OverviewService(db, clock=lambda: datetime(2021, 9, 20, 9, 0)))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()  # refreshes
    qtbot.waitExposed(page)
    model = page.model
    rows = {model.data(model.index(r, M.COL_POINT)): r for r in range(model.rowCount())}

    def cell(point: str, col: int) -> str:
        return str(model.data(model.index(rows[point], col)))

    assert [cell("崇川区", c) for c in (M.COL_REGISTERED, M.COL_PASSED, M.COL_CONFIRMED,
                                        M.COL_PAID)] == ["3", "2", "1", "0"]
    assert [cell("如皋市", c) for c in (M.COL_REGISTERED, M.COL_PASSED, M.COL_CONFIRMED,
                                        M.COL_PAID)] == ["1", "1", "0", "1"]
    assert [cell("崇川区", c) for c in (M.COL_SENT, M.COL_APPROVED, M.COL_OWING)] == [
        "1", "1", "1"]
    # one source of truth: the money line is the 缴费 page's
    assert page.money_label.text() == "缴费：" + PaymentService(db, "x").totals().text
    assert cell("全市合计", M.COL_PAID) == "1" and cell("全市合计", M.COL_OWING) == "2"
    assert cell("崇川区", M.COL_NDRC).startswith("✓ 甲")
    assert cell("如皋市", M.COL_NDRC) == "✗ 未报"
    assert cell("全市合计", M.COL_REGISTERED) == "4"
    assert cell("全市合计", M.COL_TARGET) == "118"
    target = int(cell("如皋市", M.COL_TARGET))
    ratio = model.data(model.index(rows["如皋市"], M.COL_BAR), RATIO_ROLE)
    assert abs(ratio - 1 / target) < 1e-9
    assert model.data(model.index(rows["如皋市"], M.COL_BAR), BEHIND_ROLE) is True
    assert f"差 {target - 1} 人" in cell("如皋市", M.COL_BAR)
    text = page.class_label.text()
    assert "全班已报名 4 人" in text and "还差 76 人" in text and "还差 114 人" in text
    assert "报名截止" in page.deadline_label.text()
    ov = page.overview
    assert ov is not None and ov.deadlines[0].text in page.deadline_label.text()
    page.grab()  # the bar delegate paints without error
