"""Start-up to a window under Xvfb: the bundle (dist/classdesk) against `python -m app`.

    python bench/bench_start_xvfb.py [--runs 3]      # re-runs itself under xvfb-run

Each start is a fresh process on a fresh data folder, on the real xcb platform plugin of
one Xvfb display. Two moments are seen from outside, by polling xdotool every ~10 ms:
- "window": the main window is mapped (ClassDesk shows its frame before the database);
- "db open": the operator dialog of a first start is mapped, i.e. the new database has
  been created, migrated and seeded and the window filled in.
Escape then answers the dialog and the program ends by itself.

Cold: the program's own files (the bundle; or the venv, the Python it was made from and
the sources) are evicted from the page cache first with `vmtouch -e`; the system's
libraries (X11, fontconfig ...) stay cached for both. Warm: one untimed start first.
Medians of `--runs`. Needs xvfb-run, xdotool and (for cold starts) vmtouch. Prints
figures; not a test. (bench_ui.py measures "ready" with 1,000s of applicants.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "classdesk" / "classdesk"
MAIN_WINDOW = "信用管理师培训报名台"
OPERATOR_DIALOG = "设置操作人"
TIMEOUT = 60.0


def visible(title: str) -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title], capture_output=True, check=False
    )
    return found.returncode == 0


def evict(paths: list[Path]) -> None:
    subprocess.run(["vmtouch", "-e", "-q", *map(str, paths)], capture_output=True, check=False)


def one_start(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawn to the main window mapped, and to the first-start dialog."""
    with tempfile.TemporaryDirectory(prefix="classdesk-start-") as tmp:
        run_env = {
            **env,
            "HOME": tmp,
            "CLASSDESK_DATA_DIR": str(Path(tmp) / "data"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
        }
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=run_env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        window = opened = 0.0
        try:
            while time.perf_counter() - t0 < TIMEOUT:
                now = time.perf_counter() - t0
                if not window and visible(MAIN_WINDOW):
                    window = now
                if window and visible(OPERATOR_DIALOG):
                    opened = now
                    break
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}")
                time.sleep(0.01)
            else:
                raise RuntimeError(f"{cmd[0]}: no window within {TIMEOUT:.0f} s")
            subprocess.run(["xdotool", "key", "Escape"], check=False)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return window, opened


def series(
    name: str, cmd: list[str], env: dict[str, str], files: list[Path], runs: int, cold: bool
) -> None:
    if cold and shutil.which("vmtouch") is None:
        print(f"{name:<22} cold: vmtouch not installed (apt-get install vmtouch), skipped")
        return
    if not cold:
        one_start(cmd, env)  # warm-up, not counted
    windows, opens = [], []
    for _ in range(runs):
        if cold:
            evict(files)
        w, o = one_start(cmd, env)
        windows.append(w)
        opens.append(o)
    label = f"{name} {'cold' if cold else 'warm'}"
    print(
        f"{label:<22} window {statistics.median(windows):6.2f} s   "
        f"db open {statistics.median(opens):6.2f} s   "
        f"(runs: {', '.join(f'{w:.2f}/{o:.2f}' for w, o in zip(windows, opens, strict=True))})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for tool in ("xvfb-run", "xdotool"):
        if shutil.which(tool) is None:
            print(f"{tool} not installed (apt-get install xvfb xdotool): nothing measured")
            return 0
    if not os.environ.get("DISPLAY"):
        # -noreset: Xvfb otherwise resets when its last client leaves, and a program
        # connecting during the reset dies with "could not connect to display".
        return subprocess.call(
            ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24 -noreset", sys.executable, *sys.argv]
        )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "CLASSDESK_DB", "CLASSDESK_DATA_DIR")
    }
    env["LANG"] = env.get("LANG") or "C.UTF-8"
    source_files = [
        Path(sys.prefix),
        Path(sys.base_prefix) / "lib",
        *(ROOT / d for d in ("app", "db", "ui", "resources")),
    ]
    source_files = [p for p in source_files if p.exists() and p != Path("/usr/lib")]
    targets = [("python -m app", [sys.executable, "-m", "app"], source_files)]
    if BUNDLE.is_file():
        targets.insert(0, ("bundle", [str(BUNDLE)], [BUNDLE.parent]))
    else:
        print(f"{BUNDLE} missing (make dist): the bundle is not measured")
    print(f"start to a window under Xvfb (xcb), fresh data folder, median of {args.runs}")
    for name, cmd, files in targets:
        for cold in (True, False):
            series(name, cmd, env, files, args.runs, cold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
