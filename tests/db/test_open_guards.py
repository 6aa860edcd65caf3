"""What opening and restoring refuse before anything is changed: newer schemas, other
programs' files, devices, FIFOs, read-only and empty files, bad URLs; money columns."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app.services import backup
from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.dbcheck import NEWER_SCHEMA
from app.services.errors import InputError, ServiceError, StartupError
from db import migrate, sqlite_file
from tests.support.people import applicant, id_number

ROOT = Path(__file__).resolve().parents[2]


def _fill(path: Path, n: int) -> None:
    db = open_database(f"sqlite:///{path}", take_backups=False)
    svc = ApplicantService(db, "测试")
    for i in range(n):
        svc.create(applicant(f"学员{i}", id_number=id_number(seq=i + 1), mobile=f"1391234{i:04d}"))
    db.dispose()


def _count(path: Path) -> int:
    # closing(), not just `with`: an unclosed connection lingers until the garbage collector
    # runs (its statement cache makes a cycle) and would count as a desk holding the file
    with closing(sqlite3.connect(path)) as con:
        return int(con.execute("SELECT count(*) FROM applicant").fetchone()[0])


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), stat.S_IMODE(path.stat().st_mode)


def _set_revision(path: Path, revision: str) -> None:
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "live.sqlite3"
    _fill(path, 3)
    return path


# ---------------------------------------------------------------- schema on open
def test_a_database_from_a_newer_program_opens_nothing(live: Path) -> None:
    _set_revision(live, "0099")
    before = _snapshot(live)
    with pytest.raises(StartupError) as e:
        open_database(str(live))
    assert NEWER_SCHEMA in e.value.message and "0099" in e.value.message
    assert _snapshot(live) == before
    assert backup.list_backups(live) == []  # not even a start-up backup


def test_newer_schema_on_both_backends(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zz-next'"))
    db.dispose()
    with pytest.raises(StartupError, match=NEWER_SCHEMA):
        open_database(db_url)


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO note (body) VALUES ('周一开会')")
    os.chmod(path, 0o644)
    before = _snapshot(path)
    with pytest.raises(StartupError) as e:
        open_database(str(path))
    assert "不是 ClassDesk 的数据库" in e.value.message and "note" in e.value.message
    assert "新的文件名" in e.value.message
    assert _snapshot(path) == before
    assert not Path(f"{path}-wal").exists()


def test_classdesk_like_tables_without_the_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE applicant (id INTEGER PRIMARY KEY, x TEXT)")
        con.execute("CREATE TABLE campaign (id INTEGER PRIMARY KEY)")
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES (?)", (migrate.head_revision(),))
    with pytest.raises(StartupError, match="缺少 ClassDesk 需要的表或列"):
        open_database(str(path))


@pytest.mark.parametrize("kind", ["empty", "devnull", "fifo", "dir", "zero-link", "dangling"])
def test_db_path_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "db.sqlite3"
    if kind == "empty":
        path.touch(mode=0o644)
    elif kind == "devnull":
        path = Path("/dev/null")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    elif kind == "zero-link":
        path.symlink_to("/dev/zero")
    else:
        path.symlink_to(tmp_path / "nowhere" / "x.sqlite3")
    mode = os.stat(path).st_mode if kind != "dangling" else None
    started = time.monotonic()
    with pytest.raises(StartupError) as e:
        open_database(str(path))
    assert time.monotonic() - started < 5  # a FIFO never blocks the open
    words = {"empty": "空文件", "devnull": "设备", "fifo": "管道", "dir": "文件夹",
             "zero-link": "设备", "dangling": "链接"}[kind]
    assert words in e.value.message
    if mode is not None:
        assert os.stat(path).st_mode == mode  # /dev/null is not chmod'ed to 0600
    assert not (tmp_path / "nowhere").exists()


def test_a_read_only_database_is_refused_and_left_read_only(live: Path) -> None:
    os.chmod(live, 0o444)
    before = _snapshot(live)
    with pytest.raises(StartupError, match="只读"):
        open_database(str(live))
    assert _snapshot(live) == before


def test_an_existing_file_keeps_its_permissions(live: Path) -> None:
    os.chmod(live, 0o640)
    open_database(str(live), take_backups=False).dispose()
    assert stat.S_IMODE(live.stat().st_mode) == 0o640


def test_a_new_database_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "classdesk.sqlite3"
    open_database(str(path)).dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(("url", "words"), [
    ("postgresql+psycopg://postgres@127.0.0.1:5432", "没有写数据库名"),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/", "没有写数据库名"),
    ("postgresql+psycopg://postgres@127.0.0.1:notaport/x", "无法识别"),
    ("postgresql+psycopg://postgres@[127.0.0.1/x", "无法识别"),
    ("postgresql+psycopg2://postgres@127.0.0.1/x", "psycopg"),
    ("mysql://root@localhost/classdesk", "只支持"),
    ("foo://bar", "foo"),
    ("sqlite://", "文件路径"),
])
def test_bad_urls_are_refused_in_chinese(url: str, words: str) -> None:
    with pytest.raises(StartupError, match=words):
        open_database(url)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a child as another user")
def test_a_folder_without_write_permission_is_reported_as_such() -> None:
    # The child runs as nobody, so the folder's permissions really apply; pytest's own
    # temporary folders are root's alone, hence one of our own.
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            sys.executable, "-c", "import app"], cwd=ROOT, capture_output=True,
                           timeout=60)
    if probe.returncode != 0:
        pytest.skip("an unprivileged user cannot run this checkout's Python here")
    folder = Path(tempfile.mkdtemp(prefix="classdesk-perm-"))
    try:
        _folder_without_write_permission(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _folder_without_write_permission(folder: Path) -> None:
    home = folder / "home"
    home.mkdir()
    os.chown(home, 65534, 65534)
    shared = folder / "shared"
    shared.mkdir()
    live = shared / "live.sqlite3"
    _fill(live, 2)
    os.chmod(live, 0o666)
    for p in (folder, shared):
        os.chmod(p, 0o755)  # readable, not writable: no -wal/-shm can be made there
    env = {**os.environ, "HOME": str(home), "CLASSDESK_DATA_DIR": str(home / "data")}
    r = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
         "-m", "app", "list", "--db", str(live)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode != 0
    assert "没有权限" in r.stderr and "完整性" not in r.stderr and "恢复" not in r.stderr
    assert "Traceback" not in r.stderr


# ---------------------------------------------------------------- money
def test_payment_amounts_are_bigint(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.connect() as conn:
        col = {c["name"]: c for c in inspect(conn).get_columns("payment")}["amount_fen"]
    assert "BIGINT" in str(col["type"]).upper()
    db.dispose()


# ---------------------------------------------------------------- restore
def test_restore_refuses_a_backup_from_a_newer_program(live: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    _fill(newer, 1)
    _set_revision(newer, "0099")
    before = _snapshot(live)
    with pytest.raises(InputError, match=NEWER_SCHEMA):
        backup.restore_backup(live, newer)
    assert _snapshot(live) == before


@pytest.mark.parametrize("fake", ["fake-columns", "unknown-revision", "no-version", "empty-db"])
def test_restore_refuses_classdesk_lookalikes(live: Path, tmp_path: Path, fake: str) -> None:
    bad = tmp_path / "bad.sqlite3"
    with sqlite3.connect(bad) as con:
        if fake != "empty-db":
            con.execute("CREATE TABLE applicant (id INTEGER PRIMARY KEY, name TEXT)")
            con.execute("CREATE TABLE campaign (id INTEGER PRIMARY KEY)")
            con.execute("INSERT INTO applicant (name) VALUES ('张三')")
        else:
            con.execute("PRAGMA user_version=1")
        if fake != "no-version" and fake != "empty-db":
            con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            rev = migrate.head_revision() if fake == "fake-columns" else "abc123"
            con.execute("INSERT INTO alembic_version VALUES (?)", (rev,))
    before = _snapshot(live)
    with pytest.raises(InputError):
        backup.restore_backup(live, bad)
    assert _snapshot(live) == before
    assert _count(live) == 3


def test_restore_migrates_an_older_backup_on_a_copy(live: Path, tmp_path: Path) -> None:
    from alembic import command

    old = tmp_path / "old.sqlite3"
    _fill(old, 2)
    db = open_database(str(old), take_backups=False)
    cfg = migrate.alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    db.dispose()
    old_bytes = old.read_bytes()
    safety = backup.restore_backup(live, old)
    assert old.read_bytes() == old_bytes  # the candidate itself is never written
    assert safety is not None and _count(safety) == 3
    assert _count(live) == 2
    with sqlite3.connect(live) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (
            migrate.head_revision(),)
    assert sqlite_file.integrity_problems(live) == []
    open_database(str(live), take_backups=False).dispose()


def test_restore_is_refused_while_a_writer_runs_and_completes_after(live: Path,
                                                                    tmp_path: Path) -> None:
    good = backup.take_backup(live, "manual")
    assert good is not None
    writer = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "db" / "crash_writer.py"), str(live), "1", "7"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert writer.stdout is not None
        while not (writer.stdout.readline() or "saved").startswith("saved"):
            pass
        with pytest.raises(ServiceError, match="正被另一个程序使用"):
            backup.restore_backup(live, good)
        assert writer.poll() is None  # the writer went on undisturbed
    finally:
        writer.kill()
        writer.wait()
    assert _count(live) > 3
    safety = backup.restore_backup(live, good)
    assert _count(live) == 3 and safety is not None and _count(safety) > 3
    assert sqlite_file.integrity_problems(live) == []


def test_stray_files_in_backups_do_not_block_backups(live: Path) -> None:
    folder = live.parent / "backups"
    folder.mkdir(exist_ok=True)
    (folder / "classdesk-20219999-999999-manual.sqlite3").write_bytes(b"x")
    (folder / "classdesk-20210101-000000-daily.sqlite3").symlink_to(folder / "gone")
    (folder / "notes.txt").write_text("备份说明", encoding="utf-8")
    (folder / "classdesk-20210102-000000-daily.sqlite3").mkdir()
    assert backup.take_backup(live, "manual") is not None
    assert [b.reason for b in backup.list_backups(live)] == ["manual"]


def test_check_candidate_says_what_a_backup_holds_and_touches_nothing(live: Path,
                                                                      tmp_path: Path) -> None:
    good = backup.take_backup(live, "manual")
    assert good is not None
    before, good_bytes = _snapshot(live), good.read_bytes()
    summary = backup.check_candidate(good)
    assert summary.path == good and summary.applicants == 3
    assert summary.last_change is not None
    assert _snapshot(live) == before and good.read_bytes() == good_bytes
    assert not list(good.parent.glob("*-wal")) and len(backup.list_backups(live)) == 1
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(good, newer)
    _set_revision(newer, "0099")
    with pytest.raises(InputError, match=NEWER_SCHEMA):
        backup.check_candidate(newer)
    assert backup.database_file(f"sqlite:///{live}") == live
    assert backup.database_file("postgresql+psycopg://u@h/x") is None
