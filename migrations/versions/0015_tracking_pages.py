"""public tracking pages rendered ahead of their first view, and the log follower's read mark

Revision ID: 0015_tracking_pages
Revises: 0012_exchange_lines
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "0015_tracking_pages"
down_revision: str | Sequence[str] | None = "0012_exchange_lines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_pages",
        sa.Column("shipment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("valid_on", sa.Date(), nullable=True),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("rendered_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_tracking_pages_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("shipment_id", "language", name=op.f("pk_tracking_pages")),
    )
    op.create_index("ix_tracking_pages_valid_on", "tracking_pages", ["valid_on"])
    op.create_table(
        "read_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_read_marks")),
    )


def downgrade() -> None:
    op.drop_table("read_marks")
    op.drop_index("ix_tracking_pages_valid_on", table_name="tracking_pages")
    op.drop_table("tracking_pages")
