"""What a domain rule may do besides changing the aggregates it was handed: make new rows,
append facts, move stock and ask the payment gateway.

A service's unit works on the database inside one transaction (``core.services.unit``);
the demo seed's works in memory and writes rows in bulk (``core.seed.unit``). Both run the
same rules (``core.domain``), so the seed's history is the services' history.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from core.events.fact import Act, Fact, Transitions
from core.payments import Refunded
from core.policies import PaymentPolicy

T = TypeVar("T")


class Stock(Protocol):
    def reserve(self, variant_id: int, quantity: int) -> None:
        """Hold ``quantity`` for an order, or raise ``OutOfStock``."""

    def release(self, variant_id: int, quantity: int) -> None:
        """Give back a reservation (a cancelled order or exchange)."""

    def consume(self, variant_id: int, quantity: int) -> None:
        """The reserved units left the building."""

    def restock(self, variant_id: int, quantity: int) -> None:
        """Returned units are back on the shelf."""


class Gateway(Protocol):
    """The payment gateway's moves on an authorisation already taken (``core.payments``), each
    with the idempotency key of the operation."""

    def capture(self, reference: str, amount_minor: int, *, key: str) -> None: ...
    def void(self, reference: str, *, key: str) -> None: ...
    def refund(self, reference: str, amount_minor: int, *, key: str) -> Refunded: ...


class Unit(Protocol):
    stock: Stock
    gateway: Gateway
    payment_policy: PaymentPolicy  # when an authorisation is captured

    def create(self, model: type[T], **columns: Any) -> T:
        """A new row of ``model``, numbered (its ``id`` is set) and in its parent's collection."""
        ...

    def create_all(self, model: type[T], rows: list[dict[str, Any]]) -> list[T]:
        """Several new rows of ``model`` at once, as ``create``."""
        ...

    def append(self, fact: Fact, act: Act, transitions: Transitions | None) -> None: ...
