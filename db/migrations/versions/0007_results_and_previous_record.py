"""The province's results per applicant, and the link to last year's record.

- applicant: `result_passed` (合格 True / 不合格 False / none yet), `result_source` (the
  results sheet's file name, or 手工录入), `result_at` (when recorded, UTC); the scores
  (知识/技能/综合) were already there (附件4's boxes).
- applicant: `previous_applicant_id`, the record in last year's class this one was
  brought back from (上年未通过·补考/只听课), with an index to find who came back.
  Not a foreign key, like history's applicant_id: on SQLite a constraint on an added
  column cannot be dropped again without rebuilding `applicant`, and rebuilding it with
  foreign_keys=ON deletes the photos, checks and calls that cascade from it; a link to
  a deleted record reads as gone (app.services.bring_back checks).

Existing rows keep everything; the new columns start empty.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN, never batch mode: a batch rebuild of `applicant` on SQLite
    # drops the table, and with foreign_keys=ON that deletes its photos, checks, calls.
    op.add_column("applicant", sa.Column("result_passed", sa.Boolean(), nullable=True))
    op.add_column("applicant", sa.Column("result_source", sa.String(200), nullable=False,
                                         server_default=""))
    op.add_column("applicant", sa.Column("result_at", sa.DateTime(), nullable=True))
    op.add_column("applicant", sa.Column("previous_applicant_id", sa.Integer(), nullable=True))
    op.create_index("ix_applicant_previous", "applicant", ["previous_applicant_id"])


def downgrade() -> None:
    op.drop_index("ix_applicant_previous", table_name="applicant")
    # SQLite ≥ 3.35 drops a column in place (see upgrade() for why not batch mode).
    for column in ("previous_applicant_id", "result_at", "result_source", "result_passed"):
        op.drop_column("applicant", column)
