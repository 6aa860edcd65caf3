"""Rotating backups of the SQLite database (at start, daily, by hand) and restore."""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.services.dbcheck import KIND_NAMES, NEWER_SCHEMA, NOT_A_FILE, access_message
from app.services.errors import InputError, ServiceError
from app.services.paths import backup_dir_for
from db import migrate, schema, sqlite_file

KEEP = {"start": 10, "daily": 14, "manual": 30, "before-restore": 10, "before-migrate": 5}
_NAME = re.compile(r"^classdesk-(\d{8})-(\d{6})(?:-\d+)?-([a-z-]+)\.sqlite3$")
IN_USE = (
    "数据库 {path} 正被另一个程序使用（本机或另一台电脑上的 ClassDesk 窗口、正在运行的命令）："
    "恢复会替换全部数据，必须在没有人使用时进行，所以没有恢复，数据没有被修改。"
    "请先关闭所有使用这个数据库的 ClassDesk 窗口和命令，再运行一次恢复。"
)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str
    size: int


@dataclass(frozen=True)
class CandidateSummary:
    """What a backup that passed every check holds (see check_candidate)."""

    path: Path
    applicants: int
    last_change: datetime | None  # the latest entry of the change history, local time


def database_file(url: str) -> Path | None:
    """The SQLite file `url` names; None for PostgreSQL (backed up and restored by its
    administrator with pg_dump / pg_restore)."""
    return sqlite_file.sqlite_path(url)


