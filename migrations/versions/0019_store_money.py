"""store orders keep the store's money: its order name, tax lines and line taxes, whether its prices include
tax, the store's transaction ids on its payment, and the store's own id of a refund it confirmed

Revision ID: 0019_store_money
Revises: 0020_api_roles_webhooks
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019_store_money"
down_revision: str | Sequence[str] | None = "0020_api_roles_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Plain ALTER TABLE on both backends, as 0014: recreating these tables would trip the foreign keys pointing here.
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
        batch_op.add_column(sa.Column("store_ref", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("store_ref")
    with op.batch_alter_table("payments", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("store_transactions")
    with op.batch_alter_table("order_lines", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("tax_minor")
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        for name in ("tax_lines", "taxes_included", "store_name"):
            batch_op.drop_column(name)
