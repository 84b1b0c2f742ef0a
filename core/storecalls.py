"""Calls to a store (Shopify, WooCommerce), planned as outbox rows in the same transaction as the event
that asks for them, and delivered, retried and dead-lettered by the same worker as the notifications.

``STORE_CALLS`` is the one table from an event type to the call it asks of the store: a refund made in
Shiplog on a store's payment (``refund.pending``), a store's order cancelled in Shiplog
(``order.cancelled``). An event asks only when its payload names the ``store`` (set by the domain rule:
a refund or cancellation the store itself reported asks nothing back). Staff's "don't notify" silences
the customer, never the store: calls are planned whatever the act's ``notify``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.models import Event, OutboxMessage

CHANNEL = "store"  # outbox rows of this channel are calls, not messages: ``recipient`` names the store
STORE_CALLS: dict[str, str] = {"refund.pending": "refund", "order.cancelled": "cancel"}


def plan(event: Event) -> dict[str, Any] | None:
    """The outbox row's columns of the call ``event`` asks for, or None."""
    call, store = STORE_CALLS.get(event.type), (event.payload or {}).get("store")
    if call is None or not store or event.order_id is None:
        return None
    return {
        "event_id": event.id,
        "order_id": event.order_id,
        "subscription_id": None,
        "channel": CHANNEL,
        "recipient": store,
        "template": call,
        "level": "order",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": event.recorded_at,
        "created_at": event.recorded_at,
    }


def plan_in_session(session: Session, event: Event) -> None:
    fields = plan(event)
    if fields is not None:
        session.add(OutboxMessage(**fields))
