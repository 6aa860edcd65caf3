"""Schema migrations with Alembic, run by the program at start-up.

Alembic (and its parse of every migration script) costs ~80 ms of imports at each start,
yet the schema is behind only after an update of the program. So the revisions this
program knows are constants (REVISIONS, HEAD_REVISION), the start reads the database's
revision with one plain query (db.schema) and Alembic is imported only to upgrade, or
by script_revisions() for the test that holds the constants to the scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
"""Every migration's `revision` in migrations/versions/, oldest first. A new migration adds
its own here: tests/db/test_migrate.py fails until this matches the scripts as Alembic
reads them."""
HEAD_REVISION = REVISIONS[-1]
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    """Alembic's configuration for ClassDesk's migrations (no alembic.ini needed)."""
    from alembic.config import Config  # late: only to migrate, see the module's docstring

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest revision this program knows (what a database is migrated to)."""
    return HEAD_REVISION


def known_revisions() -> frozenset[str]:
    """Every revision this program's migrations know (a database at another one was made
    by a newer ClassDesk, or is not ClassDesk's)."""
    return frozenset(REVISIONS)


def script_revisions() -> tuple[str, ...]:
    """The migration scripts' revisions as Alembic reads them, oldest first (for the test
    of REVISIONS: it parses every script)."""
    from alembic.script import ScriptDirectory  # late: see the module's docstring

    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([s.revision for s in script.walk_revisions()]))


def script_head() -> str | None:
    """The scripts' head as Alembic computes it."""
    from alembic.script import ScriptDirectory  # late: see the module's docstring

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The database's revision, None when it has none (a new or a foreign database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    # Alembic keeps one row per head; ClassDesk's history is linear.
    return str(rows[0]) if len(rows) == 1 else None


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != HEAD_REVISION


def upgrade(engine: Engine) -> None:
    from alembic import command  # late: see the module's docstring

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
