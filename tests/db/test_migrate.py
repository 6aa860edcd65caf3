"""The start-up's revision check, without Alembic, agrees with Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from db import migrate

ROOT = Path(__file__).resolve().parents[2]


def alembic_current(engine: object) -> str | None:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return MigrationContext.configure(conn).get_current_revision()  # type: ignore[no-any-return]


def test_the_revisions_known_without_alembic_are_the_scripts():
    # A new migration must be added to REVISIONS too, or start-up would not upgrade to it
    # (and would refuse a database at it as made by a newer ClassDesk).
    assert migrate.script_revisions() == migrate.REVISIONS
    assert migrate.script_head() == migrate.HEAD_REVISION == migrate.head_revision()
    assert migrate.known_revisions() == frozenset(migrate.REVISIONS)


def test_the_plain_query_reads_what_alembic_reads(db_url):
    engine = create_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None  # no alembic_version table
        assert migrate.needs_upgrade(engine)
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == alembic_current(engine) == migrate.HEAD_REVISION
        assert not migrate.needs_upgrade(engine)
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert migrate.current_revision(engine) == alembic_current(engine) == "0001"
        assert migrate.needs_upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        assert migrate.current_revision(engine) is None and alembic_current(engine) is None
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()


def test_opening_a_current_database_does_not_import_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    code = (
        "import sys\n"
        "from app.services.database import open_database\n"
        "open_database(sys.argv[1]).dispose()\n"  # new: migrated, Alembic loaded
        "print('first', 'alembic' in sys.modules)\n"
    )
    again = (
        "import sys\n"
        "from app.services.database import open_database\n"
        "open_database(sys.argv[1]).dispose()\n"  # current: no Alembic
        "print('again', 'alembic' in sys.modules)\n"
    )
    for source, expected in ((code, "first True"), (again, "again False")):
        done = subprocess.run(
            [sys.executable, "-c", source, url], cwd=ROOT, capture_output=True, text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected
