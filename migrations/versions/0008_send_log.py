"""the send log: one row per send of an outbox message, so a crash leaves at most one message per lane in doubt

A requeued dead message keeps counting its attempts (the claim's fencing token, which names its sends in
the log) and gets its fresh retry budget from ``outbox.attempts_before_requeue`` instead.

Revision ID: 0008_send_log
Revises: 0011_raw_webhook_bodies
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db


revision: str = "0008_send_log"
down_revision: str | Sequence[str] | None = "0011_raw_webhook_bodies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("attempts_before_requeue", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "send_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("started_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("provider_message_id", sa.String(length=64), nullable=True),
        sa.Column("finished_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_send_log_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_log")),
        sa.UniqueConstraint("outbox_id", "attempt", name="uq_send_log_outbox_attempt"),
    )


def downgrade() -> None:
    op.drop_table("send_log")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("attempts_before_requeue")
