"""Typed constructors of what a card processor tells us about a payment: a refusal, an expiry, a
dispute, a store's transaction, and a refund that is pending or refused (``refund.issued`` itself is in ``orders``).

All are staff-facing: the customer hears of their money through ``refund.issued`` and the order's
own events, never of a processor's internals.
"""

from __future__ import annotations

from core.events.fact import Fact
from core.models import Payment, Refund
from core.money import money_text
from core.payments import StoreTransaction


def _lost_body(payment: Payment, reason: str, message: str, after_shipping: bool) -> dict[str, object]:
    body: dict[str, object] = {"reference": payment.reference, "reason_code": reason[:80], "message": message[:200]}
    if after_shipping:  # the capture at shipping was refused, and the carrier had the parcel already
        body["after_shipping"] = True
    return body


def payment_failed(
    *, payment: Payment, reason: str, message: str, key: str | None = None, after_shipping: bool = False
) -> Fact:
    """The processor refused to take the payment (a declined card at capture); ``reason`` is its code."""
    body = _lost_body(payment, reason, message, after_shipping)
    return Fact("payment.failed", body, order_id=payment.order_id, payment_id=payment.id, key=key)


def payment_expired(
    *, payment: Payment, reason: str, message: str, key: str | None = None, after_shipping: bool = False
) -> Fact:
    """The authorisation lapsed before it was captured: the money can no longer be taken."""
    body = _lost_body(payment, reason, message, after_shipping)
    return Fact("payment.expired", body, order_id=payment.order_id, payment_id=payment.id, key=key)


def payment_disputed(*, payment: Payment, amount_minor: int, reason: str, dispute: str, key: str | None) -> Fact:
    """The cardholder's bank opened a dispute (a chargeback) on the payment."""
    body = {
        "reference": payment.reference,
        "dispute": dispute[:64],
        "amount_minor": amount_minor,
        "amount_text": money_text(amount_minor, payment.currency),
        "reason_code": reason[:80],
    }
    return Fact("payment.disputed", body, order_id=payment.order_id, payment_id=payment.id, key=key)


def store_transaction(*, order_id: int, payment: Payment | None, found: StoreTransaction, currency: str) -> Fact:
    """A transaction the store made on the order's payment (a capture, a later sale, a refund...), keyed by
    the store's id for it so that it is recorded once."""
    body = {
        "store": found.store, "transaction_id": found.transaction_id, "kind": found.kind, "status": found.status,
        "amount_minor": found.amount_minor, "amount_text": money_text(found.amount_minor, currency),
        "gateway": found.gateway[:64], "parent_id": found.parent_id[:64],
        "reference": payment.reference if payment is not None else None,
    }  # fmt: skip
    key = f"{found.store}:transaction:{found.transaction_id}"
    return Fact("payment.store_transaction", body, order_id=order_id, payment_id=payment and payment.id, key=key)


def _refund_body(refund: Refund) -> dict[str, object]:
    return {
        "refund_id": refund.id,
        "reference": refund.reference,
        "amount_minor": refund.amount_minor,
        "amount_text": money_text(refund.amount_minor, refund.currency),
    }


def refund_pending(*, refund: Refund, message: str | None, cancellation: bool, store: str | None = None) -> Fact:
    """The processor took the refund in hand; it is done only when it confirms (``refund.issued``,
    which then says what this one kept: the customer's message and whether a cancellation made it).
    ``store``: the store (Shopify, WooCommerce) Shiplog asks to make it (``core.storecalls``)."""
    body = _refund_body(refund) | {"customer_message": message, "cancellation": cancellation}
    if store is not None:
        body["store"] = store
    return Fact("refund.pending", body, order_id=refund.order_id, return_id=refund.return_id)


def refund_failed(*, refund: Refund, reason: str, key: str | None = None) -> Fact:
    """The processor refused the refund, at once or later: nothing was given back."""
    body = _refund_body(refund) | {"failure": (refund.failure or "")[:200], "reason_code": reason[:80]}
    return Fact("refund.failed", body, order_id=refund.order_id, return_id=refund.return_id, key=key)
