"""Is a database ClassDesk's, at a revision this program knows, with every table and column?

Checked before anything is changed: on every open (a database made by a newer program
version, or another program's file, is refused) and on a backup before it is restored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import Connection, inspect, text

from db import migrate
from db.models import Base

VERSION_TABLE = "alembic_version"


class SchemaState(Enum):
    EMPTY = "empty"  # no tables at all: a new database
    FOREIGN = "foreign"  # tables, but not ClassDesk's (or no revision recorded)
    OLDER = "older"  # a revision this program knows, before its newest: to migrate
    CURRENT = "current"  # the newest revision this program knows
    NEWER = "newer"  # a revision this program does not know: a newer ClassDesk made it


@dataclass(frozen=True)
class SchemaCheck:
    state: SchemaState
    revision: str | None
    tables: tuple[str, ...]  # what the database holds, for messages

    @property
    def ours(self) -> bool:
        return self.state in (SchemaState.OLDER, SchemaState.CURRENT)


def check_schema(conn: Connection) -> SchemaCheck:
    """What `conn`'s database is, read without changing anything."""
    names = tuple(sorted(inspect(conn).get_table_names()))
    if not names:
        return SchemaCheck(SchemaState.EMPTY, None, names)
    if VERSION_TABLE not in names:
        return SchemaCheck(SchemaState.FOREIGN, None, names)
    try:
        query = text(f"SELECT version_num FROM {VERSION_TABLE}")
        revisions = [str(r[0]) for r in conn.execute(query)]
    except Exception:  # a table of that name with other columns: not Alembic's
        return SchemaCheck(SchemaState.FOREIGN, None, names)
    if len(revisions) != 1:
        return SchemaCheck(SchemaState.FOREIGN, None, names)
    revision = revisions[0]
    if revision not in migrate.known_revisions():
        return SchemaCheck(SchemaState.NEWER, revision, names)
    if revision == migrate.head_revision():
        return SchemaCheck(SchemaState.CURRENT, revision, names)
    return SchemaCheck(SchemaState.OLDER, revision, names)


def missing_columns(conn: Connection) -> list[str]:
    """Tables and columns the models expect that the database lacks ("applicant",
    "payment.amount_fen"); [] when everything is there. For a database at the newest
    revision: an older one is compared after it has been migrated."""
    insp = inspect(conn)
    present = set(insp.get_table_names())
    missing: list[str] = []
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            missing.append(table.name)
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return missing
