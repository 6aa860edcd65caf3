"""The hostile-input suite: every case of tests/support/hostile_cases.py run as the real
command (`python -m app …`, a process of its own, on a copy of a real database), checked
for its exit code, a Chinese message, no traceback, no hang and an unchanged database.

The commands run in parallel once per session (a fixture); each case is then its own test.
`python -m pytest tests/services/test_hostile_cli.py -s` prints the table of kinds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.services.applicants import ApplicantService
from app.services.database import open_database
from tests.support import hostile_cases
from tests.support.hostile_cases import LIVE, Case, all_cases
from tests.support.hostile_results import results_cases
from tests.support.people import applicant, id_number

ROOT = Path(__file__).resolve().parents[2]
CASES = all_cases() + results_cases()  # results import/set, bring-back
TIMEOUT = 60  # seconds for one command: a hang fails its case, never the whole run
NOBODY = 65534


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: killed after TIMEOUT
    stdout: str
    stderr: str
    before: dict[str, str]
    after: dict[str, str]
    seconds: float
    skipped: str = ""


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def digest(path: Path) -> str:
    """What must not change: a ClassDesk database's rows (not SQLite's statistics, which
    closing may refresh), any other file's bytes, and every kind of file's mode."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "missing"
    mode = f"{stat.S_IFMT(st.st_mode):o}:{stat.S_IMODE(st.st_mode):o}"
    if not stat.S_ISREG(st.st_mode):
        return mode
    head = path.open("rb").read(16) if os.access(path, os.R_OK) else b""
    if head == b"SQLite format 3\x00":
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                h = hashlib.sha256(mode.encode())
                tables = [r[0] for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
                for t in tables:
                    h.update(t.encode())
                    for row in sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))):
                        h.update(row.encode())
                return h.hexdigest()
            finally:
                con.close()
        except sqlite3.DatabaseError:
            pass
    return mode + ":" + hashlib.sha256(path.read_bytes()).hexdigest()


def _template(folder: Path) -> Path:
    path = folder / "template.sqlite3"
    db = open_database(str(path), take_backups=False)
    svc = ApplicantService(db, "安全测试")
    for i, name in enumerate(("张三", "李四", "王五"), start=1):
        svc.create(applicant(name, id_number=id_number(seq=i), mobile=f"1391234567{i}"))
    db.dispose()
    return path


