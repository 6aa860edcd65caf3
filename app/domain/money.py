"""Money as the office writes it: yuan on screen, integer fen in the database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def to_fen(amount_yuan: Decimal | int | str) -> int:
    """3130 → 313000; Decimal("3130.5") → 313050. More than two decimals is an error."""
    try:
        d = Decimal(str(amount_yuan).strip())
    except InvalidOperation:
        raise ValueError(f"金额「{amount_yuan}」不是数字") from None
    if not d.is_finite():
        raise ValueError(f"金额「{amount_yuan}」不是数字")
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"金额「{amount_yuan}」最多两位小数（到分）")
    return int(fen.to_integral_value(ROUND_HALF_UP))


def yuan_text(fen: int) -> str:
    """313000 → "3130", 313050 → "3130.50": whole yuan without decimals, as on the notice."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}" if cents == 0 else f"{sign}{yuan}.{cents:02d}"
