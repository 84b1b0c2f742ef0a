"""Statuses and the transition tables of every aggregate, in one place.

``set_status`` is the only function in Shiplog that assigns a status. Each table
maps a status to the statuses it may move to; anything else is refused with a
readable ``IllegalTransition``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from core.errors import IllegalTransition


class OrderStatus(StrEnum):
    PLACED = "placed"  # captured and validated, payment authorised
    ON_HOLD = "on_hold"  # waiting for staff review (see Order.hold_reason)
    RELEASED = "released"  # staff cleared the hold; payment not yet captured
    CONFIRMED = "confirmed"  # payment captured
    PROCESSING = "processing"  # picking and packing started
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"
    CLOSED = "closed"  # return window over, nothing open
    CANCELLED = "cancelled"


class ShipmentStatus(StrEnum):
    LABEL_CREATED = "label_created"  # picked and packed, waiting for the carrier
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    EXCEPTION = "exception"  # see Shipment.exception_reason
    CANCELLED = "cancelled"


class ExceptionReason(StrEnum):
    DELAY = "delay"
    CUSTOMS = "customs"
    FAILED_ATTEMPT = "failed_attempt"
    DAMAGED = "damaged"
    LOST = "lost"
    RETURNED_TO_SENDER = "returned_to_sender"


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_TRANSIT = "in_transit"  # the parcel is on its way back to us
    RECEIVED = "received"
    REFUNDED = "refunded"
    EXCHANGED = "exchanged"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # by the customer, before the parcel ships back


_O, _S, _R = OrderStatus, ShipmentStatus, ReturnStatus

ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    _O.PLACED: frozenset({_O.ON_HOLD, _O.CONFIRMED, _O.CANCELLED}),
    _O.ON_HOLD: frozenset({_O.RELEASED, _O.CANCELLED}),
    _O.RELEASED: frozenset({_O.CONFIRMED, _O.ON_HOLD, _O.CANCELLED}),
    _O.CONFIRMED: frozenset({_O.PROCESSING, _O.PARTIALLY_SHIPPED, _O.SHIPPED, _O.ON_HOLD, _O.CANCELLED}),
    _O.PROCESSING: frozenset({_O.PARTIALLY_SHIPPED, _O.SHIPPED, _O.CANCELLED}),
    _O.PARTIALLY_SHIPPED: frozenset({_O.SHIPPED, _O.PARTIALLY_DELIVERED}),
    _O.SHIPPED: frozenset({_O.PARTIALLY_DELIVERED, _O.DELIVERED}),
    _O.PARTIALLY_DELIVERED: frozenset({_O.DELIVERED}),
    _O.DELIVERED: frozenset({_O.CLOSED}),
    _O.CLOSED: frozenset(),
    _O.CANCELLED: frozenset(),
}

_MOVING = {_S.IN_TRANSIT, _S.OUT_FOR_DELIVERY, _S.AVAILABLE_FOR_PICKUP, _S.DELIVERED, _S.EXCEPTION}
SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.LABEL_CREATED: frozenset({_S.IN_TRANSIT, _S.EXCEPTION, _S.CANCELLED}),
    _S.IN_TRANSIT: frozenset(_MOVING - {_S.IN_TRANSIT}),
    _S.OUT_FOR_DELIVERY: frozenset(_MOVING - {_S.OUT_FOR_DELIVERY}),
    _S.AVAILABLE_FOR_PICKUP: frozenset({_S.DELIVERED, _S.EXCEPTION, _S.IN_TRANSIT}),
    # An exception recovers into any moving status, or changes its sub-reason.
    _S.EXCEPTION: frozenset(_MOVING),
    _S.DELIVERED: frozenset(),
    _S.CANCELLED: frozenset(),
}

RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    _R.REQUESTED: frozenset({_R.APPROVED, _R.REJECTED, _R.CANCELLED}),
    _R.APPROVED: frozenset({_R.IN_TRANSIT, _R.RECEIVED, _R.CANCELLED}),
    _R.REJECTED: frozenset(),
    _R.IN_TRANSIT: frozenset({_R.RECEIVED}),
    _R.RECEIVED: frozenset({_R.REFUNDED, _R.EXCHANGED}),
    _R.REFUNDED: frozenset({_R.CLOSED}),
    _R.EXCHANGED: frozenset({_R.CLOSED}),
    _R.CLOSED: frozenset(),
    _R.CANCELLED: frozenset(),
}

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "order": ORDER_TRANSITIONS,
    "shipment": SHIPMENT_TRANSITIONS,
    "return": RETURN_TRANSITIONS,
}

INITIAL_STATUS = {"order": _O.PLACED, "shipment": _S.LABEL_CREATED, "return": _R.REQUESTED}

ORDER_SHIPPED_STATUSES = frozenset({_O.PARTIALLY_SHIPPED, _O.SHIPPED, _O.PARTIALLY_DELIVERED, _O.DELIVERED, _O.CLOSED})
RETURN_OPEN_STATUSES = frozenset({_R.REQUESTED, _R.APPROVED, _R.IN_TRANSIT, _R.RECEIVED})
RETURN_VOID_STATUSES = frozenset({_R.REJECTED, _R.CANCELLED})


class HasStatus(Protocol):
    status: str


def can_transition(aggregate: str, current: str, target: str) -> bool:
    return target in TRANSITIONS[aggregate].get(current, frozenset())


def _words(status: str) -> str:
    return status.replace("_", " ")


def check_transition(aggregate: str, current: str, target: str) -> None:
    """Refuse a move the table does not allow, saying where the entity can go instead."""
    if aggregate not in TRANSITIONS:
        raise IllegalTransition(f"There is no lifecycle for {aggregate!r}.")
    if can_transition(aggregate, current, target):
        return
    allowed = sorted(TRANSITIONS[aggregate].get(current, ()))
    article = "An" if aggregate[0] in "aeiou" else "A"
    now = _words(current) or "not yet created"
    refusal = f"{article} {aggregate} that is {now} cannot become {_words(target)}."
    if not allowed:
        raise IllegalTransition(f"{refusal} It is {now}, which is final.", field="status")
    options = ", ".join(_words(s) for s in allowed)
    raise IllegalTransition(f"{refusal} From {now} it can only become: {options}.", field="status")


def set_status(aggregate: str, entity: HasStatus, target: str) -> tuple[str, str]:
    """Move ``entity`` to ``target`` if the table allows it; returns (from, to)."""
    current = entity.status
    check_transition(aggregate, current, target)
    entity.status = target
    return current, target