def list_backups(db_file: Path) -> list[BackupFile]:
    """Newest first. Whatever else lies in the folder (a stray file, a name with an
    impossible date, a dangling link) is passed over, never an error."""
    folder = backup_dir_for(db_file)
    found: list[BackupFile] = []
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError as e:
        raise ServiceError(f"无法读取备份文件夹 {folder}（{e.strerror}）：请检查它的权限。") from e
    for p in entries:
        m = _NAME.match(p.name)
        if not m:
            continue
        try:
            taken = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
            st = p.stat()
        except (ValueError, OSError):
            continue
        if sqlite_file.file_kind(p) == "file":
            found.append(BackupFile(p, taken, m.group(3), st.st_size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _backup_name(db_file: Path, reason: str, now: datetime) -> Path:
    folder = backup_dir_for(db_file)
    stem = f"classdesk-{now:%Y%m%d-%H%M%S}"
    dest = folder / f"{stem}-{reason}.sqlite3"
    n = 1
    while dest.exists() or dest.is_symlink():
        dest = folder / f"{stem}-{n}-{reason}.sqlite3"
        n += 1
    return dest


def take_backup(db_file: Path, reason: str, now: datetime | None = None) -> Path | None:
    """Back up `db_file` (if it holds anything) and drop the oldest of the same kind."""
    if sqlite_file.file_kind(db_file) != "file" or db_file.stat().st_size == 0:
        return None
    dest = _backup_name(db_file, reason, now or datetime.now())
    try:
        sqlite_file.backup(db_file, dest)
    except OSError as e:
        raise ServiceError(_cannot_write(dest.parent, e)) from e
    _rotate(db_file, reason)
    return dest


def _cannot_write(folder: Path, e: OSError) -> str:
    if sqlite_file.is_access_error(e):
        return (f"没有权限在备份文件夹 {folder} 中写入（{e.strerror}）：没有备份。"
                "请让这个文件夹可写（chmod u+w），或把数据库放到自己的文件夹里。")
    return f"无法在备份文件夹 {folder} 中写入备份（{e.strerror}）：请检查磁盘空间和权限。"


def _rotate(db_file: Path, reason: str) -> None:
    same = [b for b in list_backups(db_file) if b.reason == reason]
    for old in same[KEEP.get(reason, 10) :]:
        with contextlib.suppress(OSError):
            old.path.unlink(missing_ok=True)


def maybe_daily_backup(db_file: Path, now: datetime | None = None) -> Path | None:
    """One 'daily' backup per calendar day; called at start and by the window's timer."""
    now = now or datetime.now()
    for b in list_backups(db_file):
        if b.reason == "daily" and b.taken_at.date() == now.date():
            return None
    return take_backup(db_file, "daily", now)


# ---------------------------------------------------------------- restore
def _not_ours(path: Path, why: str) -> InputError:
    return InputError(f"{path.name} 不是 ClassDesk 的数据库备份（{why}）：没有恢复，"
                      "数据没有被修改。请选择 backups 文件夹中的 classdesk-….sqlite3 文件。")


def check_backup_file(path: Path) -> None:
    """The quick checks on a candidate that need no copy: it is a readable regular file
    that starts like a SQLite database. (restore_backup checks everything else.)"""
    kind = sqlite_file.file_kind(path)
    if kind == "missing":
        raise InputError(f"找不到备份文件：{path}。请检查路径。")
    if kind != "file":
        raise InputError(f"{path} 是{KIND_NAMES.get(kind, KIND_NAMES['other'])}，不是备份文件："
                         "没有恢复，数据没有被修改。请选择 backups 文件夹中的 "
                         "classdesk-….sqlite3 文件。")
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as e:
        if sqlite_file.is_access_error(e):
            raise InputError(f"没有权限读取备份文件 {path}（{e.strerror}）：请检查它的权限。"
                             ) from e
        raise InputError(f"无法读取备份文件 {path}（{e.strerror}）。") from e
    if head != b"SQLite format 3\x00":
        raise _not_ours(path, "不是 SQLite 文件")


def _copy_of(candidate: Path, dest: Path) -> None:
    """The candidate copied with SQLite's backup API, opened read-only: the candidate
    itself is never written (no -wal or -shm appears beside it)."""
    dest.touch(mode=0o600)
    src = sqlite3.connect(f"file:{quote(str(candidate.absolute()))}?mode=ro", uri=True,
                          timeout=5)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def prepare_restore_copy(candidate: Path, workdir: Path) -> Path:
    """A private copy of `candidate`, checked completely and migrated to this program's
    schema, ready to be swapped in; InputError saying what is wrong otherwise.

    Checked: SQLite opens it, integrity_check passes, it is ClassDesk's database at a
    revision this program knows (not newer), and after migrating the copy every table
    and column of the models is there.
    """
    check_backup_file(candidate)
    copy = workdir / "candidate.sqlite3"
    try:
        _copy_of(candidate, copy)
    except sqlite3.Error as e:
        if sqlite_file.is_access_error(e):
            raise InputError(f"没有权限读取备份文件 {candidate}（{e}）：请检查它的权限。") from e
        raise InputError(f"备份文件 {candidate.name} 已损坏（{e}），请换一个较早的备份。") from e
    problems = sqlite_file.integrity_problems(copy)
    if problems:
        raise InputError(f"备份文件 {candidate.name} 已损坏（{problems[0]}），"
                         "请换一个较早的备份。")
    engine = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = schema.check_schema(conn)
        if found.state is schema.SchemaState.NEWER:
            raise InputError(
                f"{NEWER_SCHEMA}：备份文件 {candidate.name} 的结构版本是 {found.revision}，"
                f"本程序只认识到 {migrate.head_revision()}。没有恢复，数据没有被修改。")
        if found.state is schema.SchemaState.EMPTY:
            raise _not_ours(candidate, "里面没有任何数据表")
        if found.state is schema.SchemaState.FOREIGN:
            raise _not_ours(candidate, "没有 ClassDesk 的版本记录")
        if found.state is schema.SchemaState.OLDER:
            migrate.upgrade(engine)
        with engine.connect() as conn:
            missing = schema.missing_columns(conn)
    except SQLAlchemyError as e:
        raise _not_ours(candidate, f"无法按 ClassDesk 的结构读取或升级：{e}") from e
    finally:
        engine.dispose()
    if missing:
        raise _not_ours(candidate, "缺少 " + "、".join(missing[:5]))
    return copy


def check_candidate(candidate: Path) -> CandidateSummary:
    """Every check restore_backup makes on `candidate`, made on a private copy that is
    then removed; what the candidate holds. InputError saying what is wrong otherwise.
    Neither the candidate nor any database is touched (the window asks this first)."""
    workdir = Path(tempfile.mkdtemp(prefix="classdesk-check-"))
    try:
        copy = prepare_restore_copy(candidate, workdir)
        with contextlib.closing(sqlite3.connect(copy)) as con:
            count = int(con.execute("SELECT count(*) FROM applicant").fetchone()[0])
            last = con.execute("SELECT max(at) FROM history").fetchone()[0]
    except sqlite3.Error as e:
        raise _not_ours(candidate, f"无法读取：{e}") from e
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return CandidateSummary(candidate, count, _local(last))


def _local(stored: object) -> datetime | None:
    """History times are stored as naive UTC text; people read their own clock."""
    try:
        at = datetime.fromisoformat(str(stored)) if stored else None
    except ValueError:
        return None
    if at is None:
        return None
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at).astimezone().replace(
        tzinfo=None)


def restore_backup(db_file: Path, backup_file: Path) -> Path | None:
    """Replace the database's content with `backup_file`'s.

    Nothing is touched until the candidate has passed every check (see
    prepare_restore_copy) and no other program has the database open. Then, holding the
    database alone, its current content is backed up ('before-restore', so a restore can
    itself be undone) and the checked, migrated copy replaces it in one SQLite
    transaction (a crash half-way leaves the old content). Returns the safety backup.
    """
    kind = sqlite_file.file_kind(db_file)
    if kind not in ("file", "missing"):
        raise InputError(NOT_A_FILE.get(kind, NOT_A_FILE["other"]).format(path=db_file))
    if kind == "file" and sqlite_file.is_read_only(db_file):
        raise InputError(f"数据库文件 {db_file} 是只读的：没有恢复。请先取消只读（chmod u+w）。")
    folder = backup_dir_for(db_file)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        workdir = Path(tempfile.mkdtemp(prefix=".restore-", dir=folder))
    except OSError as e:
        raise ServiceError(_cannot_write(folder, e)) from e
    try:
        copy = prepare_restore_copy(backup_file, workdir)
        try:
            sqlite_file.prepare_file(db_file)
            try:
                safety = _swap_in(db_file, copy, kind == "file")
            except sqlite3.DatabaseError as e:
                if sqlite_file.is_access_error(e) or "locked" in str(e):
                    raise
                # The live file is too damaged for SQLite to open at all (what a restore
                # is for): keep its bytes as they are, then put the copy in its place.
                safety = _swap_damaged(db_file, copy)
        except sqlite_file.InUseError:
            raise ServiceError(IN_USE.format(path=db_file)) from None
        except (OSError, sqlite3.Error) as e:
            if sqlite_file.is_access_error(e):
                raise ServiceError(access_message(db_file, e)) from e
            raise ServiceError(f"恢复没有完成（{e}），数据库保持原样。请检查磁盘空间后重试。"
                               ) from e
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _rotate(db_file, "before-restore")
    return safety


def _swap_in(db_file: Path, copy: Path, existed: bool) -> Path | None:
    with sqlite_file.exclusive_access(db_file) as live:
        safety = None
        if existed and db_file.stat().st_size > 0:
            dest = _backup_name(db_file, "before-restore", datetime.now())
            safety = sqlite_file.backup_from(live, dest)
        sqlite_file.copy_into(copy, live)
    return safety


def _swap_damaged(db_file: Path, copy: Path) -> Path:
    dest = _backup_name(db_file, "before-restore", datetime.now())
    shutil.copyfile(db_file, dest)
    dest.chmod(0o600)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    mode = db_file.stat().st_mode & 0o777
    staged = db_file.with_name(db_file.name + ".restore")
    shutil.copyfile(copy, staged)
    staged.chmod(mode)
    staged.replace(db_file)
    return dest
