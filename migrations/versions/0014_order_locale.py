"""the customer's language on the order (a BCP 47 tag from the store or the API; null: the shop's default)

Revision ID: 0014_order_locale
Revises: 0008_send_log
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_order_locale"
down_revision: str | Sequence[str] | None = "0008_send_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both backends (SQLite has dropped columns since 3.35): copying ``orders`` the way a
# batch migration does would trip the foreign keys of every table that points at it.
def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("locale")
