"""Rotating backups of the SQLite database (at start, daily, by hand) and restore."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.services.errors import InputError
from app.services.paths import backup_dir_for
from db import sqlite_file

KEEP = {"start": 10, "daily": 14, "manual": 30, "before-restore": 10, "before-migrate": 5}
_NAME = re.compile(r"^classdesk-(\d{8})-(\d{6})(?:-\d+)?-([a-z-]+)\.sqlite3$")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str
    size: int


def list_backups(db_file: Path) -> list[BackupFile]:
    """Newest first."""
    folder = backup_dir_for(db_file)
    found: list[BackupFile] = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = _NAME.match(p.name)
            if m:
                taken = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
                found.append(BackupFile(p, taken, m.group(3), p.stat().st_size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def take_backup(db_file: Path, reason: str, now: datetime | None = None) -> Path | None:
    """Back up `db_file` (if it holds anything) and drop the oldest of the same kind."""
    if not db_file.exists() or db_file.stat().st_size == 0:
        return None
    now = now or datetime.now()
    folder = backup_dir_for(db_file)
    stem = f"classdesk-{now:%Y%m%d-%H%M%S}"
    dest = folder / f"{stem}-{reason}.sqlite3"
    n = 1
    while dest.exists():
        dest = folder / f"{stem}-{n}-{reason}.sqlite3"
        n += 1
    sqlite_file.backup(db_file, dest)
    _rotate(db_file, reason)
    return dest


def _rotate(db_file: Path, reason: str) -> None:
    same = [b for b in list_backups(db_file) if b.reason == reason]
    for old in same[KEEP.get(reason, 10) :]:
        old.path.unlink(missing_ok=True)


def maybe_daily_backup(db_file: Path, now: datetime | None = None) -> Path | None:
    """One 'daily' backup per calendar day; called at start and by the window's timer."""
    now = now or datetime.now()
    for b in list_backups(db_file):
        if b.reason == "daily" and b.taken_at.date() == now.date():
            return None
    return take_backup(db_file, "daily", now)


def check_backup_file(path: Path) -> None:
    """Refuse a file that is not a sound ClassDesk database, before touching anything."""
    if not path.is_file():
        raise InputError(f"找不到备份文件：{path}。请检查路径。")
    with path.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise InputError(f"{path.name} 不是 ClassDesk 的数据库备份（不是 SQLite 文件）。")
    problems = sqlite_file.integrity_problems(path)
    if problems:
        raise InputError(f"备份文件 {path.name} 已损坏（{problems[0]}），请换一个较早的备份。")
    con = sqlite3.connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    if not {"applicant", "campaign", "alembic_version"} <= tables:
        raise InputError(f"{path.name} 不是 ClassDesk 的数据库备份（缺少报名数据表）。")


def restore_backup(db_file: Path, backup_file: Path) -> Path | None:
    """Replace the database's content with `backup_file`'s. The current content is
    backed up first ('before-restore'), so a restore can itself be undone."""
    check_backup_file(backup_file)
    safety = take_backup(db_file, "before-restore")
    sqlite_file.prepare_file(db_file)
    sqlite_file.restore(backup_file, db_file)
    return safety
