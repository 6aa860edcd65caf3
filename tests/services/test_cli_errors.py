"""The CLI's top-level handler: an unexpected error is a Chinese message with the log
file's path and a non-zero exit, never a traceback; the traceback is in the log."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import applicants
from app.cli.parser import UNEXPECTED_EXIT, main
from app.logs import reset_for_tests

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def own_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CLASSDESK_DATA_DIR", str(tmp_path / "data"))
    reset_for_tests()
    yield
    reset_for_tests()


def test_an_unexpected_error_is_told_in_chinese_with_the_log(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    def broken(_args: object) -> int:
        raise ZeroDivisionError("fee total divided by zero people")

    monkeypatch.setattr(applicants, "cmd_list", broken)
    code = main(["list", "--db", str(tmp_path / "x.sqlite3")])
    out, err = capsys.readouterr()
    assert code == UNEXPECTED_EXIT != 0
    log = tmp_path / "data" / "logs" / "classdesk.log"
    assert "程序遇到意外错误" in err and str(log) in err
    assert "ZeroDivisionError" not in err  # the class goes to the log, not to the person
    assert "Traceback" not in err + out
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "fee total divided by zero people" in text
    assert "ZeroDivisionError" in text


def test_a_broken_pipe_is_not_an_error(tmp_path: Path) -> None:
    """`python -m app list | head -1`: the reader leaves early; no traceback, exit 0."""
    db = tmp_path / "x.sqlite3"
    subprocess.run([sys.executable, "-m", "app", "demo", "--count", "900", "--db", str(db)],
                   cwd=ROOT, check=True, capture_output=True)
    r = subprocess.run(f"{sys.executable} -m app list --limit 900 --db {db} | head -1", shell=True,
                       cwd=ROOT, capture_output=True, text=True)
    assert r.stdout.startswith("报名序号") and "Traceback" not in r.stderr
