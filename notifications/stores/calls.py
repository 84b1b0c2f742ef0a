"""What a store adapter is asked to do and what it answers: plain values, no HTTP here.

An adapter never raises for the store's answer; it classifies it. ``ok``: the store did it (each
refund with the store's id for it). Not ok and ``permanent``: the store refused (a 4xx, a user
error): staff see why. Otherwise the call is tried again later (a 5xx, a timeout, a throttle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests


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


class Refused(Exception):
    """The store said no (a 4xx, a user error): asking again will not help."""


class Later(Exception):
    """A 5xx, a throttle (429) or no answer in time: ask again later."""


def answered(store: str, asked: Callable[[], requests.Response]) -> Any:
    """One request to a store (``asked`` makes it), its JSON answer; what its status means is decided here
    for every store."""
    try:
        answer = asked()
    except (requests.RequestException, OSError) as error:
        raise Later(f"{store} did not answer: {error!r}") from None
    if answer.status_code >= 500 or answer.status_code == 429:
        raise Later(f"{store} HTTP {answer.status_code}")
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code >= 400:
        said = body.get("message") or body.get("errors") if isinstance(body, dict) else answer.text[:200]
        raise Refused(f"{store} HTTP {answer.status_code}: {said}")
    if body is None:
        raise Later(f"{store} answered {answer.status_code} without JSON")
    return body
