"""Files and folders the program writes hold personal data (names, ID numbers, photos):
every one is owner-only — folders 0700, files 0600 on POSIX. On Windows the modes mean
nothing: inside the user's profile (the data folder is under %LOCALAPPDATA%) the profile's
own ACL already admits only the user, SYSTEM and administrators; anywhere else (an export
to D:\\, a data folder set by CLASSDESK_DATA_DIR) the file or folder gets an ACL of its own
with `icacls`: inheritance removed, full control for the user alone. One place for it,
used by every writer."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path, PureWindowsPath

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_POSIX = os.name == "posix"

log = logging.getLogger(__name__)

Runner = Callable[[list[str]], int]
"""Runs a command line, returns its exit code (subprocess in the program, a fake in tests)."""


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
    else:
        restrict_on_windows(path, folder=True)
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
    else:
        restrict_on_windows(Path(path), folder=False)
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


def windows_acl_command(path: str, *, folder: bool, user: str) -> list[str] | None:
    """The `icacls` command line that makes `path` the user's alone, or None when the
    path lies inside the user's profile, whose ACL already does (no process to start)."""
    if not user:
        return None
    grant = f"{user}:(OI)(CI)F" if folder else f"{user}:F"
    return ["icacls", path, "/inheritance:r", "/grant:r", grant, "/q"]


def inside_profile(path: str, profile: str) -> bool:
    """Whether the Windows path `path` lies in the folder `profile` (case-insensitive)."""
    if not profile:
        return False
    target = PureWindowsPath(path)
    home = PureWindowsPath(profile)
    parts, base = [p.casefold() for p in target.parts], [p.casefold() for p in home.parts]
    return len(parts) > len(base) and parts[: len(base)] == base


def windows_user(env: Mapping[str, str]) -> str:
    """DOMAIN\\name of the person running the program, from the environment Windows sets."""
    name = env.get("USERNAME", "").strip()
    domain = env.get("USERDOMAIN", "").strip()
    if not name:
        return ""
    return f"{domain}\\{name}" if domain else name


def run_hidden(command: list[str]) -> int:
    """Run a console tool without flashing a console window; its exit code."""
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    done = subprocess.run(command, capture_output=True, check=False, creationflags=flags)
    return done.returncode


def restrict_on_windows(
    path: Path,
    *,
    folder: bool,
    system: str = os.name,
    env: Mapping[str, str] | None = None,
    run: Runner = run_hidden,
) -> bool:
    """On Windows, give `path` an owner-only ACL unless the user's profile already does;
    True when a command ran and succeeded. Elsewhere nothing happens. A failure is logged
    and the file stays written: losing the person's export over an ACL would be worse."""
    if system != "nt":
        return False
    env = os.environ if env is None else env
    where = str(path)
    if inside_profile(where, env.get("USERPROFILE", "")):
        return False
    command = windows_acl_command(where, folder=folder, user=windows_user(env))
    if command is None:
        log.warning("无法确定当前 Windows 用户，%s 的访问权限未收紧", where)
        return False
    try:
        code = run(command)
    except OSError as exc:
        log.warning("icacls 无法运行（%s），%s 的访问权限未收紧", exc, where)
        return False
    if code != 0:
        log.warning("icacls 返回 %s，%s 的访问权限未收紧", code, where)
        return False
    return True
