"""subscriptions follow a parcel and are confirmed (double opt-in); outbox rows say what their recipient may read

``subscriptions`` gains the parcel it follows (``shipment_id``; none: every parcel of the order), the
SMS confirmation code and the confirmation (time, channel, source); the unique key now includes the
parcel. Existing subscriptions were never confirmed, so they stay unconfirmed: they hear nothing until
the address confirms (nobody is told anything by this migration).

``outbox.level`` is ``order`` for the order's own contact and ``parcel`` for anyone else. Existing rows
become ``order`` (a constant default: no table rewrite on PostgreSQL) except those of a subscription,
which are marked ``parcel`` so a retried dead message cannot reach a subscriber order-level.

Revision ID: 0007_subscription_consent
Revises: 0006_payment_events
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "0007_subscription_consent"
down_revision: str | Sequence[str] | None = "0006_payment_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _rebuilding_subscriptions() -> list[dict[str, int]]:
    """SQLite changes a table's constraints by rebuilding it, dropping the old table while outbox rows
    still point at it (and foreign keys cannot be switched off inside the migration's transaction):
    those references are set aside first and put back by ``_restore`` once the table is rebuilt."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    rows = op.get_bind().execute(sa.text("SELECT id, subscription_id FROM outbox WHERE subscription_id IS NOT NULL"))
    kept = [{"row": row_id, "sub": sub_id} for row_id, sub_id in rows]
    op.execute("UPDATE outbox SET subscription_id = NULL WHERE subscription_id IS NOT NULL")
    return kept


def _restore(kept: list[dict[str, int]]) -> None:
    if kept:
        op.get_bind().execute(sa.text("UPDATE outbox SET subscription_id = :sub WHERE id = :row"), kept)


def upgrade() -> None:
    kept = _rebuilding_subscriptions()
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shipment_id", ID, nullable=True))
        batch_op.add_column(sa.Column("confirm_code", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_via", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("confirmed_source", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_subscriptions_shipment_id_shipments"), "shipments", ["shipment_id"], ["id"]
        )
        batch_op.drop_constraint("uq_subscriptions_order_channel_addr", type_="unique")
        batch_op.create_unique_constraint(
            "uq_subscriptions_order_parcel_addr", ["order_id", "shipment_id", "channel", "address"]
        )
    _restore(kept)
    # A plain ADD COLUMN with a constant default on both backends: the outbox is never rebuilt.
    op.add_column("outbox", sa.Column("level", sa.String(length=8), server_default="order", nullable=False))
    op.execute("UPDATE outbox SET level = 'parcel' WHERE subscription_id IS NOT NULL")


def downgrade() -> None:
    op.drop_column("outbox", "level")  # SQLite ≥ 3.35 drops a column in place: the outbox is never rebuilt
    kept = _rebuilding_subscriptions()
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_subscriptions_order_parcel_addr", type_="unique")
        batch_op.create_unique_constraint("uq_subscriptions_order_channel_addr", ["order_id", "channel", "address"])
        batch_op.drop_constraint(batch_op.f("fk_subscriptions_shipment_id_shipments"), type_="foreignkey")
        for column in ("confirmed_source", "confirmed_via", "confirmed_at", "confirm_code", "shipment_id"):
            batch_op.drop_column(column)
    _restore(kept)
