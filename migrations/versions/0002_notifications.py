"""notifications: the embedded local sink for email and SMS

Revision ID: 0002_notifications
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

import core.db


revision: str = "0002_notifications"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_sink",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column(
            "headers",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_notification_sink_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_sink")),
        sa.UniqueConstraint("outbox_id", name=op.f("uq_notification_sink_outbox_id")),
    )
    with op.batch_alter_table("notification_sink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_sink_recipient"), ["recipient"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_sink_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification_sink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_sink_created_at"))
        batch_op.drop_index(batch_op.f("ix_notification_sink_recipient"))
    op.drop_table("notification_sink")
