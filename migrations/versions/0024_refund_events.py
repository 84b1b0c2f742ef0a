"""refund events for refunds recorded before the refund lifecycle (0017): replaying the log rebuilds them

A refund recorded before 0017 either has its ``refund.issued`` (naming it by ``refund_id``) without the
refund's move, which replay reads, or, in data written around Shiplog's services, no event at all. The
first gets its move added in place, as 0006 added payment moves (a second ``refund.issued`` would count
the money twice in the money log); the second gets the event today's code writes for a refund in its
status (``core.events``' typed constructor: ``refund.issued``, ``refund.pending`` or ``refund.failed``),
at the refund's own time, marked ``backfill`` so it notifies no one and reaches no webhook.

Revision ID: 0024_refund_events
Revises: 0019_store_money
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.db import JsonDoc, UTCDateTime
from core.events import orders as order_facts
from core.events import payments as processor_facts
from core.events.rows import visibility

revision: str = "0024_refund_events"
down_revision: str | Sequence[str] | None = "0019_store_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUND_EVENTS = ("refund.issued", "refund.pending", "refund.failed")
KEY = "backfill:refund:{}"  # the idempotency key of a backfilled event: one per refund, ever
BATCH = 5_000

events = sa.table(
    "events",
    sa.column("id", sa.BigInteger),
    sa.column("type", sa.String),
    sa.column("order_id", sa.BigInteger),
    sa.column("return_id", sa.BigInteger),
    sa.column("occurred_at", UTCDateTime),
    sa.column("recorded_at", UTCDateTime),
    sa.column("actor_type", sa.String),
    sa.column("visibility", sa.String),
    sa.column("payload", JsonDoc),
    sa.column("idempotency_key", sa.String),
    sa.column("notify", sa.Boolean),
)
refunds = sa.table(
    "refunds",
    *(sa.column(name) for name in ("id", "order_id", "return_id", "amount_minor", "currency", "reason", "reference")),
    sa.column("status", sa.String),
    sa.column("failure", sa.String),
    sa.column("created_at", UTCDateTime),
)
orders = sa.table("orders", sa.column("id", sa.BigInteger), sa.column("version", sa.Integer))


def _fact(refund: Any, cancellation: bool) -> Any:
    """The fact today's code records for a refund born in its status (``core.domain.payments.refund``)."""
    if refund.status == "pending":
        return processor_facts.refund_pending(refund=refund, message=None, cancellation=cancellation)
    if refund.status == "failed":
        return processor_facts.refund_failed(refund=refund, reason=refund.failure or "failed")
    return order_facts.refund_issued(refund=refund, message=None, cancellation=cancellation)


def _named(connection: sa.Connection) -> dict[int, list[tuple[int, str, dict[str, Any]]]]:
    """Refund id -> the refund events naming it (id, type, payload), in log order."""
    found = connection.execute(
        sa.select(events.c.id, events.c.type, events.c.payload)
        .where(events.c.type.in_(REFUND_EVENTS))
        .order_by(events.c.id)
    )
    named: dict[int, list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
    for event_id, kind, payload in found:
        if isinstance(payload, dict) and isinstance(payload.get("refund_id"), int):
            named[payload["refund_id"]].append((event_id, kind, payload))
    return named


def _cancelled_at(connection: sa.Connection) -> set[tuple[int, datetime]]:
    """(order, time) of each cancellation: a refund made at that moment was the cancellation's."""
    found = connection.execute(
        sa.select(events.c.order_id, events.c.occurred_at).where(events.c.type == "order.cancelled")
    )
    return {(order_id, when) for order_id, when in found}


def _row(refund: Any, cancellation: bool, now: datetime) -> dict[str, Any]:
    fact = _fact(refund, cancellation)
    payload = fact.payload | {"transitions": {"refund": ["", refund.status]}, "backfill": True}
    return {
        "type": fact.code, "order_id": refund.order_id, "return_id": refund.return_id,
        "occurred_at": refund.created_at, "recorded_at": now, "actor_type": "system",
        "visibility": visibility(fact.code), "payload": payload, "idempotency_key": KEY.format(refund.id), "notify": False,
    }  # fmt: skip


def _moved(named: list[tuple[int, str, dict[str, Any]]], status: str) -> dict[str, Any] | None:
    """The update giving the refund's first ``refund.issued`` its move, if none of its events has one."""
    if any("refund" in (payload.get("transitions") or {}) for _, _, payload in named):
        return None
    issued = next(((i, p) for i, kind, p in named if kind == "refund.issued"), None)
    if issued is None:
        return None
    event_id, payload = issued
    moves = (payload.get("transitions") or {}) | {"refund": ["", status]}
    return {"event": event_id, "body": payload | {"transitions": moves}}


def upgrade() -> None:
    connection = op.get_bind()
    named, cancelled = _named(connection), _cancelled_at(connection)
    now = datetime.now(UTC)
    new_rows, updates, bumps = [], [], defaultdict(int)
    for row in connection.execute(sa.select(refunds).order_by(refunds.c.id)):
        refund = SimpleNamespace(**row._mapping)
        if named.get(refund.id):
            update = _moved(named[refund.id], refund.status)
            updates += [update] if update is not None else []
            continue
        new_rows.append(_row(refund, (refund.order_id, refund.created_at) in cancelled, now))
        bumps[refund.order_id] += 1
    for start in range(0, len(new_rows), BATCH):
        connection.execute(sa.insert(events), new_rows[start : start + BATCH])
    amend = sa.update(events).where(events.c.id == sa.bindparam("event")).values(payload=sa.bindparam("body", type_=JsonDoc))  # fmt: skip
    for start in range(0, len(updates), BATCH):
        connection.execute(amend, updates[start : start + BATCH])
    bump = sa.update(orders).where(orders.c.id == sa.bindparam("order")).values(version=orders.c.version + sa.bindparam("by"))  # fmt: skip
    changed = [{"order": order_id, "by": count} for order_id, count in bumps.items()]
    for start in range(0, len(changed), BATCH):
        connection.execute(bump, changed[start : start + BATCH])  # read-side caches key on (order, version)


def downgrade() -> None:
    """The backfilled events go; a move added to an old ``refund.issued`` stays (it is true, and harmless)."""
    op.get_bind().execute(sa.delete(events).where(events.c.idempotency_key.like(KEY.format("%"))))
