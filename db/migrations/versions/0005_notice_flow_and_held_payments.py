"""The notice's flow and payments that count: 待核对 payments, 补考 as its own type.

- payment: `state` (counted / pending / rejected), `hold_reason`, `decided_by`,
  `decided_at`, `decision_note`. Existing payments stay counted, except a hand-typed bank
  transfer whose remark names someone else or no one (the rule: that is not this
  person's payment): it is held as 待核对 with the reason, for a person to accept.
- applicant: 2020未通过·听课 who sat the exam becomes 上年未通过·补考 (code 3: the exam fee
  and the 补考 remark, as the notice says); 已缴费 (6) becomes 已电话通知 (5) — whether a
  person paid now comes from the payments; 已报省公司 (8) and 省鉴定中心已核 (9), which the
  old order put after 现场确认, become 已现场确认 (7): in the notice's order that is the
  furthest step those people reached. Every change bumps the row's version and adds a
  history line saying what and why; no history is changed or removed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.domain.remark import parse_remark, same_name

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPERATOR = "系统升级"

_history = sa.table(
    "history",
    sa.column("campaign_id", sa.Integer), sa.column("applicant_id", sa.Integer),
    sa.column("entity", sa.String), sa.column("action", sa.String),
    sa.column("changes_json", sa.Text), sa.column("note", sa.Text),
    sa.column("operator", sa.String), sa.column("at", sa.DateTime),
)
_applicant = sa.table(
    "applicant",
    sa.column("id", sa.Integer), sa.column("campaign_id", sa.Integer),
    sa.column("version", sa.Integer), sa.column("status", sa.Integer),
    sa.column("enrolment_type", sa.Integer), sa.column("sits_exam", sa.Boolean),
    sa.column("name", sa.String), sa.column("updated_at", sa.DateTime),
    sa.column("updated_by", sa.String),
)
_payment = sa.table(
    "payment",
    sa.column("id", sa.Integer), sa.column("campaign_id", sa.Integer),
    sa.column("applicant_id", sa.Integer), sa.column("amount_fen", sa.Integer),
    sa.column("remark", sa.String), sa.column("method", sa.String),
    sa.column("source_ref", sa.String), sa.column("state", sa.String),
    sa.column("hold_reason", sa.String),
)

_STATUS_LABELS = {5: "已电话通知", 6: "已缴费", 7: "已现场确认", 8: "已报省公司",
                  9: "省鉴定中心已核", 4: "退回补正", 10: "省鉴定中心未通过"}


def _status(code: int) -> str:
    return f"{code} {_STATUS_LABELS[code]}"


def upgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("state", sa.String(12), nullable=False,
                                   server_default="counted"))
        batch.add_column(sa.Column("hold_reason", sa.String(300), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("decided_by", sa.String(40), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decision_note", sa.String(300), nullable=False,
                                   server_default=""))
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    history: list[dict[str, object]] = []

    def note(row: Any, entity: str, changes: dict[str, list[object]], text: str) -> None:
        history.append({
            "campaign_id": row.campaign_id, "applicant_id": row.id, "entity": entity,
            "action": "migrate", "changes_json": json.dumps(changes, ensure_ascii=False),
            "note": text, "operator": OPERATOR, "at": now,
        })

    def bump(applicant_id: int, **values: object) -> None:
        bind.execute(
            _applicant.update().where(_applicant.c.id == applicant_id)
            .values(version=_applicant.c.version + 1, updated_at=now, updated_by=OPERATOR,
                    **values))

    people = bind.execute(sa.select(
        _applicant.c.id, _applicant.c.campaign_id, _applicant.c.status,
        _applicant.c.enrolment_type, _applicant.c.sits_exam, _applicant.c.name)).all()
    for row in people:
        if row.enrolment_type == 2 and row.sits_exam:
            bump(row.id, enrolment_type=3)
            note(row, "applicant", {"enrolment_type": ["2 2020未通过·听课（参加考试）",
                                                       "3 上年未通过·补考"]},
                 "按通知：上年未通过又参加考试的学员是补考人，缴考试费，"
                 f"转账备注为「南通{row.name}补考助理」。")
        new_status = {6: 5, 8: 7, 9: 7}.get(row.status)
        if new_status is None:
            continue
        bump(row.id, status=new_status)
        why = ("是否缴费改由缴费记录得出，不再是一个状态。" if row.status == 6 else
               "按通知的顺序，报省公司、省鉴定中心核查在电话通知和现场确认之前；此人已现场确认，"
               f"并已「{_STATUS_LABELS[row.status]}」（见此前的记录）。")
        note(row, "status", {"status": [_status(row.status), _status(new_status)]}, why)

    names = {row.id: row.name for row in people}
    campaign_of = {row.id: row.campaign_id for row in people}
    typed = bind.execute(sa.select(
        _payment.c.id, _payment.c.applicant_id, _payment.c.remark, _payment.c.amount_fen)
        .where(_payment.c.source_ref.is_(None), _payment.c.method == "转账",
               _payment.c.applicant_id.is_not(None))).all()
    for pay in typed:
        name = names.get(pay.applicant_id, "")
        parsed = parse_remark(pay.remark or "")
        if parsed is not None and same_name(parsed.name, name):
            continue
        reason = (f"升级复核：转账备注「{pay.remark}」没有写{name}的姓名" if pay.remark
                  else "升级复核：手工登记的转账没有备注")
        reason += "（按规定不是本人的缴费；此前登记时只作提醒）。请核对银行流水后确认是否计入。"
        bind.execute(_payment.update().where(_payment.c.id == pay.id)
                     .values(state="pending", hold_reason=reason[:300]))
        history.append({
            "campaign_id": campaign_of.get(pay.applicant_id), "applicant_id": pay.applicant_id,
            "entity": "payment", "action": "hold",
            "changes_json": json.dumps({"缴费状态": ["计入", "待核对"]}, ensure_ascii=False),
            "note": reason, "operator": OPERATOR, "at": now,
        })
    if history:
        bind.execute(_history.insert(), history)


def downgrade() -> None:
    # The older program knows no 省鉴定中心未通过: such people go back to 退回补正, said so
    # in their history. Types and statuses moved forward by upgrade() stay as they are.
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = bind.execute(sa.select(_applicant.c.id, _applicant.c.campaign_id)
                        .where(_applicant.c.status == 10)).all()
    for row in rows:
        bind.execute(_applicant.update().where(_applicant.c.id == row.id)
                     .values(status=4, version=_applicant.c.version + 1, updated_at=now,
                             updated_by=OPERATOR))
        bind.execute(_history.insert().values(
            campaign_id=row.campaign_id, applicant_id=row.id, entity="status",
            action="migrate", changes_json=json.dumps({"status": [_status(10), _status(4)]},
                                                      ensure_ascii=False),
            note="降级：旧版程序没有「省鉴定中心未通过」", operator=OPERATOR, at=now))
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("decision_note")
        batch.drop_column("decided_at")
        batch.drop_column("decided_by")
        batch.drop_column("hold_reason")
        batch.drop_column("state")
