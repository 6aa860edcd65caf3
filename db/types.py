"""Column types that store the paper form's codes and year-months as plain values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from app.domain.codes import CodeEnum
from app.domain.yearmonth import YearMonth


class CodeType(TypeDecorator[CodeEnum]):
    """Stores a CodeEnum member as its paper code (an integer)."""

    impl = Integer
    cache_ok = True

    def __init__(self, enum: type[CodeEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, self.enum):
            return int(value.code)
        return int(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> CodeEnum | None:
        if value is None:
            return None
        return self.enum.from_code(int(value))


class YearMonthType(TypeDecorator[YearMonth]):
    """Stores a YearMonth as 'YYYY-MM' text: sortable, and readable in any SQL tool."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, YearMonth):
            return str(value)
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> YearMonth | None:
        if value is None:
            return None
        year, month = str(value).split("-")
        return YearMonth(int(year), int(month))
