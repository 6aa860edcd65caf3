"""UI benchmark: cold start of the main window, and search-as-you-type latency.

    python bench/bench_ui.py [--runs 5] [--start-count 1000] [--count 10000] [--big 100000]
                             [--start-only | --keys-only] [--dir DIR] [--keep]

(a) Cold start on a `--start-count` applicant SQLite database (issue 13: 1,000), against
    a bare PySide6 window in the same run. Each start is a fresh `python -c` process
    (QT_QPA_PLATFORM=offscreen),
    timed from just before the process is spawned to a QTimer.singleShot(0) queued at the
    window's first show event, i.e. once the show and its first events have been handled.
    ClassDesk's start is the real `ui.main.run()`: the window shows at once and the
    startup service (integrity check, start-up backup, migrations check) runs on a worker
    thread; "ready" is when the window has been filled in (operator already set, 报名录入
    the last page used: list loaded, form built). `--runs` of each, alternating; the
    first of each is a warm-up, not counted. Targets: "shown" median ≤ 2× and "ready"
    median ≤ 2.5× the bare window (issue 13). The machine's load average is printed
    before and after: on a shared machine figures are only comparable at similar load.
(a') With --outside or --bundle: the same "ready", timed from outside: `python -m app`
    (and with `--bundle`, the bundle's executable, which no benchmark code can enter)
    with CLASSDESK_EXIT_WHEN_READY set prints a READY line when the desk can work
    (ui.main.READY_PROBE); timed from the spawn to that line.
(b) Keystroke → list updated, in a real RegistrationPage at 1366×768 over `--count` and
    `--big` applicants: a key is sent to the search box (QTest.keyClick; Chinese
    characters as an input method commits them), then events are processed until the
    list has reloaded (search, model reset) and the view has handled its repaint.
    Sequences people type: a surname then a given-name character, digits of an ID
    number, pinyin initials z / zs / zsf, a mobile's digits, a 报名序号, Backspace.
    Targets: median under 50 ms at `--count` (10,000); at `--big` (100,000, issue 14)
    median ≤ 16 ms and p90 ≤ 33 ms (two frames). The list reads the first page of rows
    per keystroke (the rest as it scrolls), so this is search + first page + repaint.
    `--keys-only` skips (a); `--count 0` measures `--big` only.

Databases are built once with ApplicantService.create_many over demo data, in a
temporary directory (or `--dir`, reused when it already holds the right count); settings
go to a temporary XDG_CONFIG_HOME so the operator dialog does not block and the real
settings are not touched. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

START_TARGET_RATIO = 2.0
READY_TARGET_RATIO = 2.5
KEY_TARGET_MS = 50.0
BIG_MEDIAN_MS = 16.0
BIG_P90_MS = 33.0
OPERATOR = "基准测试"

BARE_CHILD = """
import os, time
t0 = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1280, 760)
w.show()
def shown():
    print("BENCH", time.monotonic() - t0, flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""

DESK_CHILD = """
import json, os, sys, time
t0 = float(os.environ["BENCH_T0"])
sys.path.insert(0, os.environ["BENCH_ROOT"])
from PySide6.QtCore import QTimer
import ui.main
marks = {}

class TimedWindow(ui.main.MainWindow):
    # The real ui.main.run(), with two timestamps: first shown, and ready to work.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sig_ready.connect(lambda: QTimer.singleShot(0, self.ready))

    def showEvent(self, event):
        super().showEvent(event)
        if "shown" not in marks:
            QTimer.singleShot(0, lambda: marks.setdefault("shown", time.monotonic() - t0))

    def ready(self):
        marks["ready"] = time.monotonic() - t0
        page = self.registration
        assert self.current_page_name() == "报名录入" and page is not None
        marks["rows"] = page.list.model.rowCount()
        self.close()

ui.main.MainWindow = TimedWindow
code = ui.main.run(["classdesk"], os.environ["BENCH_URL"])
print("BENCH", marks["shown"], json.dumps(marks), flush=True)
sys.exit(code)
"""


def out(line: str = "") -> None:
    print(line, flush=True)


def load_text() -> str:
    """The 1, 5 and 15 minute load averages, and the CPU count they compare with."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # not on every platform
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def runs_text(values: list[float]) -> str:
    return " ".join(f"{x:.0f}" for x in values)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else float("nan")


# ---------------------------------------------------------------- databases


def progress(items: Iterable[object], total: int, label: str) -> Iterator[object]:
    step = max(total // 10, 1000)
    start = time.perf_counter()
    for i, item in enumerate(items, 1):
        yield item
        if i % step == 0 or i == total:
            rate = i / max(time.perf_counter() - start, 1e-9)
            out(f"    {label}: {i:,}/{total:,} ({rate:,.0f}/s)")


def build_database(path: Path, count: int) -> str:
    """A SQLite database holding `count` demo applicants (reused if it already does)."""
    from app.services.applicants import ApplicantService
    from app.services.database import open_database
    from app.services.demo import demo_applicants

    url = f"sqlite:///{path}"
    db = open_database(url, take_backups=False)
    try:
        svc = ApplicantService(db, OPERATOR, clock=lambda: datetime(2021, 9, 20, 10, 0))
        have = svc.count()
        if have == count:
            out(f"  {path.name}: {count:,} applicants already there")
            return url
        if have:
            raise SystemExit(f"{path} holds {have} applicants, not {count}: use another --dir")
        out(f"  building {path.name} with {count:,} demo applicants …")
        started = time.perf_counter()
        svc.create_many(
            progress(demo_applicants(svc.campaign, count, seed=2021), count, "created"),  # type: ignore[arg-type]
            note="基准测试数据",
            full_history=False,
        )
        out(f"  built in {time.perf_counter() - started:.1f} s")
    finally:
        db.dispose()
    return url


# ---------------------------------------------------------------- (a) cold start


def preset_settings(env: dict[str, str]) -> None:
    """The operator is known and 报名录入 was the last page: no dialog, the real page."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from ui.widgets.settings import settings\n"
        "s = settings(); s.setValue('desk/operator', sys.argv[2]);"
        " s.setValue('main_window/page', '报名录入'); s.sync()\n"
    )
    subprocess.run([sys.executable, "-c", code, str(ROOT), OPERATOR], env=env, check=True)