def _nobody_can_run(base: Path) -> str:
    """"" when a child can run as nobody here, else why not (the case is then skipped)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return "needs root and setpriv to run a child as another user"
    r = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                        sys.executable, "-c", "import app"], cwd=ROOT, capture_output=True,
                       timeout=60)
    return "" if r.returncode == 0 else "nobody cannot run this Python (folder permissions)"


def _prepare(case: Case, base: Path, template: Path, nobody: str) -> tuple[Path, list[str]]:
    d = base / case.name
    d.mkdir()
    shutil.copy(template, d / LIVE)
    data = d / ".data"
    data.mkdir()
    if case.as_nobody and not nobody:
        os.chmod(d, 0o755)
        os.chown(data, NOBODY, NOBODY)
    if case.setup is not None:
        case.setup(d)
    argv = [a.replace("{dir}", str(d)) for a in case.argv]
    return d, argv


def _run(case: Case, d: Path, argv: list[str], nobody: str) -> Outcome:
    before = {w: digest(d / w) for w in case.watch}
    if case.as_nobody and nobody:
        return Outcome(0, "", "", before, before, 0.0, skipped=nobody)
    env = {**os.environ, "CLASSDESK_DATA_DIR": str(d / ".data"), **case.env}
    env.pop("CLASSDESK_DB", None)
    cmd = [sys.executable, "-m", "app", *argv]
    if case.as_nobody:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
        env["HOME"] = str(d / ".data")
    started = time.monotonic()
    try:
        r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
        code: int | None = r.returncode
        out, err = r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        code, out, err = None, e.stdout or b"", e.stderr or b""
    seconds = time.monotonic() - started
    after = {w: digest(d / w) for w in case.watch}
    return Outcome(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                   before, after, seconds)


@pytest.fixture(scope="session")
def outcomes(request: pytest.FixtureRequest) -> Iterator[dict[str, Outcome]]:
    """Runs the selected cases (all of them, unless `-k` chose some) in parallel, once."""
    chosen = {item.callspec.params["case"].name for item in request.session.items
              if item.name.startswith("test_hostile_input[")}  # type: ignore[attr-defined]
    cases = [c for c in CASES if c.name in chosen]
    base = Path(tempfile.mkdtemp(prefix="classdesk-hostile-"))
    os.chmod(base, 0o755)  # an unprivileged child must reach its own case folder
    try:
        cache = base / ".cache"
        cache.mkdir()
        hostile_cases.CACHE[:] = [cache]
        template = _template(base)
        nobody = _nobody_can_run(base)
        started = time.monotonic()
        prepared = [(c, *_prepare(c, base, template, nobody)) for c in cases]
        made = time.monotonic() - started
        results: dict[str, Outcome] = {}
        with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2) + 1)) as pool:
            futures = {c.name: pool.submit(_run, c, d, argv, nobody) for c, d, argv in prepared}
            for name, future in futures.items():
                results[name] = future.result()
        yield results
        _print_table(cases, results, made, time.monotonic() - started)
    finally:
        hostile_cases.CACHE.clear()
        shutil.rmtree(base, ignore_errors=True)


def _verdict(case: Case, o: Outcome) -> str:
    if o.skipped:
        return "skipped"
    if o.code is None:
        return "HANG"
    if "Traceback" in o.stderr or "Traceback" in o.stdout:
        return "TRACEBACK"
    if o.before != o.after:
        return "CHANGED"
    if o.code not in case.codes:
        return f"exit {o.code}"
    return "refused" if o.code else "accepted"


def _print_table(cases: list[Case], results: dict[str, Outcome], made: float,
                 seconds: float) -> None:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        rows[case.kind][_verdict(case, results[case.name])] += 1
    width = max(len(k) for k in rows) + 2
    lines = [f"hostile-input suite: {len(cases)} cases as `python -m app …` subprocesses "
             f"in {seconds:.0f} s (making the inputs {made:.0f} s)",
             f"{'kind of input':<{width}} cases  outcome"]
    for kind, counts in rows.items():
        shown = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
        lines.append(f"{kind:<{width}} {sum(counts.values()):>5}  {shown}")
    total = Counter(v for c in rows.values() for v in c.elements())
    lines.append(f"{'total':<{width}} {len(cases):>5}  " + ", ".join(
        f"{n} {v}" for v, n in sorted(total.items())))
    text = "\n".join(lines)
    report = os.environ.get("CLASSDESK_HOSTILE_REPORT")
    if report:
        Path(report).write_text(text + "\n", encoding="utf-8")
    print("\n" + text)


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 300


@pytest.mark.timeout(900)  # the first case waits for the whole run (about 2 min in CI)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, outcomes: dict[str, Outcome]) -> None:
    o = outcomes[case.name]
    if o.skipped:
        pytest.skip(o.skipped)
    shown = f"$ python -m app {' '.join(case.argv)}\nexit {o.code}\n{o.stderr[-1500:]}"
    assert o.code is not None, f"hung for {TIMEOUT} s:\n{shown}"
    assert "Traceback" not in o.stderr and "Traceback" not in o.stdout, shown
    assert o.code in case.codes, shown
    assert o.before == o.after, f"changed {case.watch}:\n{shown}"
    if o.code and not case.message_on_stdout:
        assert _has_chinese(o.stderr), shown
        assert case.words in o.stderr, f"expected 「{case.words}」:\n{shown}"
    else:
        assert _has_chinese(o.stdout), o.stdout
        assert case.stdout_words in o.stdout, f"expected 「{case.stdout_words}」:\n{o.stdout}"
