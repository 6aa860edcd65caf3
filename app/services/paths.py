"""Where ClassDesk keeps its data: the OS's application-data folder, unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from app.services.private_files import restrict_on_windows

APP_NAME = "ClassDesk"
DB_FILE = "classdesk.sqlite3"
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def data_dir() -> Path:
    """~/.local/share/ClassDesk on Linux, %APPDATA%\\ClassDesk on Windows (roaming=False)."""
    override = os.environ.get("CLASSDESK_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return user_data_path(APP_NAME, appauthor=False)


def default_db_url() -> str:
    env = os.environ.get("CLASSDESK_DB")
    if env:
        return env if "://" in env else f"sqlite:///{_absolute(env)}"
    return f"sqlite:///{data_dir() / DB_FILE}"


def resolve_db_url(url: str | None) -> str:
    """`--db` takes a URL or a plain file path (taken as SQLite)."""
    if not url:
        return default_db_url()
    if "://" not in url:
        return f"sqlite:///{_absolute(url)}"
    return url


def _absolute(path: str) -> Path:
    """Absolute, but links are not followed: what the path points at is judged when the
    database is opened (a link to nowhere must not make a file appear elsewhere)."""
    return Path(os.path.abspath(Path(path).expanduser()))


def backup_dir_for(db_file: Path) -> Path:
    return db_file.parent / "backups"


def log_dir() -> Path:
    return ensure_private_dir(data_dir() / "logs")


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and the app-data folder above it) readable by the owner only: they
    hold personal data (the database, its backups, logs that may quote a name)."""
    base = data_dir()
    for p in (base, path):
        p.mkdir(parents=True, exist_ok=True, mode=0o700)
        if p == base or base in p.parents:
            if os.name == "posix":
                os.chmod(p, 0o700)
            else:
                restrict_on_windows(p, folder=True)
    return path
