"""The database file: pragmas, permissions, network shares, integrity, backups, restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.services import backup
from app.services.applicants import ApplicantService
from app.services.database import open_database
from app.services.errors import InputError, ServiceError, StartupError
from app.services.startup import start
from db import migrate, sqlite_file
from tests.support.people import applicant, id_number


def _file(url: str) -> Path:
    p = sqlite_file.sqlite_path(url)
    assert p is not None
    return p


def test_every_sqlite_connection_is_set_up_for_safety(sqlite_url):
    db = open_database(sqlite_url)
    conns = [db.engine.connect() for _ in range(3)]  # three pool connections
    try:
        for c in conns:
            assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        for c in conns:
            c.close()
        db.dispose()


@pytest.mark.linux_only  # POSIX modes (0600/0700); Windows keeps the data in the profile
def test_new_database_is_private_migrated_and_seeded(sqlite_url):
    path = _file(sqlite_url)
    db = open_database(sqlite_url)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    svc = ApplicantService(db, "测试")
    c = svc.campaign
    assert c.title == "2021年度助理信用管理师 南通班"
    assert (c.fees.training, c.fees.exam, c.min_trainees) == (2800, 330, 80)
    assert len(c.points) == 22 and c.target_total == 118
    assert c.point_by_name("海安县") is c.point_by_name("海安市")
    assert c.payee_account == "0120240000002229"
    db.dispose()
    # A second start does not seed twice.
    db = open_database(sqlite_url)
    assert len(ApplicantService(db, "测试").campaign.points) == 22
    db.dispose()


def test_campaign_on_both_backends(db):
    svc = ApplicantService(db, "测试")
    assert [p.name for p in svc.campaign.points][:2] == ["市委编办", "市国资委"]
    assert sum(p.target for p in svc.campaign.points if p.county) == 82


MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/office rw,relatime shared:2 - cifs //fileserver/office rw,vers=3.0
41 22 0:36 / /home/desk/nfs rw,relatime shared:3 - nfs4 server:/export rw
"""


@pytest.mark.linux_only  # /proc/self/mountinfo; Windows asks GetDriveTypeW
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/mnt/office/classdesk/classdesk.sqlite3", "cifs"),
        ("/home/desk/nfs/x.sqlite3", "nfs4"),
        ("/home/desk/local.sqlite3", None),
        ("/mnt/officer/x.sqlite3", None),  # a prefix of a mount point is not inside it
    ],
)
def test_network_filesystem_detection(path, expected):
    assert sqlite_file.network_filesystem(Path(path), MOUNTINFO) == expected


def test_database_on_a_network_share_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(sqlite_file, "network_filesystem", lambda p, m=None: "cifs")
    with pytest.raises(StartupError) as e:
        open_database(f"sqlite:///{tmp_path / 'share.sqlite3'}")
    assert "网络共享" in e.value.message and "PostgreSQL" in e.value.message
    assert not (tmp_path / "share.sqlite3").exists()


def _fill(url: str, n: int = 30) -> None:
    db = open_database(url)
    svc = ApplicantService(db, "测试")
    for i in range(n):
        svc.create(applicant(f"张{i}", id_number=id_number(seq=i % 100, birth=datetime(
            1980 + i % 20, 1 + i % 12, 1 + i % 28).date())))
    db.dispose()


def test_corrupt_database_is_not_opened(sqlite_url):
    _fill(sqlite_url, 60)
    path = _file(sqlite_url)
    size = path.stat().st_size
    with path.open("r+b") as f:  # scribble over pages in the middle, keep the header
        f.seek(4096 * 3)
        f.write(os.urandom(min(4096 * 4, size - 4096 * 3)))
    before = path.read_bytes()
    with pytest.raises(StartupError) as e:
        open_database(sqlite_url)
    assert "完整性" in e.value.message and "restore" in e.value.message
    assert path.read_bytes() == before  # nothing was changed


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    p = tmp_path / "notes.sqlite3"
    p.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(StartupError, match="不是 ClassDesk 数据库"):
        open_database(f"sqlite:///{p}")
    assert p.read_text(encoding="utf-8") == "这不是数据库"


def test_unreachable_postgres_gives_a_clear_message():
    with pytest.raises(StartupError) as e:
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert "无法连接数据库" in e.value.message and "127.0.0.1:1" in e.value.message


@pytest.mark.linux_only  # POSIX modes (0600/0700); Windows keeps the data in the profile
def test_backup_includes_what_is_still_in_the_wal(tmp_path):
    src = tmp_path / "live.sqlite3"
    con = sqlite3.connect(src)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE t(x)")
    con.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(500)])
    con.commit()  # committed, but only in the -wal file while `con` stays open
    plain = tmp_path / "plain-copy.sqlite3"
    shutil.copy(src, plain)
    dest = sqlite_file.backup(src, tmp_path / "b" / "backup.sqlite3")
    con.close()
    with sqlite3.connect(dest) as b:
        assert b.execute("SELECT count(*) FROM t").fetchone()[0] == 500
        assert b.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with sqlite3.connect(plain) as p, pytest.raises(sqlite3.OperationalError):
        p.execute("SELECT count(*) FROM t").fetchone()  # the plain copy lost the table
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_start_backups_rotate_and_daily_is_once_a_day(sqlite_url):
    _fill(sqlite_url, 3)
    path = _file(sqlite_url)
    t0 = datetime(2021, 10, 1, 9, 0, 0)
    for i in range(13):
        backup.take_backup(path, "start", t0 + timedelta(minutes=i))
    starts = [b for b in backup.list_backups(path) if b.reason == "start"]
    assert len(starts) == backup.KEEP["start"]
    assert starts[0].taken_at == t0 + timedelta(minutes=12)  # the newest are kept
    first = backup.maybe_daily_backup(path, t0)
    assert first is not None
    assert backup.maybe_daily_backup(path, t0 + timedelta(hours=5)) is None
    assert backup.maybe_daily_backup(path, t0 + timedelta(days=1)) is not None


