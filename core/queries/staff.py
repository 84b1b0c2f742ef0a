"""Read-side queries for the staff order hub: the work queues and search, a page at a time.

Each function takes a read session and returns plain rows, so a template never triggers a lazy
load after the session has closed. The order page is ``core.queries.staff_order``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.orm import Session

from core import characters
from core.lifecycle import OrderStatus, ReturnStatus, ShipmentStatus
from core.models import Customer, Order, OrderAddress, Return, Shipment
from core.queries.paging import Page, page_of

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


def _row(found: Any) -> OrderRow:
    return OrderRow(*found)


@dataclass(frozen=True)
class Hub:
    """What the hub's home shows: every queue's count, and one page of a queue or of a search."""

    counts: dict[str, int]
    queue: str  # the queue shown ("" for a search)
    term: str  # the search ("" for a queue)
    rows: Page[OrderRow]


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


def queue(session: Session, code: str, *, page: int = 1, total: int | None = None) -> Page[OrderRow]:
    """One page of the orders in one work queue, newest first (ties by id: a stable order)."""
    return page_of(session, _queue_query(code), page, _row, total=total)


def queue_counts(session: Session) -> dict[str, int]:
    counts = {}
    for code in QUEUES:
        inner = _queue_query(code).with_only_columns(Order.id).order_by(None).subquery()
        counts[code] = session.scalar(select(func.count(distinct(inner.c.id)))) or 0
    return counts


def _search_query(text: str) -> Select[Any]:
    term = text.strip()[:200]
    number = term.lstrip("#").upper()
    like = f"%{term.lower()}%"
    by_tracking = select(Shipment.order_id).where(Shipment.tracking_number == term.upper().replace(" ", ""))
    by_ship_name = select(OrderAddress.order_id).where(func.lower(OrderAddress.name).like(like))
    return _base().where(
        or_(
            func.upper(Order.number) == number,
            func.upper(Order.number).like(f"{number}%"),
            Order.email == term.lower(),
            func.lower(Customer.name).like(like),
            Order.id.in_(by_tracking),
            Order.id.in_(by_ship_name),
        )
    )


def search(session: Session, text: str, *, page: int = 1) -> Page[OrderRow]:
    """Orders matching an order number, email, customer or shipping name, or tracking number."""
    if not text.strip():
        return Page([], 0, 1)
    return page_of(session, _search_query(text), page, _row)


def hub(session: Session, *, term: str = "", queue_code: str = "", page: int = 1) -> Hub:
    """The hub's home: a search when there is a term, else the queue (an unknown one: on hold)."""
    counts = queue_counts(session)
    if term.strip():
        return Hub(counts, "", term, search(session, term, page=page))
    code = queue_code if queue_code in QUEUES else "on_hold"
    return Hub(counts, code, "", queue(session, code, page=page, total=counts[code]))


def typed_number(typed: str) -> str | None:
    """An order number as staff type it (``#SL1``), or None for text no order number holds
    (PostgreSQL cannot even compare a NUL, so such text is never sent)."""
    return None if characters.refused(typed) else typed.strip().lstrip("#")


def order_id_for(session: Session, number: str) -> int | None:
    wanted = typed_number(number)
    return None if wanted is None else session.scalar(select(Order.id).where(Order.number == wanted))
