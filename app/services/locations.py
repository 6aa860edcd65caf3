"""Where this desk's things are: the database (its URL without the password), the data,
backup and log folders, and the user manual. What the 关于 dialog shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from app.services.paths import backup_dir_for, data_dir, resolve_db_url

ROOT = Path(__file__).resolve().parents[2]
MANUAL = ROOT / "docs" / "manual" / "使用手册.html"
"""The Chinese user manual, from a checkout and in the bundle (classdesk.spec's datas)."""


@dataclass(frozen=True)
class Locations:
    database: str
    """The URL with any password hidden (postgresql+psycopg://user:***@host/db)."""
    database_file: Path | None
    """The SQLite file; None for PostgreSQL."""
    data_folder: Path
    backup_folder: Path | None
    """Next to the SQLite file; None for PostgreSQL (the server's pg_dump backs it up)."""


def public_url(url: str) -> str:
    """`url` fit to show and copy: the password replaced by ***."""
    return make_url(url).render_as_string(hide_password=True)


def locations(url: str | None) -> Locations:
    """Where the database at `url` (None: the default one) and its folders are."""
    resolved = make_url(resolve_db_url(url))
    database_file = None
    if resolved.get_backend_name() == "sqlite" and resolved.database not in (None, "", ":memory:"):
        database_file = Path(str(resolved.database)).expanduser()
    return Locations(
        database=resolved.render_as_string(hide_password=True),
        database_file=database_file,
        data_folder=data_dir(),
        backup_folder=backup_dir_for(database_file) if database_file is not None else None,
    )


def manual_path() -> Path | None:
    """The user manual's HTML file, or None when it is missing (a broken install)."""
    return MANUAL if MANUAL.is_file() else None
