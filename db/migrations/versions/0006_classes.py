"""Every year's class: the campaign becomes a class that can be past, locked and linked.

- campaign: `locked` (a past class is read-only until staff unlock it with a reason, which
  the history records), `source` (the notice the settings come from), `previous_id` (the
  class it was made from: where last year's failures come back from; a plain integer, no
  foreign key, so that SQLite needs no table rebuild and removing a class never cascades).
- An existing database keeps its one class (2021) as it is, unlocked and current: nothing
  of its applicants, payments, photos or history is touched. If no class is marked current
  (a database edited by hand), the newest one becomes current.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on every backend (no table rebuild, see downgrade).
    op.add_column("campaign", sa.Column("locked", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.add_column("campaign", sa.Column("source", sa.String(300), nullable=False,
                                        server_default=""))
    op.add_column("campaign", sa.Column("previous_id", sa.Integer(), nullable=True))
    bind = op.get_bind()
    current = bind.execute(sa.text(
        "SELECT count(*) FROM campaign WHERE is_current = :t"), {"t": True}).scalar_one()
    if current == 0:
        newest = bind.execute(sa.text(
            "SELECT id FROM campaign ORDER BY year DESC, id DESC")).first()
        if newest is not None:
            bind.execute(sa.text("UPDATE campaign SET is_current = :t WHERE id = :id"),
                         {"t": True, "id": newest[0]})
    elif current > 1:  # one current class: the newest of those marked keeps the mark
        keep = bind.execute(sa.text(
            "SELECT id FROM campaign WHERE is_current = :t ORDER BY year DESC, id DESC"),
            {"t": True}).first()
        assert keep is not None
        bind.execute(sa.text("UPDATE campaign SET is_current = :f WHERE id <> :id"),
                     {"f": False, "id": keep[0]})


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch rebuild would drop and
    # re-create `campaign`, which the foreign keys of every applicant and point refuse.
    for column in ("previous_id", "source", "locked"):
        op.drop_column("campaign", column)
