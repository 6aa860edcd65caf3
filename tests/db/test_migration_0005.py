"""Migration 0005 on a database written by the previous release (0004): the notice's
flow and held payments, without losing or changing any history — SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from alembic import command
from sqlalchemy import text

from app.domain.balance import PaymentState
from app.domain.codes import ApplicantStatus as S
from app.domain.codes import EnrolmentType
from app.services.database import open_database
from app.services.payments import PaymentService
from db import migrate
from tests.support.desk import register

OLD_TIME = datetime(2021, 10, 1, 2, 0)


def _to(db: Any, revision: str, down: bool) -> None:
    cfg = migrate.alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _history(db: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT id, applicant_id, entity, action, changes_json, note, operator, at "
            "FROM history ORDER BY id"))]


def test_an_old_database_moves_to_the_notices_flow_and_keeps_its_history(db_url: str) -> None:
    db = open_database(db_url, take_backups=False)
    names = ["听课考试", "只听课", "已缴费", "已报省", "省已核", "谭燕勇", "王正常"]
    ids = {n: register(db, n) for n in names}
    _to(db, "0004", down=True)
    with db.engine.begin() as conn:  # the shapes the previous release wrote
        def set_(name: str, **values: object) -> None:
            cols = ", ".join(f"{k} = :{k}" for k in values)
            conn.execute(text(f"UPDATE applicant SET {cols} WHERE id = :id"),
                         {**values, "id": ids[name]})

        set_("听课考试", enrolment_type=2, sits_exam=True, status=5)
        set_("只听课", enrolment_type=2, sits_exam=False, status=5)
        set_("已缴费", status=6)
        set_("已报省", status=8)
        set_("省已核", status=9)
        set_("谭燕勇", status=6)
        set_("王正常", status=6)
        cid = conn.execute(text("SELECT id FROM campaign")).scalar_one()
        for name, remark, ref in (("谭燕勇", "南通+谭燕+助理信用管理师", None),
                                  ("王正常", "南通王正常助理信用管理师", None),
                                  ("已缴费", "货款", "statement-line-1")):
            conn.execute(text(
                "INSERT INTO payment (campaign_id, applicant_id, amount_fen, paid_on, remark, "
                "payer, method, source_ref, recorded_by, recorded_at) VALUES (:c, :a, 313000, "
                ":d, :r, '', '转账', :ref, '陆薇', :t)"),
                {"c": cid, "a": ids[name], "d": date(2021, 10, 1), "r": remark, "ref": ref,
                 "t": OLD_TIME})
        conn.execute(text(
            "INSERT INTO history (campaign_id, applicant_id, entity, action, changes_json, "
            "note, operator, at) VALUES (:c, :a, 'status', 'status', "
            "'{\"status\": [\"5 已电话通知\", \"6 已缴费\"]}', '已缴清', '陆薇', :t)"),
            {"c": cid, "a": ids["已缴费"], "t": OLD_TIME})
        versions = dict(conn.execute(text("SELECT id, version FROM applicant")).all())
    before = _history(db)

    _to(db, "head", down=False)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    after = _history(db)
    assert after[: len(before)] == before, "no history row changed or removed"
    added = after[len(before):]
    assert all(r[6] == "系统升级" for r in added)
    with db.engine.connect() as conn:
        rows = {r[0]: r[1:] for r in conn.execute(text(
            "SELECT id, status, enrolment_type, version FROM applicant"))}
    status = {n: S.from_code(rows[i][0]) for n, i in ids.items()}
    assert status == {"听课考试": S.PHONED, "只听课": S.PHONED, "已缴费": S.PHONED,
                      "已报省": S.CONFIRMED, "省已核": S.CONFIRMED, "谭燕勇": S.PHONED,
                      "王正常": S.PHONED}
    enrolment = {n: EnrolmentType.from_code(rows[i][1]) for n, i in ids.items()}
    assert enrolment["听课考试"] is EnrolmentType.RESIT
    assert enrolment["只听课"] is EnrolmentType.RETAKE_AUDIT
    assert rows[ids["已缴费"]][2] == versions[ids["已缴费"]] + 1, "desks holding it see a change"
    assert rows[ids["只听课"]][2] == versions[ids["只听课"]], "nothing to change, not touched"
    notes = {(r[1], r[2], r[3]): r[5] for r in added}
    assert "补考人" in notes[(ids["听课考试"], "applicant", "migrate")]
    assert "缴费记录" in notes[(ids["已缴费"], "status", "migrate")]
    assert "已现场确认" in notes[(ids["已报省"], "status", "migrate")]
    assert "升级复核" in notes[(ids["谭燕勇"], "payment", "hold")]

    pay = PaymentService(db, "陆薇")
    held = pay.balance(ids["谭燕勇"])
    assert held.state is PaymentState.UNPAID and held.pending_fen == 313000
    assert pay.balance(ids["王正常"]).state is PaymentState.PAID
    assert pay.balance(ids["已缴费"]).paid_fen == 313000, "statement lines a person chose stay"
    assert pay.payments(ids["谭燕勇"])[0].state_text.startswith(
        "待核对：升级复核：转账备注「南通+谭燕+助理信用管理师」没有写谭燕勇的姓名")
    db.dispose()
