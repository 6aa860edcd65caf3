"""What the window needs at start: an open database and a summary of the campaign."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.campaign import campaign_info, registered_per_point
from app.services.database import describe, open_database
from app.services.errors import StartupError
from db.engine import Database

__all__ = ["PointSummary", "StartupError", "StartupInfo", "start", "summary"]


@dataclass(frozen=True)
class PointSummary:
    name: str
    target: int
    note: str
    registered: int


@dataclass(frozen=True)
class StartupInfo:
    db_description: str
    campaign_title: str
    applicant_count: int
    points: list[PointSummary]
    backup_note: str
    db: Database | None = None
    read_only: bool = False
    """The class is a past one, locked: the window says so in its title."""


def start(db_url: str | None) -> StartupInfo:
    """Open (create, check, back up, migrate, seed) the database and summarise it.

    Raises StartupError with a Chinese message the window shows as it is.
    """
    return summary(open_database(db_url))


def summary(db: Database) -> StartupInfo:
    """What the window shows of the current class: at start, and again after switching
    class (文件 → 班次…). It pins this opening to that class (`db.class_id`): a page built
    later works on the class the window shows, even if another desk switches the current
    class of a shared database meanwhile."""
    db.class_id = None
    info = campaign_info(db)
    db.class_id = info.id
    counts = registered_per_point(db, info.id)
    points = [PointSummary(p.name, p.target, p.note, counts.get(p.id, 0)) for p in info.points]
    return StartupInfo(
        db_description=describe(db.url),
        campaign_title=info.title,
        applicant_count=sum(counts.values()),
        points=points,
        backup_note="",
        db=db,
        read_only=info.locked,
    )
