"""Statuses and the transition tables of every aggregate, in one place.

``record`` is the only function in Shiplog that assigns a status: it checks each move
against its table, assigns it and appends the event that made it, in one step. Each
table maps a status to the statuses it may move to; anything else is refused with a
readable ``IllegalTransition``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.errors import IllegalTransition
from core.events.fact import Act, EventLog, Fact, Transitions


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


class PaymentStatus(StrEnum):
    AUTHORIZED = "authorized"  # the gateway holds the amount on the card (or the store says it is paid)
    CAPTURED = "captured"  # taken; refunds are counted in Payment.refunded_minor
    VOIDED = "voided"  # the authorisation was given back


class RefundStatus(StrEnum):
    PENDING = "pending"  # asked of the store (Shopify, WooCommerce) through the outbox; not yet confirmed
    SUCCEEDED = "succeeded"  # the gateway or the store gave the money back
    FAILED = "failed"  # the store refused it (see Refund.failure); the amount is refundable again


_O, _S, _R, _P, _F = OrderStatus, ShipmentStatus, ReturnStatus, PaymentStatus, RefundStatus

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

PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    _P.AUTHORIZED: frozenset({_P.CAPTURED, _P.VOIDED}),
    _P.CAPTURED: frozenset(),
    _P.VOIDED: frozenset(),
}

REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    _F.PENDING: frozenset({_F.SUCCEEDED, _F.FAILED}),
    _F.SUCCEEDED: frozenset(),
    _F.FAILED: frozenset(),
}

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "order": ORDER_TRANSITIONS,
    "shipment": SHIPMENT_TRANSITIONS,
    "return": RETURN_TRANSITIONS,
    "payment": PAYMENT_TRANSITIONS,
    "refund": REFUND_TRANSITIONS,
}

INITIAL_STATUS = {
    "order": _O.PLACED,
    "shipment": _S.LABEL_CREATED,
    "return": _R.REQUESTED,
    "payment": _P.AUTHORIZED,
    "refund": _F.PENDING,
}

# What a new entity may be created in: its initial status, and for a refund also ``succeeded``, since a
# gateway refunds at once (only a store's refund waits, pending, for the store to confirm it).
BORN_AS: dict[str, frozenset[str]] = {name: frozenset({str(status)}) for name, status in INITIAL_STATUS.items()}
BORN_AS["refund"] = frozenset({_F.PENDING, _F.SUCCEEDED})

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


def initial(aggregate: str) -> str:
    """The status a new entity is created in (its creation event then records ``Move.born``)."""
    return str(INITIAL_STATUS[aggregate])


@dataclass(slots=True)  # never changed once made; not frozen for speed, as ``core.events.fact.Act``
class Move:
    """``entity`` (an ``aggregate``) goes to ``target``."""

    aggregate: str
    entity: HasStatus
    target: str
    born: bool = False  # created in its initial status just now: the move is from nothing

    @classmethod
    def new(cls, aggregate: str, entity: HasStatus, status: str | None = None) -> Move:
        """Created just now, in ``status`` (one of ``BORN_AS``; its initial status unless told)."""
        return cls(aggregate, entity, status or initial(aggregate), born=True)


def _check(move: Move) -> str:
    if not move.born:
        check_transition(move.aggregate, move.entity.status, move.target)
        return move.entity.status
    if move.entity.status != move.target:
        raise IllegalTransition(f"A new {move.aggregate} starts as {_words(move.target)}.")
    if move.target not in BORN_AS[move.aggregate]:
        raise IllegalTransition(f"A new {move.aggregate} cannot start as {_words(move.target)}.")
    return ""


def record(log: EventLog, act: Act, fact: Fact, *moves: Move) -> None:
    """Append ``fact`` to ``log`` with the status moves it made: every move is checked before
    any is assigned, so a refused one changes nothing; replay re-applies exactly these."""
    if not moves:
        log.append(fact, act, None)
        return
    changes: Transitions = {move.aggregate: [_check(move), str(move.target)] for move in moves}
    for move in moves:
        move.entity.status = str(move.target)
    log.append(fact, act, changes)
