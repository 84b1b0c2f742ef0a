"""card payments through a processor: a refund's status (pending until the processor confirms) and the
processor's reason when it refuses a payment or a refund

Revision ID: 0017_card_payments
Revises: 0015_tracking_pages
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_card_payments"
down_revision: str | Sequence[str] | None = "0015_tracking_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both backends, as 0014: a batch copy would trip the foreign keys pointing here.
def upgrade() -> None:
    with op.batch_alter_table("refunds", schema=None, recreate="never") as batch_op:
        # Every refund made before this was confirmed at once by the (fake) gateway.
        batch_op.add_column(sa.Column("status", sa.String(length=12), server_default="succeeded", nullable=False))
        batch_op.add_column(sa.Column("failure", sa.String(length=200), nullable=True))
    with op.batch_alter_table("payments", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("failure", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("failure")
    with op.batch_alter_table("refunds", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("failure")
        batch_op.drop_column("status")
