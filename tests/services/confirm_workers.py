"""Worker processes of the two-desk confirmation test (importable by 'spawn' children).

Each worker opens the database as a desk does, reads every person's card, then for each
person waits at the Barrier with the other desk and confirms at the same moment.
"""

from __future__ import annotations

import traceback
from typing import Any

from app.services.confirmation import ConfirmationService
from app.services.database import open_database
from tests.support.desk import CLOCK


def confirm_desk(url: str, p: int, applicant_ids: list[int], ticks: dict[str, bool],
                 notes: dict[str, str], barrier: Any, out: Any) -> None:
    try:
        db = open_database(url, take_backups=False, daily_backup=False)
        svc = ConfirmationService(db, f"台{p}", clock=lambda: CLOCK)
        outcomes: list[tuple[int, str, str]] = []
        for aid in applicant_ids:
            card = svc.card(aid)  # both desks have the card open…
            barrier.wait(60)  # …and press Enter together
            o = svc.confirm(aid, ticks, notes, card.version)
            outcomes.append((aid, o.kind.value, o.message))
        db.dispose()
        out.put({"p": p, "outcomes": outcomes})
    except BaseException:
        out.put({"p": p, "error": traceback.format_exc()})
