"""Appending to the event log: the one way any service records a fact."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import outbox
from core.clock import utcnow
from core.errors import DuplicateEvent
from core.events.catalogue import event_type
from core.models import Event, Order


@dataclass(frozen=True)
class Actor:
    """Who caused an event: customer, staff, system, carrier or integration."""

    type: str
    id: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls("system")


SYSTEM = Actor.system()


def ensure_new(session: Session, idempotency_key: str | None) -> None:
    """Refuse an external event that is already in the log (checked before any write)."""
    if idempotency_key is None:
        return
    found = session.scalar(select(Event.id).where(Event.idempotency_key == idempotency_key))
    if found is not None:
        raise DuplicateEvent(f"event {idempotency_key!r} was already recorded as #{found}")


def append_event(
    session: Session,
    code: str,
    *,
    order: Order | None,
    actor: Actor,
    payload: dict[str, Any] | None = None,
    transitions: dict[str, tuple[str, str]] | None = None,
    shipment_id: int | None = None,
    return_id: int | None = None,
    variant_id: int | None = None,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
    notify: bool = True,
) -> Event:
    """Insert one event row, bump the order's version and plan its notifications.

    ``transitions`` maps an aggregate name to the (from, to) status change this event
    made; replay re-applies exactly these.
    """
    kind = event_type(code)
    now = utcnow()
    body = dict(payload or {})
    if transitions:
        body["transitions"] = {name: list(change) for name, change in transitions.items()}
    event = Event(
        type=code,
        order_id=order.id if order is not None else None,
        shipment_id=shipment_id,
        return_id=return_id,
        variant_id=variant_id,
        occurred_at=occurred_at or now,
        recorded_at=now,
        actor_type=actor.type,
        actor_id=actor.id,
        visibility=kind.visibility.value,
        payload=body,
        idempotency_key=idempotency_key or f"{code}:{uuid.uuid4().hex}",
        notify=notify,
    )
    session.add(event)
    if order is not None:
        order.version += 1
        order.last_event_at = now
    session.flush()
    if order is not None and notify:
        outbox.plan_notifications(session, event, order)
    return event
