"""Read-side queries for the staff order hub: search, the work queues and the order page.

Each function takes a read session and returns plain rows or fully loaded objects, so a
template never triggers a lazy load after the session has closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.orm import Session

from core import characters
from core.domain.payments import given_back_on_cancel
from core.events.catalogue import EVENT_TYPES, HOLD_REASON_TEXT, describe
from core.lifecycle import OrderStatus, ReturnStatus, ShipmentStatus
from core.models import Customer, Event, Order, OrderAddress, OutboxMessage, Refund, Return, Shipment
from core.permissions import Permission, cancel_needs

_O, _S, _R = OrderStatus, ShipmentStatus, ReturnStatus
MOVING = (_S.IN_TRANSIT, _S.OUT_FOR_DELIVERY, _S.AVAILABLE_FOR_PICKUP)


@dataclass(frozen=True)
class Queue:
    code: str
    title: str
    hint: str  # what staff are expected to do with it


QUEUES: dict[str, Queue] = {
    q.code: q
    for q in (
        Queue("new", "New", "Paid and waiting to be picked"),
        Queue("on_hold", "On hold / needs review", "Check the reason, then release or cancel"),
        Queue("ready_to_ship", "Ready to ship", "Packing started or partly shipped"),
        Queue("in_transit", "In transit", "With the carrier"),
        Queue("exceptions", "Exceptions", "The carrier reported a problem"),
        Queue("returns", "Returns", "Awaiting approval or receipt"),
    )
}


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    name: str
    email: str
    status: str
    placed_at: datetime
    total_minor: int
    currency: str
    reason: str  # hold reason, exception reason or return status, depending on the queue


def _rows(session: Session, query: Select[Any]) -> list[OrderRow]:
    return [OrderRow(*row) for row in session.execute(query)]


def _base(reason: Any = None) -> Select[Any]:
    return (
        select(
            Order.id,
            Order.number,
            Customer.name,
            Order.email,
            Order.status,
            Order.placed_at,
            Order.total_minor,
            Order.currency,
            func.coalesce(reason if reason is not None else Order.hold_reason, ""),
        )
        .join(Customer, Customer.id == Order.customer_id)
        .order_by(Order.placed_at.desc(), Order.id.desc())
    )


def _queue_query(code: str) -> Select[Any]:
    if code == "new":
        return _base().where(Order.status.in_([_O.PLACED, _O.CONFIRMED, _O.RELEASED]))
    if code == "on_hold":
        return _base().where(Order.status == _O.ON_HOLD)
    if code == "ready_to_ship":
        return _base().where(Order.status.in_([_O.PROCESSING, _O.PARTIALLY_SHIPPED]))
    if code == "in_transit":
        moving = select(Shipment.order_id).where(Shipment.status.in_(MOVING))
        return (
            _base(func.max(Shipment.status))
            .join(Shipment, Shipment.order_id == Order.id)
            .where(Shipment.status.in_(MOVING), Order.id.in_(moving))
            .group_by(Order.id, Customer.name)
        )
    if code == "exceptions":
        return (
            _base(func.max(Shipment.exception_reason))
            .join(Shipment, Shipment.order_id == Order.id)
            .where(Shipment.status == _S.EXCEPTION)
            .group_by(Order.id, Customer.name)
        )
    if code == "returns":
        waiting = [_R.REQUESTED, _R.APPROVED, _R.IN_TRANSIT]
        return (
            _base(func.max(Return.status))
            .join(Return, Return.order_id == Order.id)
            .where(Return.status.in_(waiting))
            .group_by(Order.id, Customer.name)
        )
    raise KeyError(code)


def queue(session: Session, code: str, *, limit: int = 50, offset: int = 0) -> list[OrderRow]:
    """The orders in one work queue, newest first."""
    return _rows(session, _queue_query(code).limit(limit).offset(offset))


def queue_counts(session: Session) -> dict[str, int]:
    counts = {}
    for code in QUEUES:
        inner = _queue_query(code).with_only_columns(Order.id).order_by(None).subquery()
        counts[code] = session.scalar(select(func.count(distinct(inner.c.id)))) or 0
    return counts


def search(session: Session, text: str, *, limit: int = 50) -> list[OrderRow]:
    """Orders matching an order number, email, customer or shipping name, or tracking number."""
    term = text.strip()[:200]
    if not term:
        return []
    number = term.lstrip("#").upper()
    like = f"%{term.lower()}%"
    by_tracking = select(Shipment.order_id).where(Shipment.tracking_number == term.upper().replace(" ", ""))
    by_ship_name = select(OrderAddress.order_id).where(func.lower(OrderAddress.name).like(like))
    query = _base().where(
        or_(
            func.upper(Order.number) == number,
            func.upper(Order.number).like(f"{number}%"),
            Order.email == term.lower(),
            func.lower(Customer.name).like(like),
            Order.id.in_(by_tracking),
            Order.id.in_(by_ship_name),
        )
    )
    return _rows(session, query.limit(limit))


@dataclass(frozen=True)
class TimelineItem:
    id: int
    code: str
    text: str
    visibility: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    shipment_id: int | None
    return_id: int | None
    notified: bool
    detail: str


@dataclass
class StaffOrder:
    order: Order
    customer: Customer
    shipments: list[Shipment]
    returns: list[Return]
    refunds: list[Refund]
    timeline: list[TimelineItem]
    notifications: dict[int, list[tuple[str, str, str]]] = field(
        default_factory=dict
    )  # event id -> (channel, to, status)

    @property
    def hold_text(self) -> str:
        reason = self.order.hold_reason or ""
        return HOLD_REASON_TEXT.get(reason, reason.replace("_", " "))

    @property
    def refundable_minor(self) -> int:
        return sum(p.captured_minor - p.refunded_minor for p in self.order.payments)

    @property
    def given_back_on_cancel(self) -> int:
        """What cancelling now would refund (0: an authorisation is voided, or nothing was paid)."""
        return given_back_on_cancel(self.order)

    @property
    def cancel_needs(self) -> tuple[Permission, ...]:
        return cancel_needs(self.given_back_on_cancel)


def _detail(code: str, payload: dict[str, Any]) -> str:
    """Staff read why money moved and what the customer was told (the customer reads only the latter)."""
    if code in {"order.cancelled", "refund.issued", "payment.voided"}:
        told = payload.get("customer_message")
        return f"Internal reason: {payload.get('reason') or '—'}" + (f" · Told the customer: {told}" if told else "")
    return str(payload.get("message") or payload.get("next_step") or payload.get("location") or "")


def _timeline_item(event: Event) -> TimelineItem:
    payload = event.payload or {}
    detail = _detail(event.type, payload)
    return TimelineItem(
        id=event.id,
        code=event.type,
        text=describe(event.type, payload) if event.type in EVENT_TYPES else event.type,
        visibility=event.visibility,
        actor=f"{event.actor_type}{':' + event.actor_id if event.actor_id else ''}",
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        shipment_id=event.shipment_id,
        return_id=event.return_id,
        notified=event.notify,
        detail=detail[:300],
    )


def _number(typed: str) -> str | None:
    """An order number as staff type it (``#SL1``), or None for text no order number holds
    (PostgreSQL cannot even compare a NUL, so such text is never sent)."""
    return None if characters.refused(typed) else typed.strip().lstrip("#")


def order_id_for(session: Session, number: str) -> int | None:
    wanted = _number(number)
    return None if wanted is None else session.scalar(select(Order.id).where(Order.number == wanted))


def staff_order(session: Session, number: str) -> StaffOrder | None:
    """Everything staff see on the order page, including internal events."""
    wanted = _number(number)
    order = None if wanted is None else session.scalar(select(Order).where(Order.number == wanted))
    if order is None:
        return None
    events = list(session.scalars(select(Event).where(Event.order_id == order.id).order_by(Event.id)))
    sent: dict[int, list[tuple[str, str, str]]] = {}
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order.id)):
        sent.setdefault(message.event_id, []).append((message.channel, message.recipient, message.status))
    return StaffOrder(
        order=order,
        customer=session.get_one(Customer, order.customer_id),
        shipments=list(session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id))),
        returns=list(session.scalars(select(Return).where(Return.order_id == order.id).order_by(Return.id))),
        refunds=list(session.scalars(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id))),
        timeline=[_timeline_item(e) for e in events],
        notifications=sent,
    )
