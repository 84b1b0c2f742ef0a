"""fraud signals on the order (client IP, card fingerprint), and order lines of SKUs no longer sold

The risk scorer (core.risk) counts recent orders by email, client IP and card fingerprint, so the
order keeps the last two, indexed with the time placed. Imported history may name a SKU the
catalogue no longer has: its order line (and parcel line) keeps the SKU text with no variant.

Revision ID: 0018_risk_and_history
Revises: 0016_catalogue
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_risk_and_history"
down_revision: str | Sequence[str] | None = "0016_catalogue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


# ``orders``: plain ALTER TABLE on both backends (copying it, as a batch migration does, would trip the
# foreign keys of every table that points at it). The line tables are copied on SQLite to drop NOT NULL.
def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("client_ip", sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column("card_fingerprint", sa.String(length=64), nullable=True))
    op.create_index("ix_orders_client_ip_placed_at", "orders", ["client_ip", "placed_at"], unique=False)
    op.create_index("ix_orders_card_fingerprint_placed_at", "orders", ["card_fingerprint", "placed_at"], unique=False)
    for table in ("order_lines", "shipment_lines"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("variant_id", existing_type=_ID, nullable=True)


def downgrade() -> None:
    for table in ("shipment_lines", "order_lines"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("variant_id", existing_type=_ID, nullable=False)
    op.drop_index("ix_orders_card_fingerprint_placed_at", table_name="orders")
    op.drop_index("ix_orders_client_ip_placed_at", table_name="orders")
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("card_fingerprint")
        batch_op.drop_column("client_ip")
