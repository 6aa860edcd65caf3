"""Files and folders the program writes hold personal data (names, ID numbers, photos):
every one is owner-only — folders 0700, files 0600 on POSIX; on Windows the user
profile's own permissions apply. One place for it, used by every writer."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_POSIX = os.name == "posix"


def private_dir(path: Path, *, parents: bool = False) -> Path:
    """Create the folder `path` owner-only (and missing parents, when asked, owner-only
    too). A folder that already exists is the person's choice and is left as it is."""
    path = Path(path)
    if parents and not path.parent.exists():
        private_dir(path.parent, parents=True)
    try:
        path.mkdir(mode=PRIVATE_DIR)
    except FileExistsError:
        if not path.is_dir():
            raise
        return path
    if _POSIX:  # mkdir's mode is masked by the umask; the folder is ours, make it so
        os.chmod(path, PRIVATE_DIR)
    return path


def open_private(path: Path, *, exclusive: bool = False) -> int:
    """A file descriptor for writing `path` from the start, mode 0600: a new file is
    created so, an existing one (a temporary file of ours, a file the person agreed to
    replace) is truncated and made owner-only. `exclusive` refuses an existing file."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    if _POSIX:
        try:
            os.fchmod(fd, PRIVATE_FILE)
        except OSError:
            os.close(fd)
            raise
    return fd


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> Path:
    """Write `data` to `path` (mode 0600); see open_private."""
    fd = open_private(Path(path), exclusive=exclusive)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(path)


def touch_private(path: Path) -> Path:
    """An empty owner-only file at `path`, for a library that then writes it by name
    (openpyxl, reportlab): opening an existing file for writing keeps its mode."""
    os.close(open_private(Path(path)))
    return Path(path)
