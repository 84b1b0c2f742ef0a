"""one head again; events name the payment they are about, and payment events carry their status moves

Merges the two heads (0002_notifications and 0005_staff_ingest). Payments became an aggregate
with their own transition table: ``events.payment_id`` names the payment, and each existing
payment event gets the move it made (authorized on creation, then captured or voided), so
replaying the log rebuilds payment statuses too.

Revision ID: 0006_payment_events
Revises: 0002_notifications, 0005_staff_ingest
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_payment_events"
down_revision: str | Sequence[str] | None = ("0002_notifications", "0005_staff_ingest")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVES = {
    "payment.authorized": ["", "authorized"],
    "payment.captured": ["authorized", "captured"],
    "payment.voided": ["authorized", "voided"],
}
BATCH = 5_000


def _backfill(connection: sa.Connection) -> None:
    """Name the payment of each existing payment event (by order and reference) and add its move."""
    events = sa.table(
        "events", sa.column("id"), sa.column("type"), sa.column("order_id"), sa.column("payload", sa.JSON)
    )
    payments = sa.table("payments", sa.column("id"), sa.column("order_id"), sa.column("reference"))
    if connection.dialect.name == "sqlite":
        reference = sa.func.json_extract(events.c.payload, "$.reference")
    else:
        reference = sa.literal_column("events.payload ->> 'reference'")
    same = sa.and_(payments.c.order_id == events.c.order_id, payments.c.reference == reference)
    found = connection.execute(
        sa.select(events.c.id, events.c.type, events.c.payload, payments.c.id)
        .select_from(events.join(payments, same))
        .where(events.c.type.in_(list(MOVES)))
    ).all()
    updates = [
        {"event": event_id, "payment": payment_id, "body": {**payload, "transitions": {"payment": MOVES[kind]}}}
        for event_id, kind, payload, payment_id in found
    ]
    statement = (
        sa.update(events)
        .where(events.c.id == sa.bindparam("event"))
        .values(payment_id=sa.bindparam("payment"), payload=sa.bindparam("body", type_=sa.JSON))
    )
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, updates[start : start + BATCH])


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A plain ADD COLUMN with an inline REFERENCES (allowed for a nullable column): the events
        # table, the biggest, is not rebuilt as batch mode would.
        op.execute("ALTER TABLE events ADD COLUMN payment_id INTEGER REFERENCES payments (id)")
    else:
        op.add_column("events", sa.Column("payment_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key(op.f("fk_events_payment_id_payments"), "events", "payments", ["payment_id"], ["id"])
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_payment_id_payments"), type_="foreignkey")
        batch_op.drop_column("payment_id")
