"""outbox rows that name no order: outbound webhooks of stock, product and shop events, and staff's stock digest

``outbox.order_id`` becomes nullable. A copy of the table on SQLite (batch mode: it cannot relax NOT NULL in
place), run with foreign keys off and every reference checked before the commit (``migrations/env.py``), so the
send log and the mailbox sink keep pointing at the same ids; a plain ALTER COLUMN on PostgreSQL.

Revision ID: 0022_outbox_without_order
Revises: 0024_refund_events
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_outbox_without_order"
down_revision: str | Sequence[str] | None = "0024_refund_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ORDERLESS = "SELECT id FROM outbox WHERE order_id IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("order_id", existing_type=_ID, nullable=True)


def downgrade() -> None:
    # The older schema cannot hold a row without an order: those rows (and what refers to them) go.
    op.execute(f"DELETE FROM send_log WHERE outbox_id IN ({_ORDERLESS})")
    op.execute(f"UPDATE notification_sink SET outbox_id = NULL WHERE outbox_id IN ({_ORDERLESS})")
    op.execute("DELETE FROM outbox WHERE order_id IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("order_id", existing_type=_ID, nullable=False)
