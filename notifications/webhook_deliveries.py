"""Outbound webhook deliveries for staff: the endpoints, each delivery's status, attempts and the
receiver's last answer, and replaying one (sending it again, whether it went dead or was delivered).

A delivery is an outbox row of channel ``webhook``; replaying it is the dead letters' requeue
(``store.requeue_dead``), open to a delivered row too, since a receiver may have lost what it got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from core.models import Event, Order, OutboxMessage, WebhookEndpoint
from core.outbox.webhooks import CHANNEL
from core.queries.paging import Page, page_of
from core.shop import Shop
from notifications import store

STATUSES = ("pending", "sending", "sent", "dead", "skipped")
REPLAYABLE = ("dead", "sent", "skipped")


@dataclass(frozen=True)
class Delivery:
    id: int
    endpoint_id: int
    url: str
    event_id: int
    event_type: str
    order_number: str | None  # None: an event about no order (stock, catalogue, shop)
    status: str
    attempts: int
    response: str | None  # the receiver's last answer ("HTTP 500"), if it answered
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime

    @property
    def replayable(self) -> bool:
        return self.status in REPLAYABLE


def _delivery(row: Any) -> Delivery:
    message, url, number = row
    return Delivery(
        message.id, message.webhook_id, url, message.event_id, message.template, number, message.status,
        message.attempts, message.provider_status, message.last_error, message.created_at, message.sent_at,
        message.next_attempt_at,
    )  # fmt: skip


def _query(status: str | None) -> Select[Any]:
    query = (
        select(OutboxMessage, WebhookEndpoint.url, Order.number)
        .join(WebhookEndpoint, WebhookEndpoint.id == OutboxMessage.webhook_id)
        .outerjoin(Order, Order.id == OutboxMessage.order_id)
        .where(OutboxMessage.channel == CHANNEL)
        .order_by(OutboxMessage.id.desc())
    )
    return query if status is None else query.where(OutboxMessage.status == status)


def deliveries_page(shop: Shop, number: int = 1, status: str | None = None) -> Page[Delivery]:
    """Newest first, a page at a time; ``status`` one of ``STATUSES`` or None for all."""
    with shop.db.read() as session:
        return page_of(session, _query(status if status in STATUSES else None), number, _delivery)


def endpoints(shop: Shop) -> list[WebhookEndpoint]:
    """The endpoints not removed, oldest first."""
    with shop.db.read() as session:
        query = select(WebhookEndpoint).where(WebhookEndpoint.removed_at.is_(None)).order_by(WebhookEndpoint.id)
        return list(session.scalars(query))


def event_of(shop: Shop, delivery_id: int) -> int | None:
    with shop.db.read() as session:
        return session.scalar(
            select(Event.id)
            .join(OutboxMessage, OutboxMessage.event_id == Event.id)
            .where(OutboxMessage.id == delivery_id, OutboxMessage.channel == CHANNEL)
        )


def replay(shop: Shop, delivery_id: int) -> bool:
    """Send one delivery again with a fresh set of attempts; False if it is no delivery, or is still
    on its way (pending or being sent)."""
    if event_of(shop, delivery_id) is None:
        return False
    return store.requeue_dead(shop.db, [delivery_id], states=REPLAYABLE) == 1
