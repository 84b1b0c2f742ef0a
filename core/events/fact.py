"""The vocabulary of recording: a fact (what happened, to which aggregates), an act (who, when, and
whether the customer hears of it), and the log that takes both.

A ``Fact`` is made by one of the typed constructors (``core.events.orders``, ``shipments``,
``returns``); ``core.lifecycle.record`` is the one step that moves statuses and appends it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

Transitions = dict[str, list[str]]  # aggregate -> [from, to], as replay reads them back

# Acts and facts are never changed once made, but are not frozen: a batch of carrier scans
# makes thousands, and a frozen dataclass takes three times as long to make ("Speed notes from
# core" in bench/README.md).


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused an event: customer, staff, system, carrier or integration.

    A staff member's ``role`` is what ``core.permissions`` checks; the event row keeps type and id.
    """

    type: str
    id: str | None = None
    role: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls("system")


SYSTEM = Actor("system")
CUSTOMER = Actor("customer")
CARRIER = Actor("carrier")


@dataclass(slots=True)
class Act:
    """One action's circumstances, shared by every event it records."""

    actor: Actor
    at: datetime  # when it happened at the source (the event's occurred_at)
    notify: bool = True  # False when staff chose "don't notify"
    recorded_at: datetime | None = None  # None: the log's own clock (the demo seed sets its own)

    def happened(self, at: datetime) -> Act:
        return replace(self, at=at)

    def quietly(self) -> Act:
        return replace(self, notify=False)


@dataclass(slots=True)
class Fact:
    """An event not yet in the log: its code, payload and the aggregates it is about."""

    code: str
    payload: dict[str, Any]
    order_id: int | None = None
    shipment_id: int | None = None
    return_id: int | None = None
    variant_id: int | None = None
    payment_id: int | None = None
    key: str | None = None  # the source's own id for it (a carrier event, a store order): never recorded twice


class EventLog(Protocol):
    """Where facts go: the database in a service, a batch of rows in bulk paths and the demo seed."""

    def append(self, fact: Fact, act: Act, transitions: Transitions | None) -> None: ...
