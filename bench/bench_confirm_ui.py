"""Confirmation day through the real ConfirmPage: key presses and program time per person.

    QT_QPA_PLATFORM=offscreen python bench/bench_confirm_ui.py [--count 120] [--by id|serial]

A scripted queue of `--count` people who all brought everything (bench_confirm's
`prepare_queue`) is served with QTest key presses into the real widgets: the ID number
scanned into the box (or the 报名序号 typed by hand with `--by serial`), Enter, A (tick
every required item), Enter. Counted: the key presses a person makes (a scanner's
characters are counted apart), and the program's time per person — from the Enter that
looks up to the card shown, A, and from the confirming Enter to the box empty and focused
for the next person. Prints median / worst and PASS/FAIL (< 10 key presses, < 100 ms).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_confirm import CLOCK, pct, prepare_queue
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.services.applicants import ApplicantService
from app.services.confirmation import ConfirmationService, ConfirmKind
from app.services.database import open_database
from app.services.overview import OverviewService
from ui.pages.confirm.page import ConfirmPage


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--by", choices=("id", "serial"), default="id",
                    help="id: the ID card scanned; serial: 报名序号 typed by hand")
    ap.add_argument("--target-ms", type=float, default=100.0)
    ap.add_argument("--target-keys", type=int, default=10)
    args = ap.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="bench-confirm-ui-"))
    db = open_database(f"sqlite:///{folder / 'confirm.sqlite3'}", take_backups=False,
                       daily_backup=False)
    try:
        ids = prepare_queue(db, args.count)
        apps = ApplicantService(db, "x")
        keys = ids if args.by == "id" else [
            f"{apps.find_by_id_number(i).serial_no:04d}" for i in ids]  # type: ignore[union-attr]
        page = ConfirmPage(ConfirmationService(db, "确认台1", clock=lambda: CLOCK),
                           OverviewService(db, clock=lambda: CLOCK))
        page.resize(1100, 800)
        page.show()
        QTest.qWaitForWindowExposed(page)
        page.activateWindow()
        page.box.setFocus()
        app.processEvents()

        presses: list[int] = []
        scanned: list[int] = []
        card_ms: list[float] = []
        tick_ms: list[float] = []
        confirm_ms: list[float] = []
        kinds: dict[str, int] = {}
        for key in keys:
            n = 0
            assert QApplication.focusWidget() is page.box and page.box.text() == ""
            QTest.keyClicks(page.box, key)  # the scanner (or the person) types the key
            if args.by == "serial":
                n += len(key)
            else:
                scanned.append(len(key))
            t0 = time.perf_counter()
            QTest.keyClick(page.box, Qt.Key.Key_Return)
            n += 1
            app.processEvents()
            t1 = time.perf_counter()
            assert page.card is not None and page.card_frame.isVisible(), page.message.text()
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A)
            n += 1
            t2 = time.perf_counter()
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
            n += 1
            app.processEvents()
            t3 = time.perf_counter()
            assert QApplication.focusWidget() is page.box and page.box.text() == ""
            outcome = page.last_outcome
            assert outcome is not None
            kinds[outcome.kind.value] = kinds.get(outcome.kind.value, 0) + 1
            presses.append(n)
            card_ms.append((t1 - t0) * 1000)
            tick_ms.append((t2 - t1) * 1000)
            confirm_ms.append((t3 - t2) * 1000)
        page.close()
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)

    totals = [a + b + c for a, b, c in zip(card_ms, tick_ms, confirm_ms, strict=True)]
    ok_keys = max(presses) < args.target_keys
    ok_time = statistics.median(totals) < args.target_ms and max(totals) < args.target_ms
    how = ("ID card scanned into the box" if args.by == "id"
           else "报名序号 typed by hand")
    print(f"ConfirmPage, SQLite, {len(keys)} people ({how}), outcomes {kinds}")
    print(f"  key presses per person with all materials: median "
          f"{statistics.median(presses):.0f}, worst {max(presses)}"
          + (f"  (+ {statistics.median(scanned):.0f} characters from the scanner)"
             if scanned else "")
          + f"  → {'PASS' if ok_keys else 'FAIL'} (target < {args.target_keys})")
    print(f"  program time per person: median {statistics.median(totals):.1f} ms, "
          f"p95 {pct(totals, 95):.1f} ms, worst {max(totals):.1f} ms  → "
          f"{'PASS' if ok_time else 'FAIL'} (target < {args.target_ms:.0f} ms)")
    for step, values in (("Enter → card", card_ms), ("A (tick all)", tick_ms),
                         ("Enter → next", confirm_ms)):
        print(f"    {step:<14} median {statistics.median(values):6.1f} ms   "
              f"worst {max(values):6.1f} ms")
    return 0 if ok_keys and ok_time and kinds.get(ConfirmKind.CONFIRMED.value) == len(keys) \
        else 1


if __name__ == "__main__":
    raise SystemExit(main())
