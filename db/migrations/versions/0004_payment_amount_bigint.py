"""Payment amounts as BIGINT fen: 32 bits end at 21,474,836.47 元, one extra zero typed
into an amount overflowed on PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.alter_column('amount_fen', existing_type=sa.Integer(),
                              type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.alter_column('amount_fen', existing_type=sa.BigInteger(),
                              type_=sa.Integer(), existing_nullable=False)
