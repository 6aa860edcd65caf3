"""Which applicants an export takes: the page's own choice, or the 报名录入 list's filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtWidgets import QLineEdit

from app.domain.flow import StatusSelector

FILTER_LABELS = {"point_id": "报名点", "status": "状态", "query": "搜索条件",
                 "has_problems": "只看有问题的"}
"""A selection's arguments in the office's words (for "cannot narrow by …")."""


@dataclass(frozen=True)
class Selection:
    """Which applicants an export takes: the arguments of ApplicantService.search."""

    point_id: int | None = None
    status: StatusSelector | None = None  # one status, or a step and every later one
    query: str = ""
    has_problems: bool | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"point_id": self.point_id, "status": self.status, "query": self.query,
                "has_problems": self.has_problems}

    def describe(self, point_names: dict[int, str]) -> str:
        parts: list[str] = []
        if self.point_id is not None:
            parts.append(f"报名点 {point_names.get(self.point_id, '?')}")
        if self.status is not None:
            parts.append(f"状态 {self.status.label}")
        if self.query:
            parts.append(f"搜索“{self.query}”")
        if self.has_problems:
            parts.append("只看有问题的")
        return "，".join(parts) if parts else "全部学员"

    def unused_by(self, taken: Iterable[str]) -> list[str]:
        """The filters set here that an export taking only `taken` cannot narrow by: the
        page says so instead of silently exporting more."""
        keep = set(taken)
        return [FILTER_LABELS[key] for key, value in self.kwargs().items()
                if key not in keep and value not in (None, "")]


class FilteredList(Protocol):
    """What list_selection reads of the 报名录入 page's applicant list."""

    search_edit: QLineEdit

    def filters(self) -> dict[str, Any]: ...


def list_selection(widget: FilteredList) -> Selection:
    """What the 报名录入 list shows now: its point, status, search text and 只看有问题的."""
    f = widget.filters()
    return Selection(point_id=f.get("point_id"), status=f.get("status"),
                     query=widget.search_edit.text().strip(),
                     has_problems=f.get("has_problems"))
