"""Migration 0007 on a database at 0006: result fields and the link to last year's record
are added empty, nothing else changes; down again drops them and keeps the rows (and
their photos) — SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import inspect, text

from app.services.database import open_database
from db import migrate
from tests.support.desk import add_photo, register

NEW = {"result_passed", "result_source", "result_at", "previous_applicant_id"}


def _to(db: Any, revision: str, down: bool) -> None:
    cfg = migrate.alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _columns(db: Any) -> set[str]:
    with db.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns("applicant")}


def _rows(db: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT a.id, a.version, a.name, a.id_number, a.score_knowledge, "
            "(SELECT count(*) FROM applicant_photo p WHERE p.applicant_id = a.id), "
            "(SELECT count(*) FROM history h WHERE h.applicant_id = a.id) "
            "FROM applicant a ORDER BY a.id"))]


def test_0007_adds_empty_result_fields_and_the_link_and_goes_back(db_url: str) -> None:
    db = open_database(db_url, take_backups=False)
    try:
        ids = [register(db, n, score_knowledge=k) for n, k in (("陈小燕", 71), ("周建国", None))]
        add_photo(db, ids[0])
        _to(db, "0006", down=True)
        assert not NEW & _columns(db)
        before = _rows(db)
        _to(db, "0007", down=False)
        assert _columns(db) >= NEW
        assert _rows(db) == before  # nothing lost or changed: the score stays, photo too
        with db.engine.connect() as conn:
            got = conn.execute(text(
                "SELECT result_passed, result_source, result_at, previous_applicant_id "
                "FROM applicant ORDER BY id")).all()
        assert [tuple(r) for r in got] == [(None, "", None, None)] * 2
        with db.engine.begin() as conn:  # the link is an ordinary, indexed column
            conn.execute(text("UPDATE applicant SET previous_applicant_id = :p, "
                              "result_passed = :r WHERE id = :i"),
                         {"p": ids[1], "r": False, "i": ids[0]})
        _to(db, "0006", down=True)
        assert not NEW & _columns(db)
        assert _rows(db) == before  # down again: the rows and their photos are all there
        _to(db, "head", down=False)
        assert migrate.current_revision(db.engine) == migrate.HEAD_REVISION == "0007"
    finally:
        db.dispose()
