"""What a store adapter is asked to do and what it answers: plain values, no HTTP here.

An adapter never raises for the store's answer; it classifies it. ``ok``: the store did it (each
refund with the store's id for it). Not ok and ``permanent``: the store refused (a 4xx, a user
error): staff see why. Otherwise the call is tried again later (a 5xx, a timeout, a throttle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class RefundAsk:
    refund_id: int
    amount_minor: int
    reference: str  # Shiplog's idempotency reference: the same on every try
    reason: str


@dataclass(frozen=True)
class Call:
    kind: str  # refund | cancel
    store_order_id: str
    currency: str
    refunds: list[RefundAsk]
    first_try: bool  # no earlier try may have reached the store: no need to look before asking
    reason: str = ""
    order_number: str = ""


@dataclass(frozen=True)
class Answer:
    ok: bool
    confirmed: dict[int, str] = field(default_factory=dict)  # refund id -> the store's id for it
    error: str | None = None
    permanent: bool = False


def refused(error: str) -> Answer:
    return Answer(False, error=error[:500], permanent=True)


def later(error: str) -> Answer:
    return Answer(False, error=error[:500])


class StoreAdapter(Protocol):
    name: str

    def call(self, call: Call) -> Answer: ...
