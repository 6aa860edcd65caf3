"""Migration 0006 on a 2021 database written at 0005: it opens as the 2021 class, current
and unlocked, with every row of every table as it was — SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from alembic import command
from sqlalchemy import inspect, text

from app.domain.codes import ApplicantStatus as S
from app.services.applicants import ApplicantService
from app.services.campaign import all_classes, campaign_info, current_class_id
from app.services.database import open_database
from db import migrate
from tests.support.desk import add_photo, advance, register

OLD_TIME = datetime(2021, 10, 1, 2, 0)
NEW_COLUMNS = {"locked", "source", "previous_id"}


def _to(db: Any, revision: str, down: bool) -> None:
    cfg = migrate.alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _everything(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (the columns 0005 knew), ordered: what must not change."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        insp = inspect(conn)
        for table in sorted(insp.get_table_names()):
            if table == "alembic_version":
                continue
            cols = [c["name"] for c in insp.get_columns(table) if c["name"] not in NEW_COLUMNS]
            order = ", ".join(cols)
            out[table] = [tuple(r) for r in conn.execute(text(
                f"SELECT {order} FROM {table} ORDER BY {order}"))]
    return out


def test_a_2021_database_opens_as_the_2021_class_with_nothing_lost(db_url: str) -> None:
    db = open_database(db_url, take_backups=False)
    ids = [register(db, n) for n in ("谭燕勇", "王正常", "陈晓梅")]
    advance(db, ids[0], S.REVIEW_PASSED)
    add_photo(db, ids[1])
    _to(db, "0005", down=True)
    with db.engine.begin() as conn:  # a payment and a history line as 0005 wrote them
        assert "locked" not in {c["name"] for c in inspect(conn).get_columns("campaign")}
        cid = conn.execute(text("SELECT id FROM campaign")).scalar_one()
        conn.execute(text(
            "INSERT INTO payment (campaign_id, applicant_id, amount_fen, paid_on, remark, payer,"
            " method, source_ref, recorded_by, recorded_at, state, hold_reason, decided_by,"
            " decision_note) VALUES (:c, :a, 313000, :d, '南通王正常助理信用管理师', '', '转账',"
            " NULL, '陆薇', :t, 'counted', '', '', '')"),
            {"c": cid, "a": ids[1], "d": date(2021, 10, 1), "t": OLD_TIME})
    before = _everything(db)
    assert len(before["applicant"]) == 3 and len(before["payment"]) == 1

    _to(db, "0006", down=False)
    assert migrate.current_revision(db.engine) == "0006"
    assert _everything(db) == before, "no row of any table changed or went missing"
    _to(db, "head", down=False)  # on to 0007 (results, the link to last year's record)

    classes = all_classes(db)
    assert [c.code for c in classes] == ["2021-nantong-level3"]
    c = campaign_info(db)
    assert (c.year, c.level, c.level_label, c.is_current, c.locked) == (2021, 3, "三级", True,
                                                                         False)
    assert c.fees.training == 2800 and c.payee_account == "0120240000002229"
    assert len(c.points) == 22 and c.points[10].name == "海安市"
    assert current_class_id(db) == cid
    svc = ApplicantService(db, "陆薇")
    assert {r.name for r in svc.search("")} == {"谭燕勇", "王正常", "陈晓梅"}
    assert register(db, "新来的") > max(ids), "the 2021 class still takes people"
    db.dispose()


def test_a_database_with_no_current_mark_makes_its_newest_class_current(db_url: str) -> None:
    db = open_database(db_url, take_backups=False)
    _to(db, "0005", down=True)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE campaign SET is_current = :f"), {"f": False})
    _to(db, "head", down=False)
    assert campaign_info(db).is_current
    db.dispose()
