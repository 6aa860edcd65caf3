"""Engines and sessions: SQLite set up for safety on every connection, PostgreSQL as is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    # Personal data: a save the program reported as done must survive a power cut.
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=30000",
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`. On SQLite, every connection gets WAL, foreign keys and
    synchronous=FULL, and write transactions start with BEGIN IMMEDIATE so that two
    writers queue for the lock instead of failing half-way with "database is locked"."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("classdesk_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


class Database:
    """An engine and its sessions. `read()` for queries, `write()` for one transaction."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else make_engine(url)
        self.is_sqlite = is_sqlite(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.class_id: int | None = None
        """The class (campaign id) this opening works on when a service is not told one:
        set by the CLI's --class; None means the current class the database remembers
        (app.services.campaign.resolve_class_id is the one place that decides)."""

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session:
            session.connection(execution_options={"classdesk_write": True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def refresh_statistics(self) -> None:
        """Give the query planner current table statistics (ANALYZE)."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

    def dispose(self) -> None:
        if self.is_sqlite:
            # SQLite's advice for long-lived connections: re-analyse what needs it on close.
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # closing must not fail over a planner hint
                pass
        self.engine.dispose()
