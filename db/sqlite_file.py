"""Care of the SQLite file: private permissions, network shares, integrity, backups."""

from __future__ import annotations

import os
import sqlite3
import sys
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


def prepare_file(path: Path) -> None:
    """Create the folder (owner-only) and the empty database file (mode 0600).

    SQLite gives its -wal and -shm files the main file's permissions, so they are
    private too.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    restrict(path)


def restrict(path: Path) -> None:
    if sys.platform != "win32":
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if p.exists():
                os.chmod(p, 0o600)


def integrity_problems(path: Path, quick: bool = False) -> list[str]:
    """What SQLite's own check finds ([] when the file is sound)."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        con = sqlite3.connect(path, timeout=30)
    except sqlite3.Error as e:
        return [str(e)]
    try:
        rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as e:
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


def restore(backup_file: Path, target: Path) -> None:
    """Copy `backup_file` over the live database `target` through the backup API, so
    that the target's WAL and any open readers see a consistent database."""
    src = sqlite3.connect(backup_file, timeout=30)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            dst.execute("PRAGMA journal_mode=WAL")
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()
    restrict(target)
