"""The payment gateway adapter, and the local fake gateway used by the demo and tests."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.errors import PaymentDeclined

# Test cards, as the big gateways publish them.
DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"


@dataclass(frozen=True)
class Authorization:
    reference: str
    card_last4: str | None
    gateway: str = "card"  # what the payment row records as its gateway
    # The same card gives the same fingerprint (Stripe: ``payment_method.card.fingerprint``): the risk
    # scorer counts orders per card with it, and no card number is kept.
    fingerprint: str | None = None


@dataclass(frozen=True)
class StoreTransaction:
    """One money movement a store reports on an order's payment (Shopify's ``order_transactions/create``)."""

    store: str
    transaction_id: str  # the store's id: the same transaction is recorded once
    kind: str  # authorization | capture | sale | void | refund
    status: str  # success | pending | failure | error
    amount_minor: int
    gateway: str = ""
    parent_id: str = ""
    occurred_at: datetime | None = None

    @property
    def took_money(self) -> bool:
        """The store now holds the customer's money (or an authorisation for it): the order is paid."""
        return self.status == "success" and self.kind in {"authorization", "capture", "sale"}


@dataclass(frozen=True)
class Refunded:
    """The processor's answer to a refund: done, or accepted and still on its way (``pending``)."""

    reference: str
    status: str = "succeeded"  # succeeded | pending


class PaymentGateway(Protocol):
    """Every call carries ``key``, an idempotency key derived from the Shiplog operation
    (``core.domain.payments``): the same operation tried again sends the same key."""

    name: str

    def authorize(self, amount_minor: int, currency: str, card: str, *, key: str) -> Authorization: ...
    def capture(self, reference: str, amount_minor: int, *, key: str) -> None: ...
    def void(self, reference: str, *, key: str) -> None: ...
    def refund(self, reference: str, amount_minor: int, *, key: str) -> Refunded: ...


class FakeGateway:
    """Approves every card but the published decline test cards; remembers what it did."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self.keys: list[str] = []

    def authorize(self, amount_minor: int, currency: str, card: str, *, key: str) -> Authorization:
        digits = "".join(ch for ch in card if ch.isdigit())
        if digits == DECLINED_CARD:
            raise PaymentDeclined("Your card was declined. Please use another card.", field="card")
        if digits == INSUFFICIENT_FUNDS_CARD:
            raise PaymentDeclined("Your card has insufficient funds.", field="card")
        reference = f"fake_auth_{uuid.uuid4().hex[:16]}"
        self._called("authorize", reference, amount_minor, key)
        fingerprint = hashlib.sha256(f"fake-card:{digits}".encode()).hexdigest()[:32]
        return Authorization(reference, digits[-4:] or None, fingerprint=fingerprint)

    def capture(self, reference: str, amount_minor: int, *, key: str) -> None:
        self._called("capture", reference, amount_minor, key)

    def void(self, reference: str, *, key: str) -> None:
        self._called("void", reference, 0, key)

    def refund(self, reference: str, amount_minor: int, *, key: str) -> Refunded:
        self._called("refund", reference, amount_minor, key)
        return Refunded(f"fake_refund_{uuid.uuid4().hex[:16]}")

    def _called(self, what: str, reference: str, amount_minor: int, key: str) -> None:
        self.calls.append((what, reference, amount_minor))
        self.keys.append(key)