def test_opening_takes_a_start_backup(sqlite_url):
    _fill(sqlite_url, 2)
    path = _file(sqlite_url)
    n = len(backup.list_backups(path))
    open_database(sqlite_url).dispose()
    after = backup.list_backups(path)
    assert len(after) > n and after[0].reason in ("start", "daily")
    with sqlite3.connect(after[0].path) as b:
        assert b.execute("SELECT count(*) FROM applicant").fetchone()[0] == 2


def test_restore_brings_back_a_backup_and_keeps_the_current_one(sqlite_url):
    _fill(sqlite_url, 5)
    path = _file(sqlite_url)
    good = backup.take_backup(path, "manual")
    assert good is not None
    db = open_database(sqlite_url)
    svc = ApplicantService(db, "测试")
    rec = svc.find_by_serial(1)
    assert rec is not None
    svc.delete(rec.id, rec.version, "误删")
    assert svc.count() == 4
    # While a connection has the database open (this desk's own engine counts), a
    # restore is refused and changes nothing.
    with pytest.raises(ServiceError, match="正被另一个程序使用"):
        backup.restore_backup(path, good)
    assert svc.count() == 4
    db.dispose()
    safety = backup.restore_backup(path, good)
    assert safety is not None
    db = open_database(sqlite_url)
    assert ApplicantService(db, "测试").count() == 5
    db.dispose()
    with sqlite3.connect(safety) as s:
        assert s.execute("SELECT count(*) FROM applicant").fetchone()[0] == 4
    assert sqlite_file.integrity_problems(path) == []


@pytest.mark.parametrize("content", [b"", b"garbage" * 100, b"SQLite format 3\x00" + b"\0" * 84])
def test_restore_refuses_what_is_not_a_sound_backup(sqlite_url, tmp_path, content):
    _fill(sqlite_url, 1)
    path = _file(sqlite_url)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(InputError):
        backup.restore_backup(path, bad)
    assert path.read_bytes() == before


def test_startup_summary(sqlite_url):
    _fill(sqlite_url, 4)
    info = start(sqlite_url)
    assert info.campaign_title == "2021年度助理信用管理师 南通班"
    assert info.applicant_count == 4
    assert info.db_description.startswith("SQLite：") and info.db_description.endswith(
        "classdesk.sqlite3")
    assert {p.name: p.registered for p in info.points}["崇川区"] == 4
    assert info.db is not None
    info.db.dispose()


def test_daily_backup_from_a_running_program(sqlite_url):
    from app.services.database import daily_backup

    db = open_database(sqlite_url, take_backups=False, daily_backup=False)
    path = _file(sqlite_url)
    ApplicantService(db, "测试").create(applicant("张三"))
    first = daily_backup(db)
    assert first is not None and first.exists()
    assert daily_backup(db) is None  # once a day
    assert [b.reason for b in backup.list_backups(path)] == ["daily"]
    with sqlite3.connect(first) as b:
        assert b.execute("SELECT name FROM applicant").fetchall() == [("张三",)]
    db.dispose()


def test_an_older_database_is_backed_up_then_migrated(sqlite_url):
    from alembic import command

    _fill(sqlite_url, 3)
    path = _file(sqlite_url)
    db = open_database(sqlite_url, take_backups=False)
    cfg = migrate.alembic_config()
    with db.engine.begin() as conn:  # make it look like a database from the first release
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    db.dispose()
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)

    db = open_database(sqlite_url, take_backups=False, daily_backup=False)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    kept = [b for b in backup.list_backups(path) if b.reason == "before-migrate"]
    assert len(kept) == 1
    with sqlite3.connect(kept[0].path) as b:
        assert b.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert b.execute("SELECT count(*) FROM applicant").fetchone()[0] == 3
    with db.read() as s:
        names = s.execute(text("SELECT name FROM sqlite_master WHERE type='index'")).scalars()
        assert "ix_applicant_campaign_idno_mobile" in set(names)
    db.dispose()


@pytest.mark.linux_only  # POSIX modes (0600/0700); Windows keeps the data in the profile
def test_the_app_data_folder_is_private(tmp_path, monkeypatch):
    from app.services.paths import default_db_url, log_dir

    home = tmp_path / "share" / "ClassDesk"
    monkeypatch.setenv("CLASSDESK_DATA_DIR", str(home))
    monkeypatch.delenv("CLASSDESK_DB", raising=False)
    logs = log_dir()  # the window sets up logging before it opens the database
    db = open_database(default_db_url())
    db.dispose()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "classdesk.sqlite3").stat().st_mode) == 0o600
