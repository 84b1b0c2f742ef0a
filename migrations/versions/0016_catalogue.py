"""the catalogue a real shop loads: options, prices, weights, images, barcodes, return groups, backorders

Products gain their option names (Size, Color), an image, a return policy group and whether they
sell on backorder; variants their option values, a compare-at price, a weight in grams, an image and
a barcode. An order line counts the units sold on backorder that wait for stock (``qty_backordered``).
Existing rows get no options (null), no backorders and empty optional fields.

Revision ID: 0016_catalogue
Revises: 0017_card_payments
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016_catalogue"
down_revision: str | Sequence[str] | None = "0017_card_payments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# Column checks go in with the column, in SQL both backends take: SQLite cannot add a table constraint
# later, and copying ``variants`` the batch way would trip every foreign key that points at it.
CHECKED = (
    ("compare_at_minor", "ck_variants_compare_at_not_negative"),
    ("weight_grams", "ck_variants_weight_not_negative"),
)


def upgrade() -> None:
    with op.batch_alter_table("products", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("option_names", JSON, nullable=True))
        batch_op.add_column(sa.Column("image_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("return_policy_group", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("backorders", sa.Boolean(), nullable=False, server_default=sa.false()))
    for column, check in CHECKED:
        op.execute(f"ALTER TABLE variants ADD COLUMN {column} INTEGER CONSTRAINT {check} CHECK ({column} >= 0)")
    op.execute(
        "ALTER TABLE order_lines ADD COLUMN qty_backordered INTEGER DEFAULT 0 NOT NULL"
        " CONSTRAINT ck_order_lines_backordered_within_ordered CHECK (qty_backordered >= 0 AND qty_backordered <= quantity)"
    )
    with op.batch_alter_table("variants", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("option_values", JSON, nullable=True))
        batch_op.add_column(sa.Column("image_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("barcode", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # A later migration that copies ``order_lines`` on SQLite (0018) turns the column's CHECK into a table
    # constraint, which SQLite's DROP COLUMN refuses: drop the constraint first (a copy on SQLite).
    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.drop_constraint(op.f("ck_order_lines_backordered_within_ordered"), type_="check")
        batch_op.drop_column("qty_backordered")
    with op.batch_alter_table("variants", recreate="never") as batch_op:
        for column in ("barcode", "image_url", "option_values", *(column for column, _ in CHECKED)):
            batch_op.drop_column(column)
    with op.batch_alter_table("products", recreate="never") as batch_op:
        for column in ("backorders", "return_policy_group", "image_url", "option_names"):
            batch_op.drop_column(column)
