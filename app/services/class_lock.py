"""Past classes are read-only: every write into a locked class is refused at the flush.

A class is locked when a newer class is made from it (or by hand), and unlocked only by
staff giving a reason (app.services.classes, recorded in the history). Every write a desk
makes records a history line with its class, and every person's row, payment and point
carries its class, so one check before each flush holds every service to the lock — a
service written tomorrow included — without each of them remembering to ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.services.errors import ServiceError
from db.models import Applicant, Campaign, History, Payment, RegistrationPoint

CLASS_ENTITY = "class"
"""History lines about a class itself (settings, lock, unlock, switch): always allowed,
they are how a lock is lifted."""


class ClassLockedError(ServiceError):
    """A write into a class that is read-only."""

    def __init__(self, title: str) -> None:
        super().__init__(
            f"{title} 是往年班次，只能查看，不能修改。确需修改，请在 文件 → 班次… 里选中它，"
            "点“解锁”并写明原因（会记入历史）；或切换到当前班次再操作。")
        self.title = title


def locked_classes(s: Session) -> dict[int, str]:
    """Locked class id → its title."""
    rows = s.execute(select(Campaign.id, Campaign.year, Campaign.level_name,
                            Campaign.class_name).where(Campaign.locked.is_(True))).all()
    return {cid: f"{year}年度{level} {name}" for cid, year, level, name in rows}


def check_writable(s: Session, campaign_id: int) -> None:
    """Refuse (ClassLockedError) when `campaign_id` is locked: for writes that do not go
    through the flush (bulk INSERT/UPDATE statements)."""
    locked = locked_classes(s)
    if campaign_id in locked:
        raise ClassLockedError(locked[campaign_id])


def _classes_of(objects: Iterable[Any]) -> set[int]:
    found: set[int] = set()
    for obj in objects:
        if isinstance(obj, History):
            if obj.entity != CLASS_ENTITY and obj.campaign_id is not None:
                found.add(obj.campaign_id)
        elif isinstance(obj, Applicant | Payment | RegistrationPoint) and obj.campaign_id:
            found.add(obj.campaign_id)
    return found


@event.listens_for(Session, "before_flush")
def refuse_writes_to_locked_classes(session: Session, flush_context: Any,
                                    instances: Any) -> None:
    """The flush's guard (see the module's docstring)."""
    touched = _classes_of(chain(session.new, session.dirty, session.deleted))
    if not touched:
        return
    with session.no_autoflush:
        locked = locked_classes(session)
    for cid in touched:
        if cid in locked:
            raise ClassLockedError(locked[cid])