def one_start(code: str, env: dict[str, str]) -> tuple[float, dict[str, float]]:
    env = dict(env, BENCH_T0=repr(time.monotonic()))
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH "):
            parts = line.split(" ", 2)
            phases = json.loads(parts[2]) if len(parts) > 2 else {}
            return float(parts[1]), phases
    raise RuntimeError(f"child failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def one_probe(command: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning `command` to its READY line (ui.main.READY_PROBE)."""
    env = dict(env, CLASSDESK_EXIT_WHEN_READY="1")
    t0 = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("CLASSDESK READY"):
            ready = time.monotonic() - t0
            if "rows=-1" in line:
                raise RuntimeError(f"ready on the wrong page: {line.strip()}")
            proc.wait(timeout=60)
            return ready
    _, err = proc.communicate(timeout=60)
    raise RuntimeError(f"no READY line (exit {proc.returncode}):\n{err}")


def bench_probe(url: str, runs: int, env: dict[str, str], bundle: Path | None) -> None:
    """Ready, seen from outside: `python -m app` and the bundle, against the bare window."""
    child_env = dict(env, BENCH_ROOT=str(ROOT), QT_QPA_PLATFORM="offscreen")
    commands = {"python -m app": [sys.executable, "-m", "app", "--db", url]}
    if bundle is not None:
        commands["bundle"] = [str(bundle), "--db", url]
    out(f"\n(a') ready, timed from outside (spawn → READY line) — {runs} runs each (+1 warm-up)")
    out(f"  load average before: {load_text()}")
    bare: list[float] = []
    ready: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(runs + 1):
        b, _ = one_start(BARE_CHILD, dict(child_env, BENCH_URL=url))
        times = {name: one_probe(cmd, child_env) for name, cmd in commands.items()}
        if i == 0:
            continue
        bare.append(b * 1000)
        for name, t in times.items():
            ready[name].append(t * 1000)
    out(f"  bare PySide6 window : median {median(bare):6.0f} ms   runs {runs_text(bare)}")
    for name, values in ready.items():
        ratio = median(values) / median(bare)
        out(
            f"  {name + ', ready':20}: median {median(values):6.0f} ms   runs {runs_text(values)}"
            f"   {ratio:.2f}× the bare window"
        )
    out(f"  load average after: {load_text()}")


def bench_cold_start(url: str, runs: int, env: dict[str, str]) -> bool:
    out(f"\n(a) cold start to the first shown window — {runs} runs each (+1 warm-up)")
    out(f"  load average before: {load_text()}")
    child_env = dict(env, BENCH_URL=url, BENCH_ROOT=str(ROOT), QT_QPA_PLATFORM="offscreen")
    bare: list[float] = []
    desk: list[float] = []
    phases: list[dict[str, float]] = []
    for i in range(runs + 1):
        b, _ = one_start(BARE_CHILD, child_env)
        d, p = one_start(DESK_CHILD, child_env)
        if i == 0:
            continue  # warm-up: file caches, .pyc
        bare.append(b * 1000)
        desk.append(d * 1000)
        phases.append(p)
    ready = [p["ready"] * 1000 for p in phases]
    rows = int(phases[0]["rows"]) if phases else 0
    out(f"  bare PySide6 window : median {median(bare):6.0f} ms   runs {runs_text(bare)}")
    out(f"  ClassDesk, shown    : median {median(desk):6.0f} ms   runs {runs_text(desk)}")
    out(f"  ClassDesk, ready    : median {median(ready):6.0f} ms   runs {runs_text(ready)}")
    out(f"    (ready: database open, the list showing {rows} rows, the form built)")
    ratio = median(desk) / median(bare)
    ready_ratio = median(ready) / median(bare)
    ok = ratio <= START_TARGET_RATIO
    ready_ok = ready_ratio <= READY_TARGET_RATIO
    out(
        f"  shown: {ratio:.2f}× the bare window (target ≤ {START_TARGET_RATIO:.0f}×): "
        f"{'PASS' if ok else 'FAIL'};  ready: {ready_ratio:.2f}× "
        f"(target ≤ {READY_TARGET_RATIO}×): {'PASS' if ready_ok else 'FAIL'}"
    )
    out(f"  load average after: {load_text()}")
    return ok and ready_ok


# ---------------------------------------------------------------- (b) keystrokes


def key_sequences(sample: dict[str, str]) -> list[tuple[str, list[str]]]:
    """(kind, keys): each key is typed after the previous ones; "⌫" clears the box."""
    return [
        ("surname + given", [sample["surname"], sample["given"], "⌫"]),
        ("ID digits", [*sample["id_part"], "⌫"]),
        ("pinyin initials", ["z", "s", "f", "⌫"]),
        ("mobile digits", [*sample["mobile_part"], "⌫"]),
        ("报名序号", [*sample["serial"], "⌫"]),
    ]


def sample_from(svc: object) -> dict[str, str]:
    rows = svc.search("", limit=1000)  # type: ignore[attr-defined]
    row = rows[len(rows) // 3]
    return {
        "surname": row.name[0],
        "given": row.name[1],
        "id_part": row.id_number[6:12],  # birth year and month
        "mobile_part": row.mobile[3:8],
        "serial": f"{row.serial_no:04d}",
    }


def bench_keystrokes(url: str, label: str, rounds: int) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.services.applicants import ApplicantService
    from app.services.database import open_database
    from ui.main import make_application
    from ui.pages.registration.page import RegistrationPage

    app = make_application(["bench"])
    db = open_database(url, take_backups=False)
    svc = ApplicantService(db, OPERATOR)
    page = RegistrationPage(svc)
    page.resize(1366, 768)
    page.show()
    QApplication.processEvents()
    edit = page.list.search_edit
    edit.setFocus()
    reloads = [0]
    page.list.sig_refreshed.connect(lambda _n: reloads.__setitem__(0, reloads[0] + 1))
    sequences = key_sequences(sample_from(svc))

    def press(key: str) -> float:
        before = reloads[0]
        t0 = time.perf_counter()
        if key == "⌫":
            edit.selectAll()
            QTest.keyClick(edit, Qt.Key.Key_Backspace)
        elif key.isascii():
            QTest.keyClick(edit, key)
        else:  # what a pinyin input method sends when the person picks the character
            event = QInputMethodEvent()
            event.setCommitString(key)
            QApplication.sendEvent(edit, event)
        while reloads[0] == before:
            app.processEvents()
        app.processEvents()  # the view's repaint after the reset
        return (time.perf_counter() - t0) * 1000

    # The first pass is a warm-up, reported apart: the session's first search of each
    # kind also compiles its SQL (SQLAlchemy caches it) and fills Qt's glyph caches.
    first_pass = [press(key) for _, keys in sequences for key in keys]
    by_key: dict[tuple[str, int], list[float]] = {}
    for _ in range(rounds):
        for kind, keys in sequences:
            for i, key in enumerate(keys):
                by_key.setdefault((kind, i), []).append(press(key))
    everything = [x for xs in by_key.values() for x in xs]
    out(
        f"  {label}: {len(everything)} keystrokes, median {median(everything):.1f} ms, "
        f"p90 {pct(everything, 90):.1f} ms, worst {max(everything):.1f} ms "
        f"(warm-up pass, not counted: worst {max(first_pass):.1f} ms)"
    )
    for kind, keys in sequences:
        per_key = "  ".join(f"{key}:{median(by_key[kind, i]):.0f}" for i, key in enumerate(keys))
        xs = [x for i in range(len(keys)) for x in by_key[kind, i]]
        out(f"    {kind:16} median {median(xs):5.1f}  worst {max(xs):5.1f} ms   per key {per_key}")
    page.close()
    page.deleteLater()
    app.processEvents()
    db.dispose()
    return {"median": median(everything), "p90": pct(everything, 90), "worst": max(everything)}


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts of each kind")
    parser.add_argument("--count", type=int, default=10_000, help="applicants for (b)")
    parser.add_argument("--start-count", type=int, default=1_000, help="applicants for (a)")
    parser.add_argument("--start-only", action="store_true", help="(a) only")
    parser.add_argument("--keys-only", action="store_true", help="(b) only")
    parser.add_argument(
        "--bundle", type=Path, nargs="?", const=ROOT / "dist" / "classdesk" / "classdesk",
        help="(a') with the bundle's executable too (default dist/classdesk/classdesk)",
    )
    parser.add_argument("--outside", action="store_true", help="(a') with python -m app")
    parser.add_argument("--big", type=int, default=100_000, help="0 to skip")
    parser.add_argument(
        "--rounds", type=int, default=3, help="times each key sequence is typed (+1 warm-up)"
    )
    parser.add_argument("--dir", type=Path, help="keep the databases here (reused next time)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="classdesk-bench-ui-"))
    work.mkdir(parents=True, exist_ok=True)
    config = work / "config"
    data = work / "data"
    config.mkdir(exist_ok=True)
    data.mkdir(exist_ok=True)
    # This process and its children: settings and the log folder in the scratch space.
    os.environ["XDG_CONFIG_HOME"] = str(config)
    os.environ["XDG_DATA_HOME"] = str(data)
    env = dict(os.environ)
    import PySide6

    out(
        f"ClassDesk UI benchmark — Python {platform.python_version()}, PySide6 "
        f"{PySide6.__version__}, {platform.platform()}, {os.cpu_count()} CPUs"
    )
    out(f"work dir {work}")
    ok = True
    try:
        if not args.keys_only:
            start_url = build_database(work / f"desk-{args.start_count}.sqlite3",
                                       args.start_count)
            preset_settings(env)
            ok &= bench_cold_start(start_url, args.runs, env)
            if args.outside or args.bundle:
                bench_probe(start_url, args.runs, env, args.bundle)
        if args.start_only:
            out(f"\noverall: {'PASS' if ok else 'FAIL'}")
            return 0

        out("\n(b) keystroke in the search box → list updated (search + first page + repaint)")
        out(f"  load average before: {load_text()}")
        if args.count:
            url = build_database(work / f"desk-{args.count}.sqlite3", args.count)
            small = bench_keystrokes(url, f"{args.count:,} applicants", args.rounds)
            key_ok = small["median"] < KEY_TARGET_MS
            out(
                f"  median {small['median']:.1f} ms at {args.count:,} "
                f"(target < {KEY_TARGET_MS:.0f} ms): {'PASS' if key_ok else 'FAIL'}"
            )
            ok &= key_ok
        if args.big:
            big_url = build_database(work / f"desk-{args.big}.sqlite3", args.big)
            big = bench_keystrokes(big_url, f"{args.big:,} applicants", args.rounds)
            big_ok = big["median"] <= BIG_MEDIAN_MS and big["p90"] <= BIG_P90_MS
            out(
                f"  median {big['median']:.1f} ms, p90 {big['p90']:.1f} ms at {args.big:,} "
                f"(target median ≤ {BIG_MEDIAN_MS:.0f}, p90 ≤ {BIG_P90_MS:.0f} ms): "
                f"{'PASS' if big_ok else 'FAIL'}"
            )
            ok &= big_ok
        out(f"  load average after: {load_text()}")
    finally:
        if not (args.keep or args.dir):
            shutil.rmtree(work, ignore_errors=True)
    out(f"\noverall: {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
