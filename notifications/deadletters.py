"""Dead messages for the staff hub: what could not be delivered, why, and a way to retry.

``list_dead`` is a read query; ``retry_dead`` gives the chosen messages (or all) a fresh
set of attempts, due at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.models import Event, Order, OutboxMessage
from core.shop import Shop
from notifications import store


@dataclass(frozen=True)
class DeadMessage:
    id: int
    order_id: int
    order_number: str
    event_type: str
    template: str
    channel: str
    recipient: str
    attempts: int
    last_error: str | None
    created_at: datetime


def list_dead(shop: Shop, limit: int = 100) -> list[DeadMessage]:
    """The newest dead messages first, with the error staff need to act on."""
    query = (
        select(OutboxMessage, Order.number, Event.type)
        .join(Order, Order.id == OutboxMessage.order_id)
        .join(Event, Event.id == OutboxMessage.event_id)
        .where(OutboxMessage.status == "dead")
        .order_by(OutboxMessage.id.desc())
        .limit(max(1, min(limit, 1000)))
    )
    with shop.db.read() as session:
        return [
            DeadMessage(
                row.id,
                row.order_id,
                number,
                event_type,
                row.template,
                row.channel,
                row.recipient,
                row.attempts,
                row.last_error,
                row.created_at,
            )
            for row, number, event_type in session.execute(query)
        ]


def retry_dead(shop: Shop, ids: Iterable[int] | None = None) -> int:
    """Requeue dead messages (all when ``ids`` is None); returns how many were requeued."""
    return store.requeue_dead(shop.db, None if ids is None else [int(i) for i in ids])
