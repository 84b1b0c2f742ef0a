"""API keys act with a staff role; outbound webhook endpoints, delivered through the outbox

Each API key gets the role whose permissions its writes have (``core.permissions``); keys made
before get ``staff``, the lesser role. ``webhook_endpoints`` are the URLs a shop's other systems
listen on, with the event types each hears; an outbox row of channel ``webhook`` names one.

Revision ID: 0020_api_roles_webhooks
Revises: 0021_shop_settings
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db import JsonDoc, UTCDateTime

revision: str = "0020_api_roles_webhooks"
down_revision: str | Sequence[str] | None = "0021_shop_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_types", JsonDoc, nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    # Plain ALTER TABLE on both backends: copying ``outbox`` (batch mode) would trip the foreign keys
    # of the send log and the mailbox sink, which point at it.
    with op.batch_alter_table("api_keys", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), server_default="staff", nullable=False))
    _add_webhook_column()
    op.create_index(op.f("ix_outbox_webhook_id"), "outbox", ["webhook_id"], unique=False)


def _add_webhook_column() -> None:
    """SQLite adds a column with its foreign key in one ALTER TABLE (it cannot add a constraint later)."""
    fk = "fk_outbox_webhook_id_webhook_endpoints"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE outbox ADD COLUMN webhook_id INTEGER CONSTRAINT {fk} REFERENCES webhook_endpoints (id)"
        )
        return
    op.add_column("outbox", sa.Column("webhook_id", BIG_ID, nullable=True))
    op.create_foreign_key(op.f(fk), "outbox", "webhook_endpoints", ["webhook_id"], ["id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_webhook_id"), table_name="outbox")
    sqlite = op.get_bind().dialect.name == "sqlite"
    # A later migration that copies ``outbox`` on SQLite (0022) makes the column's foreign key a table
    # constraint, which SQLite's DROP COLUMN refuses: there the table is copied without the column.
    with op.batch_alter_table("outbox", recreate="always" if sqlite else "never") as batch_op:
        if not sqlite:
            batch_op.drop_constraint(op.f("fk_outbox_webhook_id_webhook_endpoints"), type_="foreignkey")
        batch_op.drop_column("webhook_id")
    with op.batch_alter_table("api_keys", recreate="never") as batch_op:
        batch_op.drop_column("role")
    op.drop_table("webhook_endpoints")
