"""Validation problems as data: what is wrong with which field, and what to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "提醒"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about one field. `message` is Chinese and says what to do."""

    field: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"[{self.severity.label}] {self.message}"


def error(field: str, message: str) -> Problem:
    return Problem(field, Severity.ERROR, message)


def warning(field: str, message: str) -> Problem:
    return Problem(field, Severity.WARNING, message)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
