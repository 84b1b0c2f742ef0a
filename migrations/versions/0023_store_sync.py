"""store sync: the connected stores, which store variant is which Shiplog variant, unlisted products

A store's credentials are not stored: they stay in the environment. A product the store deleted is
kept (orders reference its variants) and no longer listed; existing products are listed.

Revision ID: 0023_store_sync
Revises: 0018_risk_and_history
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_store_sync"
down_revision: str | Sequence[str] | None = "0018_risk_and_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "store_connections",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(length=20), nullable=False, unique=True),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("api_version", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "store_variant_links",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("store_product_id", sa.String(length=64), nullable=False),
        sa.Column("store_variant_id", sa.String(length=64), nullable=False),
        sa.Column("inventory_item_id", sa.String(length=64), nullable=True),
        sa.Column("variant_id", ID, sa.ForeignKey("variants.id"), nullable=False),
        sa.UniqueConstraint("platform", "store_variant_id", name="uq_store_variant_links_variant"),
    )
    for column in ("store_product_id", "inventory_item_id", "variant_id"):
        op.create_index(f"ix_store_variant_links_{column}", "store_variant_links", [column])
    with op.batch_alter_table("products", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("products", recreate="never") as batch_op:
        batch_op.drop_column("listed")
    op.drop_table("store_variant_links")
    op.drop_table("store_connections")
