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
    FAILED = "failed"  # the processor refused to take it (declined); see Payment.failure
    EXPIRED = "expired"  # the authorisation lapsed before it was captured (the processor cancelled it)


class RefundStatus(StrEnum):
    PENDING = "pending"  # the processor accepted it; the money is not back yet
    SUCCEEDED = "succeeded"  # the processor confirmed it: only now is it done
    FAILED = "failed"  # the processor refused it (see Refund.failure): nothing was given back


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
    _P.AUTHORIZED: frozenset({_P.CAPTURED, _P.VOIDED, _P.FAILED, _P.EXPIRED}),
    _P.CAPTURED: frozenset(),
    _P.VOIDED: frozenset(),
    _P.FAILED: frozenset(),
    _P.EXPIRED: frozenset(),
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
# A refund is born as the processor answered: pending, done at once, or refused at once.
BORN_STATUSES: dict[str, frozenset[str]] = {"refund": frozenset(_F)}

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


def may_be_born(aggregate: str, status: str) -> bool:
    """Whether a new ``aggregate`` may start in ``status`` (its initial one, or one it is born in)."""
    return status == INITIAL_STATUS[aggregate] or status in BORN_STATUSES.get(aggregate, frozenset())


def initial(aggregate: str, born: str | None = None) -> str:
    """The status a new entity is created in (its creation event then records ``Move.new``):
    its initial one, or ``born`` where its table lets it start there (a refund the processor
    confirmed or refused at once)."""
    if born is None:
        return str(INITIAL_STATUS[aggregate])
    if not may_be_born(aggregate, born):
        raise IllegalTransition(f"A new {aggregate} cannot start as {_words(born)}.")
    return born


@dataclass(slots=True)  # never changed once made; not frozen for speed, as ``core.events.fact.Act``
class Move:
    """``entity`` (an ``aggregate``) goes to ``target``."""

    aggregate: str
    entity: HasStatus
    target: str
    born: bool = False  # created in its initial status just now: the move is from nothing

    @classmethod
    def new(cls, aggregate: str, entity: HasStatus) -> Move:
        """Born in its initial status, or in the one it was made in where its table allows that."""
        made = entity.status if may_be_born(aggregate, entity.status) else initial(aggregate)
        return cls(aggregate, entity, made, born=True)


def _check(move: Move) -> str:
    if not move.born:
        check_transition(move.aggregate, move.entity.status, move.target)
        return move.entity.status
    if move.entity.status != move.target or not may_be_born(move.aggregate, move.target):
        raise IllegalTransition(f"A new {move.aggregate} starts as {_words(initial(move.aggregate))}.")
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
