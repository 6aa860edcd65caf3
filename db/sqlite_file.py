"""Care of the SQLite file: private permissions, network shares, integrity, backups."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p",
        "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "ceph", "glusterfs", "fuse.glusterfs",
        "lustre", "gpfs", "fuse.rclone", "fuse.s3fs", "afpfs", "webdav",
    }
)  # fmt: skip


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite URL, or None for memory databases and other backends."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database).expanduser()


def network_filesystem(path: Path, mountinfo: str | None = None) -> str | None:
    """The network file system type `path` lives on, or None when it is local.

    SQLite's locking is not reliable over SMB/NFS: two desks sharing a file there can
    corrupt it, which is what PostgreSQL mode is for.
    """
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        s = str(path.resolve())
        if s.startswith("\\\\"):
            return "unc"
        import ctypes  # late: needed on Windows only

        drive = os.path.splitdrive(s)[0] + "\\"
        if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4:  # type: ignore[attr-defined]
            return "network drive"
        return None
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    # Resolve symlinks in the part that exists; the file itself may not exist yet.
    target, rest = path.expanduser().absolute(), Path()
    while not target.exists() and target != target.parent:
        target, rest = target.parent, Path(target.name) / rest
    target = target.resolve() / rest
    best, best_type = "", None
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        parts, rparts = left.split(), right.split()
        if len(parts) < 5 or not rparts:
            continue
        mount_point = parts[4].replace("\\040", " ")
        fstype = rparts[0]
        inside = str(target) == mount_point or str(target).startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fstype
    if best_type is not None and best_type in NETWORK_FILESYSTEMS:
        return best_type
    return None


def file_kind(path: Path) -> str:
    """What is at `path`: "missing", "file", "directory", "fifo", "device", "socket",
    "broken-link" (a symlink to nothing: opening it would create a file elsewhere) or
    "other". Symlinks to something are judged by what they point at."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "broken-link" if os.path.islink(path) else "missing"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def is_read_only(path: Path) -> bool:
    """The owner's write bit is off (chmod 0444, 只读 on Windows). Even root, whom the
    kernel lets write anyway, should leave a file its owner made read-only alone."""
    return not os.stat(path).st_mode & stat.S_IWUSR


_ACCESS_WORDS = ("unable to open database file", "readonly database", "read-only",
                 "permission denied", "authorization denied", "access permission")


def is_access_error(e: BaseException) -> bool:
    """A failure that says "not allowed" (permissions, read-only folder or disk), not
    that the file is damaged."""
    if isinstance(e, PermissionError):
        return True
    if isinstance(e, OSError) and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return True
    text = str(getattr(e, "orig", None) or e).lower()
    return any(w in text for w in _ACCESS_WORDS)


def prepare_file(path: Path) -> bool:
    """Create the folder (owner-only) and the database file (mode 0600) when they do not
    exist yet; True when the file was created here.

    The new file appears whole: a valid SQLite database without tables, made under a
    temporary name and linked into place. A start killed between creating the file and
    SQLite's first write used to leave a 0-byte file, which the next start refuses as
    "not a ClassDesk database" (tests/db/test_crash.py, its early kills).

    A file that exists is left as it is: its permissions are its owner's choice (SQLite
    gives the -wal and -shm files the main file's permissions).
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.path.lexists(path):
        return False
    new = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(new, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        con = sqlite3.connect(new)
        try:  # the header and an empty schema on disk: a table made and dropped
            con.execute("CREATE TABLE classdesk_new (x)")
            con.execute("DROP TABLE classdesk_new")
            con.commit()
        finally:
            con.close()
        try:
            os.link(new, path)  # fails, unlike a rename, when the file appeared meanwhile
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if os.path.lexists(path):
                return False
            os.replace(new, path)
    finally:
        if os.path.lexists(new):
            os.unlink(new)
    restrict(path)
    return True


def restrict(path: Path) -> None:
    """Owner-only permissions on a database file this program created, and its -wal/-shm."""
    if sys.platform != "win32":
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if p.exists() and file_kind(p) == "file":
                os.chmod(p, 0o600)


def integrity_problems(path: Path, quick: bool = False) -> list[str]:
    """What SQLite's own check finds ([] when the file is sound). A failure to open or
    read the file for lack of permission is raised (see is_access_error), not reported
    as damage: telling staff to restore a healthy database would be wrong advice."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        con = sqlite3.connect(path, timeout=30)
    except sqlite3.Error as e:
        if is_access_error(e):
            raise
        return [str(e)]
    try:
        rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as e:
        if is_access_error(e):
            raise
        return [str(e)]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def backup(source: Path, dest: Path) -> Path:
    """Copy a live database with SQLite's backup API, which includes what is still in the
    WAL (a plain file copy does not). Written to a temporary name, then renamed."""
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = dest.with_name(dest.name + ".part")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            # A backup is a single self-contained file: no WAL beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(tmp, dest)
    return dest


class InUseError(Exception):
    """Another connection (another desk, another window, a command) has the file open."""


@contextmanager
def exclusive_access(target: Path, wait_seconds: float = 1.0) -> Iterator[sqlite3.Connection]:
    """A connection that holds `target` for itself alone, or InUseError.

    In WAL mode an exclusive transaction still lets readers in, so first the journal is
    switched out of WAL, which SQLite allows only to the sole connection of a database
    (an idle desk that merely has it open counts); then an exclusive lock is taken and
    kept (locking_mode=EXCLUSIVE) until the block ends, when WAL mode is switched back on.
    """
    con = sqlite3.connect(target, timeout=wait_seconds, isolation_level=None)
    try:
        try:
            mode = str(con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
            if mode == "wal":
                raise InUseError(str(target))
            con.execute("PRAGMA locking_mode=EXCLUSIVE")
            con.execute("BEGIN EXCLUSIVE")
            con.execute("COMMIT")
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise InUseError(str(target)) from e
            raise
        yield con
        con.execute("PRAGMA locking_mode=NORMAL")
        con.execute("SELECT count(*) FROM sqlite_master").fetchall()  # drops the lock
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def copy_into(source: Path, live: sqlite3.Connection) -> None:
    """Replace the whole content of the database `live` holds with `source`'s, in one
    go through the backup API: SQLite writes it as one transaction (a crash half-way
    leaves the old content), and the file keeps its name, inode and permissions."""
    src = sqlite3.connect(source, timeout=30)
    try:
        src.backup(live)
    finally:
        src.close()


def backup_from(live: sqlite3.Connection, dest: Path) -> Path:
    """`backup()`, from a connection already held (see exclusive_access)."""
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = dest.with_name(dest.name + ".part")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    dst = sqlite3.connect(tmp)
    try:
        live.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
    os.replace(tmp, dest)
    return dest
