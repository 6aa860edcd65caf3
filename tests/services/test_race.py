"""Race tests: several desks (processes) saving at the same moment, on SQLite and PostgreSQL.

* 4 processes each register REGS applicants and append EDITS unique tokens to the notes
  of a few shared applicants (read-modify-write with expected_version, re-read and retry
  on ConflictError). Afterwards no edit is lost or doubled, 报名序号 are 1..N without
  gaps or duplicates, and history holds one 'update' per successful edit.
* 2 processes register the same ID number at the same moment (ROUNDS times): exactly one
  succeeds, the other gets DuplicateIdError naming the winner, and the loser's 报名序号
  is given back.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.services.applicants import ApplicantService
from app.services.database import open_database
from db.models import Applicant, Campaign, History
from tests.services.race_workers import CLOCK, register_and_edit, register_same
from tests.support.people import applicant, id_number

pytestmark = pytest.mark.slow

PROCS = 4
REGS = 12  # registrations per process
EDITS = 20  # edits of the shared applicants per process
SHARED = 3
SAME_ROUNDS = 8
TIMEOUT = 120


def _run(target: Any, args_for: list[tuple[Any, ...]], parties: int) -> list[dict[str, Any]]:
    """Start one spawn process per args tuple (barrier and queue appended), collect."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(parties)
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*a, barrier, out), daemon=True)
             for a in args_for]
    for p in procs:
        p.start()
    try:
        results = [out.get(timeout=TIMEOUT) for _ in procs]
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
                p.join()
    errors = [r["error"] for r in results if "error" in r]
    assert not errors, "a worker failed:\n" + "\n".join(errors)
    return sorted(results, key=lambda r: r["p"])


def _serials(db: Any, campaign_id: int) -> tuple[list[int], int]:
    with db.read() as s:
        serials = sorted(s.scalars(
            select(Applicant.serial_no).where(Applicant.campaign_id == campaign_id)))
        last = s.scalar(select(Campaign.last_serial).where(Campaign.id == campaign_id))
    return serials, int(last or 0)


def test_concurrent_registrations_and_edits_lose_nothing(db_url: str) -> None:
    db = open_database(db_url, take_backups=False, daily_backup=False)
    try:
        svc = ApplicantService(db, "主台", clock=lambda: CLOCK)
        shared = [
            svc.create(applicant(f"共享{i}", id_number=id_number(
                birth=date(1965, 5, 1) + timedelta(days=i), seq=90 + i))).id
            for i in range(SHARED)
        ]
        results = _run(register_and_edit,
                       [(db_url, p, REGS, EDITS, shared) for p in range(PROCS)], PROCS)

        # Registrations: every reported one stored with its number; numbers 1..N.
        reported = [reg for r in results for reg in r["regs"]]
        assert len(reported) == PROCS * REGS
        n = SHARED + PROCS * REGS
        serials, last = _serials(db, svc.campaign_id)
        assert serials == list(range(1, n + 1)), "报名序号 not 1..N without gaps/duplicates"
        assert last == n
        for idn, serial in reported:
            rec = svc.find_by_id_number(idn)
            assert rec is not None, f"{idn} reported registered but missing"
            assert rec.serial_no == serial

        # Edits: each token exactly once, in the record it was written to; none lost.
        edits = [e for r in results for e in r["edits"]]
        assert len(edits) == PROCS * EDITS
        all_tokens: Counter[str] = Counter()
        for sid in shared:
            rec = svc.get(sid)
            tokens = re.findall(r"p\d+-\d+;", rec.data.note)
            all_tokens.update(tokens)
            mine = [t for (i, t, _) in edits if i == sid]
            assert sorted(tokens) == sorted(mine), f"applicant {sid}: lost/extra edits"
            assert rec.version == 1 + len(mine)
            history = [h for h in svc.history(sid) if h.action == "update"]
            assert len(history) == len(mine), f"applicant {sid}: history vs edits"
            # each history entry records exactly the one token it appended
            for h in history:
                old, new = h.changes["note"]
                assert new.startswith(old or "") and re.fullmatch(r"p\d+-\d+;",
                                                                  new[len(old or ""):])
        assert all(c == 1 for c in all_tokens.values())
        assert set(all_tokens) == {t for (_, t, _) in edits}
        # The versions each worker saw after its save are distinct per record.
        seen = Counter((i, v) for (i, _, v) in edits)
        assert max(seen.values()) == 1, "two saves returned the same version"
        with db.read() as s:
            total_updates = len(s.scalars(select(History.id).where(
                History.action == "update", History.entity == "applicant")).all())
        assert total_updates == PROCS * EDITS
        conflicts = sum(r["conflicts"] for r in results)
        print(f"{db.engine.dialect.name}: {n} registrations, {len(edits)} edits, "
              f"{conflicts} conflicts retried")
    finally:
        db.dispose()


def test_same_id_number_registered_twice_at_once(db_url: str) -> None:
    db = open_database(db_url, take_backups=False, daily_backup=False)
    try:
        svc = ApplicantService(db, "主台", clock=lambda: CLOCK)
        ids = [id_number(birth=date(1980, 2, 1) + timedelta(days=i), seq=i)
               for i in range(SAME_ROUNDS)]
        results = _run(register_same, [(db_url, p, ids) for p in range(2)], 2)

        for i, idn in enumerate(ids):
            outcomes = [r["results"][i] for r in results]
            kinds = sorted(k for k, _ in outcomes)
            assert kinds == ["dup", "ok"], f"{idn}: {outcomes}"
            (winner_id, winner_serial), = [v for k, v in outcomes if k == "ok"]
            (named_id, named_serial), = [v for k, v in outcomes if k == "dup"]
            assert (named_id, named_serial) == (winner_id, winner_serial), \
                "DuplicateIdError must name the record that won"
            rec = svc.find_by_id_number(idn)
            assert rec is not None and rec.id == winner_id

        raced = sum(r["raced"] for r in results)
        print(f"{db.engine.dialect.name}: {raced} of {SAME_ROUNDS} losers passed the "
              "duplicate check and hit the unique constraint")
        serials, last = _serials(db, svc.campaign_id)
        assert serials == list(range(1, SAME_ROUNDS + 1)), "the loser's number not given back"
        assert last == SAME_ROUNDS
        with db.read() as s:
            creates = s.scalars(select(History.changes_json).where(
                History.action == "create")).all()
        assert len(creates) == SAME_ROUNDS
        assert sorted(json.loads(c)["id_number"][1] for c in creates) == sorted(ids)
    finally:
        db.dispose()
