"""Confirmation-day benchmark: a scripted queue of people through the ConfirmationService.

    python bench/bench_confirm.py [--count 120] [--others 0] [--pg URL] [--target-ms 100]

Each person of the queue is served as the desk serves them: lookup by ID number → card →
confirm with every required item ticked. The program's own time per person (the three
service calls, no screen) is printed: median, p95, worst, per step, PASS/FAIL against
`--target-ms`. `--others` registers that many more applicants who are not in the queue
(a bigger database to search). With `--pg URL` the same runs on PostgreSQL in a throw-away
schema `classdesk_bench_confirm_<pid>` (created and dropped here).

`prepare_queue` and `serve_queue` are meant for reuse (the UI benchmark adds key presses).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.domain.codes import ApplicantStatus
from app.services.applicants import ApplicantService
from app.services.confirmation import ConfirmationService, ConfirmKind
from app.services.database import open_database
from app.services.demo import demo_applicants
from app.services.workflow import WorkflowService
from db.engine import Database

CLOCK = datetime(2021, 10, 16, 9, 0)
STEPS = (ApplicantStatus.COUNTY_CHECKED, ApplicantStatus.REVIEW_PASSED,
         ApplicantStatus.PHONED, ApplicantStatus.PAID)


@dataclass(frozen=True)
class PersonTiming:
    key: str
    applicant_id: int
    lookup_ms: float
    card_ms: float
    confirm_ms: float
    kind: ConfirmKind

    @property
    def total_ms(self) -> float:
        return self.lookup_ms + self.card_ms + self.confirm_ms


def prepare_queue(db: Database, count: int = 120, others: int = 0,
                  seed: int = 2021) -> list[str]:
    """Register `count` (+ `others`) demo applicants and bring the `count` first ones to
    已缴费 (or 已电话通知 for who owes nothing), ready to confirm. Their ID numbers, in
    queue order."""
    apps = ApplicantService(db, "报名台", clock=lambda: CLOCK)
    first = apps.count()
    apps.create_many(demo_applicants(apps.campaign, count + others, seed=seed),
                     note="基准测试", full_history=False)
    rows = apps.search("", limit=None)[first:first + count]
    wf = WorkflowService(db, "初审", clock=lambda: CLOCK)
    ids = [r.id for r in rows]
    for step in STEPS:
        # who owes nothing stays at 已电话通知: the flow skips 已缴费 for them
        wf.transition_many(ids, step, note="基准测试")
    return [r.id_number for r in rows]


def serve_queue(svc: ConfirmationService, keys: Sequence[str],
                clock: Callable[[], float] = time.perf_counter) -> list[PersonTiming]:
    """Serve each key as the desk does: lookup → card → confirm all required items."""
    out: list[PersonTiming] = []
    for key in keys:
        t0 = clock()
        found = svc.lookup(key).found
        t1 = clock()
        if found is None:
            raise RuntimeError(f"{key}: not found")
        card = svc.card(found.applicant_id)
        t2 = clock()
        outcome = svc.confirm(found.applicant_id, {i.key: True for i in card.required_items},
                              expected_version=card.version)
        t3 = clock()
        out.append(PersonTiming(key, found.applicant_id, (t1 - t0) * 1000, (t2 - t1) * 1000,
                                (t3 - t2) * 1000, outcome.kind))
    return out


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def report(label: str, timings: list[PersonTiming], target_ms: float) -> bool:
    totals = [t.total_ms for t in timings]
    kinds: dict[str, int] = {}
    for t in timings:
        kinds[t.kind.value] = kinds.get(t.kind.value, 0) + 1
    median, worst = statistics.median(totals), max(totals)
    ok = median < target_ms and worst < target_ms
    print(f"\n{label}: {len(timings)} people, outcomes {kinds}")
    print(f"  program time per person: median {median:.1f} ms, p95 {pct(totals, 95):.1f} ms, "
          f"worst {worst:.1f} ms  → {'PASS' if ok else 'FAIL'} (target < {target_ms:.0f} ms)")
    for step, values in (("lookup", [t.lookup_ms for t in timings]),
                         ("card", [t.card_ms for t in timings]),
                         ("confirm", [t.confirm_ms for t in timings])):
        print(f"    {step:<8} median {statistics.median(values):6.1f} ms   "
              f"worst {max(values):6.1f} ms")
    return ok


def run(url: str, label: str, count: int, others: int, target_ms: float) -> bool:
    db = open_database(url, take_backups=False, daily_backup=False)
    try:
        t = time.perf_counter()
        keys = prepare_queue(db, count, others)
        print(f"{label}: prepared {count} people (+{others} others) in "
              f"{time.perf_counter() - t:.1f} s")
        svc = ConfirmationService(db, "确认台1", clock=lambda: CLOCK)
        timings = serve_queue(svc, keys)
        return report(label, timings, target_ms)
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--count", type=int, default=120, help="people in the queue (120)")
    ap.add_argument("--others", type=int, default=0, help="more applicants, not queued")
    ap.add_argument("--target-ms", type=float, default=100.0)
    ap.add_argument("--pg", help="also run on this PostgreSQL URL (throw-away schema)")
    ap.add_argument("--dir", help="folder for the SQLite file (default: a temporary one)")
    args = ap.parse_args(argv)

    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-confirm-"))
    folder.mkdir(parents=True, exist_ok=True)
    ok = True
    try:
        path = folder / "confirm.sqlite3"
        path.unlink(missing_ok=True)
        ok &= run(f"sqlite:///{path}", "SQLite (synchronous=FULL)", args.count, args.others,
                  args.target_ms)
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    if args.pg:
        schema = f"classdesk_bench_confirm_{os.getpid()}"
        admin = create_engine(args.pg)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        u = make_url(args.pg)
        surl = u.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
        try:
            ok &= run(surl, f"PostgreSQL {u.render_as_string(hide_password=True)}", args.count,
                      args.others, args.target_ms)
        finally:
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
