"""A new database file appears whole: a start killed right after creating it leaves a
file the next start opens, never a 0-byte file it must refuse."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from app.services.applicants import ApplicantService
from app.services.database import open_database
from db import sqlite_file


def test_prepare_file_makes_a_valid_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "classdesk.sqlite3"
    assert sqlite_file.prepare_file(path)
    assert path.stat().st_size > 0
    with path.open("rb") as f:
        assert f.read(16) == b"SQLite format 3\x00"
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    finally:
        con.close()
    assert sorted(os.listdir(path.parent)) == ["classdesk.sqlite3"]  # no temporary left
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not sqlite_file.prepare_file(path)  # an existing file is left as it is


def test_a_start_killed_after_creating_the_file_does_not_block_the_next(tmp_path: Path) -> None:
    path = tmp_path / "classdesk.sqlite3"
    sqlite_file.prepare_file(path)  # ... and then the program was killed
    db = open_database(f"sqlite:///{path}", take_backups=False)
    try:
        assert ApplicantService(db, "检查").count() == 0
    finally:
        db.dispose()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_a_dangling_link_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "classdesk.sqlite3"
    path.symlink_to(tmp_path / "elsewhere.sqlite3")
    assert not sqlite_file.prepare_file(path)
    assert path.is_symlink() and not (tmp_path / "elsewhere.sqlite3").exists()
