"""The event log of a service's transaction: each fact becomes a row (``rows``), bumps its
order's version and plans its notifications (``core.outbox``: the customer's, or staff's for an
event about no order), its webhook deliveries and its calls to a store, all in the same transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import outbox, storecalls
from core.clock import utcnow
from core.errors import DuplicateEvent
from core.events import rows
from core.events.fact import Act, Fact, Transitions
from core.models import Event, Order
from core.outbox import staff, webhooks


def ensure_new(session: Session, idempotency_key: str | None) -> None:
    """Refuse an external event that is already in the log (checked before any write)."""
    if idempotency_key is None:
        return
    found = session.scalar(select(Event.id).where(Event.idempotency_key == idempotency_key))
    if found is not None:
        raise DuplicateEvent(f"event {idempotency_key!r} was already recorded as #{found}")


class SessionLog:
    """``core.events.fact.EventLog`` over an ORM session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows = rows.Rows()
        self._endpoints: list[webhooks.Endpoint] | None = None  # read on the first event

    def append(self, fact: Fact, act: Act, transitions: Transitions | None) -> Event:
        now = utcnow()
        event = rows.as_model(self._rows.row(fact, act, transitions, now))
        self.session.add(event)
        order = None if fact.order_id is None else self.session.get_one(Order, fact.order_id)
        if order is not None:
            # Read-side caches key on (id, version).
            order.version += 1
            order.last_event_at = now
        self.session.flush()
        if order is not None and act.notify:
            outbox.plan_in_session(self.session, event, order)
        elif order is None and act.notify:
            staff.plan_in_session(self.session, event)
        webhooks.plan_in_session(self.session, event, self.endpoints())
        storecalls.plan_in_session(self.session, event)
        return event

    def endpoints(self) -> list[webhooks.Endpoint]:
        """The live webhook endpoints, read once per transaction."""
        if self._endpoints is None:
            self._endpoints = webhooks.live_endpoints(self.session)
        return self._endpoints
