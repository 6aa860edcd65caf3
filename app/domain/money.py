"""Money as the office writes it: yuan on screen, integer fen in the database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_PAYMENT_YUAN = 100_000
MAX_PAYMENT_FEN = MAX_PAYMENT_YUAN * 100
"""One payment above this (the whole class's fees are ~370,000 元) is a typing slip."""


def payment_problem(fen: int) -> str | None:
    """Why `fen` cannot be one payment (in Chinese), or None."""
    if fen <= 0:
        return "金额须大于 0"
    if fen > MAX_PAYMENT_FEN:
        return (f"金额 {yuan_text(fen)} 元超过单笔上限 {MAX_PAYMENT_YUAN:,} 元，"
                "可能多输了一个 0")
    return None


def to_fen(amount_yuan: Decimal | int | str) -> int:
    """3130 → 313000; Decimal("3130.5") → 313050. More than two decimals is an error, and
    so is a number far beyond any payment (1e30 would overflow every integer column)."""
    try:
        d = Decimal(str(amount_yuan).strip())
    except InvalidOperation:
        raise ValueError(f"金额「{amount_yuan}」不是数字") from None
    if not d.is_finite():
        raise ValueError(f"金额「{amount_yuan}」不是数字")
    if abs(d) >= Decimal(10) ** 12:
        raise ValueError(f"金额「{amount_yuan}」大得不合理")
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"金额「{amount_yuan}」最多两位小数（到分）")
    return int(fen.to_integral_value(ROUND_HALF_UP))


def yuan_text(fen: int) -> str:
    """313000 → "3130", 313050 → "3130.50": whole yuan without decimals, as on the notice."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}" if cents == 0 else f"{sign}{yuan}.{cents:02d}"
