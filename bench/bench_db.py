"""Database benchmark: bulk and single saves, search latency on 100,000 applicants, memory.

    python bench/bench_db.py [--count 10000] [--search-count 100000] [--pg URL]

(a) insert `--count` demo applicants with ApplicantService.create_many, then `--singles`
    single `create` calls (the desk saves one at a time, synchronous=FULL);
(b) build a `--search-count` SQLite database and time ApplicantService.search per query
    kind over ~`--queries` queries taken from the data: median / p95 / worst ms, PASS/FAIL
    against `--target-ms` (20 ms) median; EXPLAIN QUERY PLAN for each kind that fails;
(c) peak memory: ru_maxrss of the process, tracemalloc peak of a separate search pass
    (tracemalloc slows Python down, so it is not on during the timed pass);
(d) with `--pg URL`: the same on PostgreSQL, in a throw-away schema `classdesk_bench_<pid>`
    (created and dropped here; nothing else in that database is touched).

Everything is written to a temporary directory (or `--dir`), removed afterwards unless
`--keep`.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from app.domain.applicant import ApplicantData
from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.demo import demo_applicants
from db.engine import Database
from db.models import Applicant

CLOCK = datetime(2021, 9, 20, 10, 0)
KINDS = (
    ("name prefix", "surname + first given char, e.g. 张伟"),
    ("ID full", "all 18 characters"),
    ("ID middle 6", "ID characters 9-14 (birth MMDD + 2)"),
    ("mobile part", "8 digits after the 3-digit prefix"),
    ("报名序号", "the serial number, e.g. 4711"),
    ("pinyin initials", "first initials key, e.g. zs / wxm"),
)


def out(line: str = "") -> None:
    print(line, flush=True)


def progress(items: Iterable[ApplicantData], total: int, label: str,
             every: int = 10_000) -> Iterator[ApplicantData]:
    t0 = time.perf_counter()
    for i, d in enumerate(items, 1):
        yield d
        if i % every == 0 or i == total:
            dt = time.perf_counter() - t0
            out(f"    {label}: {i:>7,} / {total:,}  {dt:6.1f} s  ({i / dt:,.0f} rows/s)")


def service(db: Database) -> ApplicantService:
    return ApplicantService(db, "基准测试", clock=lambda: CLOCK)


# ---------------------------------------------------------------- (a) inserts
def bench_inserts(url: str, count: int, singles: int) -> dict[str, float]:
    db = open_database(url, take_backups=False, daily_backup=False)
    try:
        svc = service(db)
        datas = list(demo_applicants(svc.campaign, count + singles, seed=7))
        bulk, single = datas[:count], datas[count:]
        t0 = time.perf_counter()
        n = svc.create_many(progress(bulk, count, "create_many", every=max(count // 4, 1)))
        bulk_s = time.perf_counter() - t0
        assert n == count
        times = []
        for d in single:
            t = time.perf_counter()
            svc.create(d)
            times.append((time.perf_counter() - t) * 1000)
        assert svc.count() == count + singles
        return {
            "bulk_s": bulk_s, "bulk_rate": count / bulk_s,
            "single_med": statistics.median(times), "single_p95": pct(times, 95),
            "single_max": max(times), "single_total_s": sum(times) / 1000,
        }
    finally:
        db.dispose()


# ---------------------------------------------------------------- (b) search
def build(url: str, count: int) -> float:
    db = open_database(url, take_backups=False, daily_backup=False)
    try:
        svc = service(db)
        t0 = time.perf_counter()
        svc.create_many(progress(demo_applicants(svc.campaign, count, seed=2021), count,
                                 "building"), full_history=True)
        return time.perf_counter() - t0
    finally:
        db.dispose()


def queries(svc: ApplicantService, n: int, seed: int = 42) -> dict[str, list[tuple[str, int]]]:
    """~n queries per kind, each with the applicant id it was taken from."""
    with svc.db.read() as s:
        total = s.scalar(select(Applicant.serial_no).order_by(Applicant.serial_no.desc())
                         .limit(1)) or 0
        rng = random.Random(seed)
        picks = sorted(rng.sample(range(1, total + 1), min(n, total)))
        rows = s.execute(
            select(Applicant.id, Applicant.serial_no, Applicant.name, Applicant.id_number,
                   Applicant.mobile, Applicant.name_initials)
            .where(Applicant.serial_no.in_(picks))
        ).all()
    qs: dict[str, list[tuple[str, int]]] = {k: [] for k, _ in KINDS}
    for r in rows:
        qs["name prefix"].append((r.name[:2], r.id))
        qs["ID full"].append((r.id_number, r.id))
        qs["ID middle 6"].append((r.id_number[8:14], r.id))
        qs["mobile part"].append((r.mobile[3:], r.id))
        qs["报名序号"].append((str(r.serial_no), r.id))
        qs["pinyin initials"].append((r.name_initials.split()[0], r.id))
    return qs


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(p / 100 * len(v) + 0.5) - 1))]


@dataclass
class KindResult:
    kind: str
    n: int
    median: float
    p95: float
    worst: float
    rows_med: float
    found: int  # queries whose source applicant was in the result (or the list was full)
    example: str


def time_searches(svc: ApplicantService, qs: dict[str, list[tuple[str, int]]],
                  ) -> list[KindResult]:
    results = []
    for kind, _ in KINDS:
        items = qs[kind]
        for q, _ in items[:5]:  # warm the page cache and the statement cache
            svc.search(q)
        times, counts, found = [], [], 0
        for q, source in items:
            t = time.perf_counter()
            rows = svc.search(q)
            times.append((time.perf_counter() - t) * 1000)
            counts.append(len(rows))
            if len(rows) >= 1000 or any(r.id == source for r in rows):
                found += 1
        results.append(KindResult(kind, len(items), statistics.median(times), pct(times, 95),
                                  max(times), statistics.median(counts), found,
                                  items[0][0] if items else ""))
    return results


def traced_peak(svc: ApplicantService, qs: dict[str, list[tuple[str, int]]]) -> float:
    tracemalloc.start()
    try:
        for items in qs.values():
            for q, _ in items:
                svc.search(q)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def captured_sql(svc: ApplicantService, q: str) -> tuple[str, Any]:
    """The SQL and parameters search(q) sends (the last statement it executes)."""
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
             executemany: bool) -> None:
        seen.append((statement, params))

    event.listen(svc.db.engine, "before_cursor_execute", grab)
    try:
        svc.search(q)
    finally:
        event.remove(svc.db.engine, "before_cursor_execute", grab)
    stmt = [x for x in seen if x[0].lstrip().upper().startswith("SELECT")]
    return stmt[-1]


def explain(svc: ApplicantService, q: str) -> list[str]:
    sql, params = captured_sql(svc, q)
    with svc.db.engine.connect() as conn:
        if svc.db.is_sqlite:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
            return [f"{r[0]:>3} {r[1]:>3}  {r[3]}" for r in rows]
        rows = conn.exec_driver_sql("EXPLAIN ANALYZE " + sql, params).all()
        return [r[0] for r in rows]


# ---------------------------------------------------------------- report
def table(headers: list[str], rows: list[list[str]], right: set[int]) -> None:
    def width(s: str) -> int:  # CJK characters take two columns
        return sum(2 if ord(c) > 0x2E7F else 1 for c in s)

    def pad(s: str, w: int, r: bool) -> str:
        fill = " " * (w - width(s))
        return fill + s if r else s + fill

    ws = [max(width(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    line = "  ".join(pad(h, w, i in right) for i, (h, w) in enumerate(zip(headers, ws,
                                                                               strict=True)))
    out("  " + line)
    out("  " + "  ".join("-" * w for w in ws))
    for row in rows:
        out("  " + "  ".join(pad(str(c), w, i in right)
                             for i, (c, w) in enumerate(zip(row, ws, strict=True))))


def search_report(label: str, svc: ApplicantService, nq: int, target: float,
                  explain_all: bool) -> tuple[list[KindResult], float]:
    qs = queries(svc, nq)
    res = time_searches(svc, qs)
    out(f"\n  search() on {label}, default limit 1000, ms per call:")
    table(
        ["query kind", "example", "n", "median", "p95", "worst", "rows", "found", "target"],
        [[r.kind, r.example, str(r.n), f"{r.median:.2f}", f"{r.p95:.2f}", f"{r.worst:.2f}",
          f"{r.rows_med:g}", f"{r.found}/{r.n}",
          ("PASS" if r.median < target else "FAIL") + f" <{target:g}"] for r in res],
        right={2, 3, 4, 5, 6, 7},
    )
    peak = traced_peak(svc, qs)
    for r in res:
        if r.median >= target or explain_all:
            out(f"\n  query plan, {r.kind} ({r.example!r}), median {r.median:.1f} ms:")
            for line in explain(svc, r.example):
                out("    " + line)
    return res, peak


def fs_type(path: Path) -> str:
    try:
        best, typ = "", "?"
        for line in Path("/proc/self/mounts").read_text().splitlines():
            parts = line.split()
            if str(path.resolve()).startswith(parts[1]) and len(parts[1]) >= len(best):
                best, typ = parts[1], parts[2]
        return f"{typ} ({best})"
    except OSError:
        return "?"


def with_schema(url: str, schema: str) -> str:
    u = make_url(url)
    return u.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def pg_bench(url: str, count: int, nq: int, target: float, explain_all: bool) -> None:
    schema = f"classdesk_bench_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    surl = with_schema(url, schema)
    try:
        out(f"\n(d) PostgreSQL {make_url(url).render_as_string(hide_password=True)}, "
            f"schema {schema}")
        t = build(surl, count)
        out(f"  built {count:,} applicants in {t:.1f} s ({count / t:,.0f} rows/s)")
        db = open_database(surl, take_backups=False, daily_backup=False)
        try:
            with db.engine.begin() as c:
                c.execute(text("ANALYZE"))  # autovacuum would do this soon after a load
            svc = service(db)
            _, peak = search_report(f"PostgreSQL, {count:,} applicants", svc, nq, target,
                                    explain_all)
            out(f"  tracemalloc peak during the search pass: {peak:.1f} MiB")
        finally:
            db.dispose()
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=10_000, help="applicants for create_many")
    ap.add_argument("--singles", type=int, default=200, help="single create() calls")
    ap.add_argument("--search-count", type=int, default=100_000,
                    help="applicants in the search database")
    ap.add_argument("--queries", type=int, default=50, help="queries per kind")
    ap.add_argument("--target-ms", type=float, default=20.0, help="median target per kind")
    ap.add_argument("--pg", metavar="URL", help="also benchmark search on PostgreSQL")
    ap.add_argument("--dir", type=Path, help="work here instead of a temporary directory")
    ap.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    ap.add_argument("--explain", action="store_true", help="query plans for every kind")
    ap.add_argument("--no-what-if", action="store_true",
                    help="skip re-running failed SQLite searches after ANALYZE")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="classdesk-bench-", dir=args.dir))
    out(f"ClassDesk DB benchmark — Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {platform.machine()}, {work} on {fs_type(work)}")
    try:
        # (a)
        url = f"sqlite:///{work / 'insert.sqlite3'}"
        out(f"\n(a) inserts on SQLite (WAL, synchronous=FULL): {args.count:,} via create_many, "
            f"then {args.singles} single create()")
        a = bench_inserts(url, args.count, args.singles)
        table(["operation", "count", "wall", "rate / per save"], [
            ["create_many (batches of 2000)", f"{args.count:,}", f"{a['bulk_s']:.2f} s",
             f"{a['bulk_rate']:,.0f} rows/s"],
            ["create, one at a time", str(args.singles), f"{a['single_total_s']:.2f} s",
             f"median {a['single_med']:.1f} ms, p95 {a['single_p95']:.1f}, "
             f"worst {a['single_max']:.1f}"],
        ], right={1, 2})

        # (b)
        path = work / "search.sqlite3"
        out(f"\n(b) search on SQLite, {args.search_count:,} applicants — building with "
            "create_many:")
        t = build(f"sqlite:///{path}", args.search_count)
        size = sum(p.stat().st_size for p in work.glob("search.sqlite3*")) / 2**20
        out(f"  built in {t:.1f} s ({args.search_count / t:,.0f} rows/s), "
            f"{size:.0f} MiB on disk")
        db = open_database(f"sqlite:///{path}", take_backups=False, daily_backup=False)
        try:
            svc = service(db)
            res, peak = search_report(f"SQLite, {args.search_count:,} applicants", svc,
                                      args.queries, args.target_ms, args.explain)
            if any(r.median >= args.target_ms for r in res) and not args.no_what_if:
                # The program never runs ANALYZE, so SQLite plans without statistics.
                # Same service code, same data, after ANALYZE: how much is the plan?
                with db.engine.begin() as c:
                    c.exec_driver_sql("ANALYZE")
                out("\n  what-if: the same searches after ANALYZE (sqlite_stat1 present; "
                    "the program never creates it):")
                search_report(f"SQLite, {args.search_count:,} applicants, after ANALYZE", svc,
                              args.queries, args.target_ms, args.explain)
        finally:
            db.dispose()

        # (c)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rss_mib = rss / 2**20 if sys.platform == "darwin" else rss / 1024
        out(f"\n(c) memory: peak RSS of the whole run {rss_mib:.0f} MiB (ru_maxrss); "
            f"tracemalloc peak during the SQLite search pass {peak:.1f} MiB")

        # (d)
        if args.pg:
            pg_bench(args.pg, args.search_count, args.queries, args.target_ms, args.explain)

        failed = [r.kind for r in res if r.median >= args.target_ms]
        out("\nresult: " + ("all query kinds PASS" if not failed else
                            f"FAIL on SQLite for: {', '.join(failed)}"))
        return 0
    finally:
        if args.keep:
            out(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
