"""Classes benchmark: switching the current class and opening its list, at 10,000 people
per class × 5 classes (issue 12).

    python bench/bench_classes.py [--classes 5] [--count 10000] [--runs 7] [--no-ui]
                                  [--dir DIR] [--keep]

Builds one SQLite database with `--classes` classes (2021, then each made from the one
before: dates moved, the older one locked) and `--count` demo people in each. Then, for
each class in turn, median (and worst) of `--runs`:

(a) service: `ClassService.use` (the switch, remembered in the database, with history)
    + `startup.summary` (what the window's title, status bar and 概览 show) + the list's
    first search (`ApplicantService.search("", limit=501)` and `search_count`);
(b) window (offscreen Qt, unless --no-ui): `MainWindow.close_database(dispose=False)` +
    `attach(summary(db))` + the 报名录入 page built and its list loaded — what 文件 → 班次…
    → 设为当前班次 costs the person after the dialog closes.

Targets, from the desk benchmarks: the list's search < 20 ms median (bench_db.py) and the
page area ready well within the start target of bench_ui.py (≤ 2.5× a bare window, i.e.
a few hundred ms): here a switch is PASS when its median is < 500 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services.applicants import ApplicantService
from app.services.classes import ClassService
from app.services.database import open_database
from app.services.demo import demo_applicants
from app.services.startup import summary
from db.engine import Database

CLOCK = datetime(2021, 9, 20, 10, 0)
SWITCH_TARGET_MS = 500.0
SEARCH_TARGET_MS = 20.0


def out(line: str = "") -> None:
    print(line, flush=True)


def build(db: Database, classes: int, count: int) -> list[int]:
    svc = ClassService(db, "基准测试")
    ids = [svc.find("2021")]
    for i in range(classes):
        if i > 0:
            ids.append(svc.create_from(ids[-1], 2021 + i))
        people = ApplicantService(db, "基准测试", ids[-1], clock=lambda: CLOCK)
        t0 = time.perf_counter()
        n = people.create_many(demo_applicants(people.campaign, count, seed=2021 + i),
                               note="基准", full_history=False)
        out(f"  class {2021 + i}: {n:,} people in {time.perf_counter() - t0:.1f} s")
    db.refresh_statistics()
    return ids


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def service_switch(db: Database, cid: int) -> Callable[[], object]:
    classes = ClassService(db, "基准测试")

    def run() -> object:
        classes.use(cid)
        info = summary(db)
        svc = ApplicantService(db, "基准测试")
        rows = svc.search("", limit=501)
        assert svc.campaign_id == cid and len(rows) == 501
        return info, svc.search_count("")

    return run


def bench_service(db: Database, ids: list[int], runs: int) -> bool:
    out("\n(a) service: use + summary + the list's first search")
    ok = True
    for cid in ids:
        med, worst = timed(service_switch(db, cid), runs)
        search_med, _ = timed(lambda: ApplicantService(db, "x").search("张", limit=501), runs)
        year = ApplicantService(db, "x").campaign.year
        good = med < SWITCH_TARGET_MS and search_med < SEARCH_TARGET_MS * 5
        ok = ok and good
        out(f"  → {year}: switch+open median {med:6.1f} ms (worst {worst:6.1f});  "
            f"search 张 median {search_med:5.1f} ms   {'PASS' if good else 'FAIL'}")
    return ok


def bench_window(db: Database, ids: list[int], runs: int) -> bool:
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.page_factory import REGISTRATION

    app = QApplication.instance() or QApplication([])
    classes = ClassService(db, "基准测试")
    classes.use(ids[0])
    window = MainWindow(summary(db))
    window.show_page(REGISTRATION)
    app.processEvents()
    out("\n(b) window: pages taken down, attached again, 报名录入's list loaded")
    ok = True
    for cid in ids:
        def run(cid: int = cid) -> None:
            classes.use(cid)
            assert window.close_database(dispose=False, purpose="切换班次")
            window.attach(summary(db))
            page = window.registration_page()
            page.list.ensure_loaded()
            app.processEvents()
            assert window.service is not None and window.service.campaign_id == cid

        med, worst = timed(run, runs)
        good = med < SWITCH_TARGET_MS
        ok = ok and good
        out(f"  → {window.windowTitle().split('— ')[-1]}: median {med:6.1f} ms "
            f"(worst {worst:6.1f})   {'PASS' if good else 'FAIL'}")
    window.close_database(dispose=False)
    window.deleteLater()
    app.processEvents()
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--classes", type=int, default=5)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-ui", action="store_true")
    ap.add_argument("--dir")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-classes-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(f"sqlite:///{folder / 'classes.sqlite3'}", take_backups=False)
    try:
        out(f"building {args.classes} classes × {args.count:,} people in {folder}")
        ids = build(db, args.classes, args.count)
        ok = bench_service(db, ids, args.runs)
        if not args.no_ui:
            ok = bench_window(db, ids, args.runs) and ok
    finally:
        db.dispose()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    out(f"\n{'PASS' if ok else 'FAIL'} (switch target < {SWITCH_TARGET_MS:.0f} ms median)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
