"""Outbound webhooks, planned in the event's own transaction like the customer's messages.

Every event is delivered to each live endpoint subscribed to its type (or to every type, ``*``): one
outbox row of channel ``webhook`` per (event, endpoint), which the notification dispatcher delivers
with the same claims, retries, backoff and dead letters as an email. That includes events about no
order (stock received, adjusted or low, the daily digest, products, the shop's settings): their rows
name no order (``outbox.order_id`` is NULL). Unlike a customer's message a delivery is not news
filtered for a person: staff's "don't notify", stale updates and late carrier scans are all still
facts a shop's other systems keep, so only imported history (``backfill``) is left out. Every row is
``order``-level: the receiver is the shop's own system, which reads what an API key reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import OutboxMessage, WebhookEndpoint

CHANNEL = "webhook"
EVERY = "*"  # an endpoint subscribed to every event type
LEVEL = "order"  # a shop's own system reads the whole order, as an API key does


class Endpoint(NamedTuple):
    id: int
    event_types: frozenset[str]

    def hears(self, code: str) -> bool:
        return code in self.event_types or EVERY in self.event_types


class Recorded(Protocol):
    """An event as planning reads it (an ``Event`` row)."""

    id: int
    type: str
    order_id: int | None
    recorded_at: Any
    payload: dict[str, Any]


def live_endpoints(session: Session) -> list[Endpoint]:
    """The endpoints not removed (a few per shop: read once per transaction that records events)."""
    rows = session.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(WebhookEndpoint.removed_at.is_(None))
    )
    return [Endpoint(ident, frozenset(types or ())) for ident, types in rows]


def recipient(endpoint_id: int) -> str:
    """The outbox row's recipient: one delivery per event and endpoint (its unique key)."""
    return f"{CHANNEL}:{endpoint_id}"


def deliveries(event: Recorded, endpoints: Iterable[Endpoint]) -> list[dict[str, Any]]:
    """The outbox rows (``OutboxMessage`` columns) delivering ``event`` to the endpoints that hear it."""
    if (event.payload or {}).get("backfill"):
        return []
    common = {"event_id": event.id, "order_id": event.order_id, "channel": CHANNEL, "template": event.type}
    timing = {"next_attempt_at": event.recorded_at, "created_at": event.recorded_at}
    state = {"level": LEVEL, "status": "pending", "attempts": 0}
    return [
        common | timing | state | {"webhook_id": endpoint.id, "recipient": recipient(endpoint.id)}
        for endpoint in endpoints
        if endpoint.hears(event.type)
    ]


def plan_in_session(session: Session, event: Recorded, endpoints: Iterable[Endpoint]) -> None:
    """Add ``event``'s webhook deliveries to the session."""
    session.add_all(OutboxMessage(**fields) for fields in deliveries(event, endpoints))
