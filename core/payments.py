"""The payment gateway adapter, and the local fake gateway used by the demo and tests."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Protocol

from core.errors import PaymentDeclined

# Test cards, as the big gateways publish them.
DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"


@dataclass(frozen=True)
class Authorization:
    reference: str
    card_last4: str | None
    # The same card gives the same fingerprint (Stripe: ``payment_method.card.fingerprint``): the risk
    # scorer counts orders per card with it, and no card number is kept.
    fingerprint: str | None = None


class PaymentGateway(Protocol):
    name: str

    def authorize(self, amount_minor: int, currency: str, card: str) -> Authorization: ...
    def capture(self, reference: str, amount_minor: int) -> None: ...
    def void(self, reference: str) -> None: ...
    def refund(self, reference: str, amount_minor: int) -> str: ...


class FakeGateway:
    """Approves every card but the published decline test cards; remembers what it did."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []

    def authorize(self, amount_minor: int, currency: str, card: str) -> Authorization:
        digits = "".join(ch for ch in card if ch.isdigit())
        if digits == DECLINED_CARD:
            raise PaymentDeclined("Your card was declined. Please use another card.", field="card")
        if digits == INSUFFICIENT_FUNDS_CARD:
            raise PaymentDeclined("Your card has insufficient funds.", field="card")
        reference = f"fake_auth_{uuid.uuid4().hex[:16]}"
        self.calls.append(("authorize", reference, amount_minor))
        fingerprint = hashlib.sha256(f"fake-card:{digits}".encode()).hexdigest()[:32]
        return Authorization(reference, digits[-4:] or None, fingerprint)

    def capture(self, reference: str, amount_minor: int) -> None:
        self.calls.append(("capture", reference, amount_minor))

    def void(self, reference: str) -> None:
        self.calls.append(("void", reference, 0))

    def refund(self, reference: str, amount_minor: int) -> str:
        self.calls.append(("refund", reference, amount_minor))
        return f"fake_refund_{uuid.uuid4().hex[:16]}"
