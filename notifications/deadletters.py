"""Undelivered messages (outbox rows whose status is ``dead``) for the staff hub: what could not be
delivered, why, and a way to send them again.

``list_dead`` and ``dead_page`` are read queries; ``retry_dead`` gives the chosen messages (or all) a
fresh set of attempts, due at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from core.models import Event, Order, OutboxMessage
from core.queries.paging import Page, page_of
from core.shop import Shop
from notifications import store


@dataclass(frozen=True)
class DeadMessage:
    id: int
    order_id: int | None  # None: a message to staff, or a webhook delivery of an event about no order
    order_number: str | None
    event_type: str
    template: str
    channel: str
    recipient: str
    attempts: int
    last_error: str | None
    created_at: datetime


def _dead(row: Any) -> DeadMessage:
    message, number, event_type = row
    return DeadMessage(
        message.id, message.order_id, number, event_type, message.template, message.channel,
        message.recipient, message.attempts, message.last_error, message.created_at,
    )  # fmt: skip


def _query() -> Select[Any]:
    return (
        select(OutboxMessage, Order.number, Event.type)
        .outerjoin(Order, Order.id == OutboxMessage.order_id)
        .join(Event, Event.id == OutboxMessage.event_id)
        .where(OutboxMessage.status == "dead")
        .order_by(OutboxMessage.id.desc())
    )


def list_dead(shop: Shop, limit: int = 100) -> list[DeadMessage]:
    """The newest undelivered messages first, with the error staff need to act on."""
    with shop.db.read() as session:
        return [_dead(row) for row in session.execute(_query().limit(max(1, min(limit, 1000))))]


def dead_page(shop: Shop, number: int = 1) -> Page[DeadMessage]:
    """One page of ``list_dead``'s list, with how many there are in all (the staff page)."""
    with shop.db.read() as session:
        return page_of(session, _query(), number, _dead)


def retry_dead(shop: Shop, ids: Iterable[int] | None = None) -> int:
    """Requeue dead messages (all when ``ids`` is None); returns how many were requeued."""
    return store.requeue_dead(shop.db, None if ids is None else [int(i) for i in ids])
