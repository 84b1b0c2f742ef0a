"""webhook deliveries remember the resource and its updated_at (older store updates are ignored)

Revision ID: 0005_staff_ingest
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "0005_staff_ingest"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resource_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("resource_updated_at", core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_webhook_deliveries_source_resource_ref", ["source", "resource_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_source_resource_ref")
        batch_op.drop_column("resource_updated_at")
        batch_op.drop_column("resource_ref")
