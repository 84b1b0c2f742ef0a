"""store orders keep the store's money: its order name, tax lines and line taxes, whether prices include
tax; refunds get a status (pending until the store confirms) and the store's refund id; events name a refund

Revision ID: 0019_store_money
Revises: 0015_tracking_pages
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019_store_money"
down_revision: str | Sequence[str] | None = "0015_tracking_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Plain ALTER TABLE on both backends, as 0014: recreating ``orders`` or ``events`` would trip their foreign keys.
def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("store_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("taxes_included", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("tax_lines", JSON, nullable=True))
    with op.batch_alter_table("order_lines", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("tax_minor", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("payments", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("store_transactions", sa.String(length=200), nullable=True))
    with op.batch_alter_table("refunds", schema=None, recreate="never") as batch_op:
        # Every refund recorded before this was made by the gateway at once: succeeded.
        batch_op.add_column(sa.Column("status", sa.String(length=12), nullable=False, server_default="succeeded"))
        batch_op.add_column(sa.Column("store_ref", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("failure", sa.String(length=300), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # As 0006: an inline REFERENCES on a nullable column, so the events table is not rebuilt. A database
        # downgraded from here kept it (see downgrade).
        if "refund_id" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("events")}:
            op.execute("ALTER TABLE events ADD COLUMN refund_id INTEGER REFERENCES refunds (id)")
    else:
        op.add_column("events", sa.Column("refund_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key(op.f("fk_events_refund_id_refunds"), "events", "refunds", ["refund_id"], ["id"])
    op.create_index(op.f("ix_events_refund_id"), "events", ["refund_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_events_refund_id"), table_name="events")
    # SQLite drops no column that references another table, and rebuilding events (which the outbox and the
    # send log reference) needs foreign keys off, outside the migration's transaction: there the nullable
    # column, unused before 0019, stays, and an upgrade finds it.
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_events_refund_id_refunds"), "events", type_="foreignkey")
        op.drop_column("events", "refund_id")
    with op.batch_alter_table("refunds", schema=None, recreate="never") as batch_op:
        for name in ("failure", "store_ref", "status"):
            batch_op.drop_column(name)
    with op.batch_alter_table("payments", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("store_transactions")
    with op.batch_alter_table("order_lines", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("tax_minor")
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        for name in ("tax_lines", "taxes_included", "store_name"):
            batch_op.drop_column(name)
