"""One person's account and the class's totals, from payments alone: owing only once
approved, 待核对 never counted, overpay, underpay and refunds visible."""

from __future__ import annotations

import pytest

from app.domain.balance import Balance, MoneyIn, MoneyTotals, PaymentState
from app.domain.fees import FeeDue
from app.domain.history_labels import ACTION_LABELS, action_label

FULL, EXAM, NOTHING = FeeDue(2800, 330), FeeDue(0, 330), FeeDue(0, 0)


@pytest.mark.parametrize(("balance", "state", "text"), [
    (Balance(FULL, True), PaymentState.UNPAID, "未缴费：应缴 3130 元"),
    (Balance(FULL, True, MoneyIn(280000)), PaymentState.PARTIAL,
     "少缴：已缴 2800 元，应缴 3130 元，还差 330 元"),
    (Balance(FULL, True, MoneyIn(313000)), PaymentState.PAID, "已缴清 3130 元"),
    (Balance(FULL, True, MoneyIn(346000)), PaymentState.OVERPAID,
     "多缴：已缴 3460 元，应缴 3130 元，应退 330 元"),
    (Balance(FULL, True, MoneyIn(346000, 33000)), PaymentState.PAID,
     "已缴清 3130 元；已退款 330 元"),
    (Balance(EXAM, True, MoneyIn(0, 0, 33000, 1)), PaymentState.UNPAID,
     "未缴费：应缴 330 元；另有 1 笔共 330 元待核对（未计入）"),
    (Balance(NOTHING, True), PaymentState.NOTHING_DUE, "无需缴费（应缴 0 元）"),
    (Balance(NOTHING, True, MoneyIn(33000)), PaymentState.OVERPAID,
     "多缴：已缴 330 元，应缴 0 元，应退 330 元"),
    (Balance(FULL, False), PaymentState.NOT_YET_DUE, "暂不缴费：审核通过后应缴 3130 元"),
    (Balance(FULL, False, MoneyIn(313000)), PaymentState.PAID_AHEAD,
     "审核前已缴 3130 元（审核通过后应缴 3130 元，暂不计入应缴）"),
    (Balance(FULL, False, MoneyIn(313000), refused=True), PaymentState.OVERPAID,
     "多缴：已缴 3130 元，应缴 0 元，应退 3130 元"),
])
def test_states_and_texts(balance: Balance, state: PaymentState, text: str) -> None:
    assert balance.state is state
    assert balance.text == text


def test_not_approved_never_owes() -> None:
    b = Balance(FULL, approved=False)
    assert (b.due_fen, b.outstanding_fen, b.owing, b.settled) == (0, 0, False, True)
    assert b.fee_fen == 313000


def test_totals_add_up_the_same_way_everywhere() -> None:
    people = [
        Balance(FULL, True, MoneyIn(313000)),  # paid up
        Balance(FULL, True, MoneyIn(280000)),  # 少缴 330
        Balance(EXAM, True),  # 未缴 330
        Balance(FULL, True, MoneyIn(346000)),  # 多缴 330
        Balance(FULL, False, MoneyIn(313000)),  # paid ahead
        Balance(FULL, False),  # not yet due
        Balance(NOTHING, True, MoneyIn(0, 0, 313000, 1)),  # 待核对
    ]
    t = MoneyTotals.of(people)
    assert (t.people, t.owing_people, t.paid_up, t.partial, t.unpaid) == (7, 4, 2, 1, 1)
    assert t.not_settled == 2
    assert (t.due_fen, t.paid_fen, t.outstanding_fen) == (972000, 1252000, 66000)
    assert (t.excess_people, t.excess_fen, t.ahead_people, t.ahead_fen) == (1, 33000, 1, 313000)
    assert (t.pending_count, t.pending_fen) == (1, 313000)
    assert t.text == ("应缴 4 人：已缴清 2，少缴 1，未缴 1；应收 9720 元，实收 12520 元，"
                      "未收 660 元；多缴应退 1 人 330 元；审核前已缴 1 人 3130 元；"
                      "待核对 1 笔 3130 元（未计入）")


@pytest.mark.parametrize(("action", "entity", "label"), [
    ("check", "materials", "现场确认：核对材料"),
    ("not_ready", "confirm", "现场确认：暂未确认"),
    ("call", "call", "电话通知"),
    ("import", "payment", "导入银行流水"),
    ("override", "status", "状态变更（跳过步骤）"),
    ("hold", "payment", "缴费待核对"),
    ("migrate", "status", "系统升级"),
    ("frobnicate", "x", "其他操作（frobnicate）"),
])
def test_history_actions_read_in_chinese(action: str, entity: str, label: str) -> None:
    """Old behaviour: the history dialog showed "check", "not_ready", "call" as codes."""
    assert action_label(action, entity) == label


def test_every_action_the_services_write_has_a_label() -> None:
    written = {"create", "update", "delete", "status", "override", "late_step", "photo",
               "check", "incomplete", "not_ready", "call", "payment", "import", "hold",
               "accept", "reject", "refund", "migrate"}
    assert written <= set(ACTION_LABELS)
    assert all(not label.isascii() for label in ACTION_LABELS.values())
