"""Worker processes of tests/services/test_race.py (importable by 'spawn' children).

Each worker opens the database as a desk does, waits at a Barrier so that all start
together, does its work and puts one result dict on the queue (or the traceback).
"""

from __future__ import annotations

import random
import traceback
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.errors import ConflictError, DuplicateIdError
from tests.support.people import applicant, id_number

CLOCK = datetime(2021, 9, 20, 10, 0)


def worker_id_number(p: int, i: int) -> str:
    """Distinct valid ID numbers: worker p, i-th registration."""
    return id_number(birth=date(1970 + p, 1, 1) + timedelta(days=i), seq=i, male=i % 2 == 0)


def _service(url: str, operator: str) -> ApplicantService:
    db = open_database(url, take_backups=False, daily_backup=False)
    return ApplicantService(db, operator, clock=lambda: CLOCK)


def register_and_edit(url: str, p: int, registrations: int, edits: int,
                      shared_ids: list[int], barrier: Any, out: Any) -> None:
    """Register `registrations` applicants and append `edits` tokens "p<p>-<j>;" to the
    notes of the shared applicants (read-modify-write, retried on ConflictError),
    interleaved in a random order."""
    try:
        svc = _service(url, f"desk{p}")
        rng = random.Random(1000 + p)
        steps = ["reg"] * registrations + ["edit"] * edits
        rng.shuffle(steps)
        regs: list[tuple[str, int]] = []
        done: list[tuple[int, str, int]] = []  # (applicant id, token, version after)
        conflicts = 0
        barrier.wait(60)
        for step in steps:
            if step == "reg":
                idn = worker_id_number(p, len(regs))
                rec = svc.create(applicant(f"并发{p}号{len(regs)}", id_number=idn))
                regs.append((rec.data.id_number, rec.serial_no))
                continue
            sid = rng.choice(shared_ids)
            token = f"p{p}-{len(done)};"
            while True:
                cur = svc.get(sid)
                data = replace(cur.data, note=cur.data.note + token)
                try:
                    after = svc.update(sid, data, cur.version)
                except ConflictError:
                    conflicts += 1
                    continue
                done.append((sid, token, after.version))
                break
        svc.db.dispose()
        out.put({"p": p, "regs": regs, "edits": done, "conflicts": conflicts})
    except BaseException:
        out.put({"p": p, "error": traceback.format_exc()})


def register_same(url: str, p: int, id_numbers: list[str], barrier: Any, out: Any) -> None:
    """For each ID number: wait for the other worker, then both register it at once."""
    try:
        svc = _service(url, f"desk{p}")
        # How often the duplicate check ran: twice for one save means the first check
        # passed and the INSERT hit the unique constraint (the real race path).
        checks = Counter[str]()
        check = svc._duplicate

        def counting_check(s: Any, idn: str, except_id: int | None = None) -> None:
            checks[idn] += 1
            check(s, idn, except_id)

        svc._duplicate = counting_check  # type: ignore[method-assign]
        results: list[tuple[str, Any]] = []
        for idn in id_numbers:
            barrier.wait(60)
            try:
                rec = svc.create(applicant(f"同号{p}", id_number=idn))
                results.append(("ok", (rec.id, rec.serial_no)))
            except DuplicateIdError as e:
                results.append(("dup", (e.existing_id, e.serial_no)))
            except Exception as e:  # anything else is a failure the test reports
                results.append(("other", f"{type(e).__name__}: {e}"))
        svc.db.dispose()
        raced = sum(1 for n in checks.values() if n > 1)
        out.put({"p": p, "results": results, "raced": raced})
    except BaseException:
        out.put({"p": p, "error": traceback.format_exc()})
