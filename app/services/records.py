"""An applicant as stored and as listed: the value types services hand out, how a row
becomes the form's data, and how problems and time stamps are written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.domain.applicant import ApplicantData
from app.domain.codes import ApplicantStatus, CodeEnum, Gender
from app.domain.problems import Problem, Severity
from app.domain.yearmonth import YearMonth
from db.models import Applicant

PLAIN_FIELDS = tuple(
    f for f in ApplicantData.field_names() if f not in ("serial_no", "registration_point")
)
"""Fields stored on the Applicant row under the same name as in ApplicantData."""


def utcnow() -> datetime:
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_json_value(value: Any) -> Any:
    """How a field's value is written into history: codes as "3 大学专科", dates as text."""
    if isinstance(value, CodeEnum):
        return value.display
    if isinstance(value, YearMonth | date):
        return str(value)
    return value


@dataclass(frozen=True)
class ApplicantRecord:
    """One applicant as stored: the data, and what the desk needs around it."""

    id: int
    version: int
    serial_no: int
    campaign_id: int
    point_id: int | None
    status: ApplicantStatus
    data: ApplicantData
    problems: tuple[Problem, ...]
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    has_photo: bool

    @property
    def serial_text(self) -> str:
        return f"{self.serial_no:04d}"

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.is_error)


@dataclass(frozen=True)
class ApplicantRow:
    """What the applicant list shows: a few columns, no photo, no ORM object."""

    id: int
    version: int
    serial_no: int
    name: str
    gender: Gender | None
    id_number: str
    point_name: str
    employer: str
    mobile: str
    status: ApplicantStatus
    error_count: int
    warning_count: int
    problems_json: str

    @property
    def problems(self) -> list[Problem]:
        return problems_from_json(self.problems_json)


@dataclass(frozen=True)
class SearchHits:
    """The list's search: the ids (up to a limit) in 报名序号 order, and how many match
    in all, or None when that is still to be counted."""

    ids: list[int]
    total: int | None


@dataclass(frozen=True)
class Checked:
    """What validation found in data about to be saved (an import's preview): the day it
    ran, the points' names it knew, and per applicant id the data and its problems. A
    save of the same data on the same day with the same points takes those problems
    instead of finding them again — validation is a function of exactly these."""

    day: date
    points: frozenset[str]
    found: Mapping[int, tuple[ApplicantData, tuple[Problem, ...]]]

    def problems(self, applicant_id: int, data: ApplicantData, day: date,
                 points: set[str]) -> list[Problem] | None:
        """The problems of `data`, when it is what was checked on `day` with `points`."""
        if day != self.day or points != self.points:
            return None
        known = self.found.get(applicant_id)
        return list(known[1]) if known is not None and known[0] == data else None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    operator: str
    entity: str
    action: str
    changes: dict[str, list[Any]]
    note: str


def problems_to_json(problems: Iterable[Problem]) -> str:
    return json.dumps(
        [[p.field, p.severity.value, p.message] for p in problems], ensure_ascii=False
    )


def problems_from_json(text: str) -> list[Problem]:
    return [Problem(f, Severity(s), m) for f, s, m in json.loads(text or "[]")]


def data_from_row(row: Applicant) -> ApplicantData:
    """The form's data from a stored row (its registration point loaded with it)."""
    data = ApplicantData(**{f: getattr(row, f) for f in PLAIN_FIELDS})
    data.id_number = row.id_number or ""
    data.serial_no = row.serial_no
    data.registration_point = row.point.name if row.point is not None else ""
    data.extra = json.loads(row.extra_json) if row.extra_json else {}
    return data


def data_from_mapping(m: Mapping[Any, Any], plain: Iterable[str] = PLAIN_FIELDS
                      ) -> ApplicantData:
    """The form's data from a plain row of columns (Core, not ORM): the `plain` fields,
    id_number, serial_no, extra_json and the point's name as "point_name"."""
    data = ApplicantData(**{f: m[f] for f in plain})
    data.id_number = m["id_number"] or ""
    data.serial_no = m["serial_no"]
    data.registration_point = m["point_name"] or ""
    data.extra = json.loads(m["extra_json"]) if m["extra_json"] else {}
    return data
