"""Money: yuan as typed → integer fen, and the bound on one payment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.money import MAX_PAYMENT_FEN, payment_problem, to_fen, yuan_text


@pytest.mark.parametrize(("typed", "fen"), [
    ("3130", 313000), ("3130.5", 313050), (Decimal("0.01"), 1), (100000, 10_000_000),
    ("21474836.48", 2_147_483_648),  # past 32 bits: BIGINT holds it, the bound refuses it
])
def test_to_fen(typed: object, fen: int) -> None:
    assert to_fen(typed) == fen  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["1e30", "1e400", "9" * 400, "-1e13", "abc", "NaN", "inf",
                                   "3130.001", ""])
def test_to_fen_refuses_what_is_no_amount(typed: str) -> None:
    with pytest.raises(ValueError, match="金额"):
        to_fen(typed)


@pytest.mark.parametrize(("fen", "words"), [
    (0, "大于 0"), (-100, "大于 0"), (MAX_PAYMENT_FEN + 1, "超过单笔上限 100,000 元"),
    (2_147_483_648, "多输了一个 0"),
])
def test_payment_problem(fen: int, words: str) -> None:
    problem = payment_problem(fen)
    assert problem is not None and words in problem


def test_the_bound_itself_is_a_payment() -> None:
    assert payment_problem(MAX_PAYMENT_FEN) is None and payment_problem(1) is None
    assert yuan_text(MAX_PAYMENT_FEN + 1) == "100000.01"
