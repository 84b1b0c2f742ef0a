"""The Stripe adapter: card payments as PaymentIntents with manual capture, through the official SDK.

Authorising confirms a PaymentIntent with ``capture_method=manual`` (the card is held, nothing
taken); capturing takes the whole authorisation; voiding cancels the PaymentIntent; a refund
names the PaymentIntent and an amount. Every call carries the idempotency key that
``core.domain.payments`` derived from the Shiplog operation, and the SDK's own retries (a 5xx, a
dropped connection, a timeout) send that same key, so Stripe does each operation once.

What Stripe refuses becomes a ``DomainError`` a person can act on: a declined card at checkout
(``PaymentDeclined``), a capture or refund it will not do (``PaymentRefused``, recorded by
``core.services.card_payments``), no answer at all (``GatewayUnavailable``: nothing changed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import stripe

from core.errors import GatewayUnavailable, PaymentDeclined, PaymentRefused, ValidationFailed
from core.payments import Authorization, Refunded

T = TypeVar("T")
# Stripe's codes for a PaymentIntent that can no longer be captured: it was cancelled, which is what
# Stripe does to an uncaptured authorisation when it expires (7 days for most cards).
EXPIRED_CODES = frozenset({"payment_intent_unexpected_state", "charge_expired_for_capture"})
UNAVAILABLE = "The card processor did not answer. Nothing was changed; please try again."


def _message(error: stripe.StripeError) -> str:
    return str(error.user_message or getattr(error, "_message", "") or "The card processor refused.")[:200]


def _refusal(error: stripe.StripeError) -> PaymentRefused:
    code = str(error.code or type(error).__name__)
    return PaymentRefused(_message(error), reason=code, expired=code in EXPIRED_CODES)


def _call(request: Callable[[], T]) -> T:
    """One SDK call, its errors turned into the domain's (declines are the caller's to name)."""
    try:
        return request()
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as error:
        raise GatewayUnavailable(UNAVAILABLE) from error
    except stripe.AuthenticationError as error:
        raise GatewayUnavailable("The card processor refused Shiplog's API key (STRIPE_API_KEY).") from error
    except (stripe.CardError, stripe.InvalidRequestError) as error:
        raise _refusal(error) from error


class StripeGateway:
    """``core.payments.PaymentGateway`` over a ``stripe.StripeClient`` (``api_base``: a local peer in tests)."""

    name = "stripe"

    def __init__(self, api_key: str, *, api_base: str | None = None, timeout: float = 20.0, retries: int = 2) -> None:
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def authorize(self, amount_minor: int, currency: str, card: str, *, key: str) -> Authorization:
        if not card.startswith("pm_"):
            raise ValidationFailed("Give the card as a Stripe payment method id (pm_...).", field="card")
        params: Any = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "capture_method": "manual",
            "payment_method": card,
            "payment_method_types": ["card"],
            "confirm": True,
        }
        try:
            intent = _call(lambda: self.client.v1.payment_intents.create(params, {"idempotency_key": key}))
        except PaymentRefused as refused:
            raise PaymentDeclined(refused.message, field="card") from None
        if intent.status != "requires_capture":  # e.g. requires_action: 3-D Secure, which a server call cannot do
            raise PaymentDeclined("The card needs the customer's confirmation; please use another card.", field="card")
        return Authorization(intent.id, _last4(intent), gateway=self.name, fingerprint=_fingerprint(intent))

    def capture(self, reference: str, amount_minor: int, *, key: str) -> None:
        params: Any = {"amount_to_capture": amount_minor}
        _call(lambda: self.client.v1.payment_intents.capture(reference, params, {"idempotency_key": key}))

    def void(self, reference: str, *, key: str) -> None:
        try:
            _call(lambda: self.client.v1.payment_intents.cancel(reference, None, {"idempotency_key": key}))
        except PaymentRefused as refused:
            if not refused.expired:  # already cancelled (expired): the hold is gone, as voiding wants
                raise

    def refund(self, reference: str, amount_minor: int, *, key: str) -> Refunded:
        # The key rides along as metadata too: Stripe's refund webhooks carry it back, so Shiplog's own
        # refunds are matched by key as well as by id, and one without it was made in Stripe's dashboard.
        params: Any = {"payment_intent": reference, "amount": amount_minor, "metadata": {"shiplog_key": key}}
        made = _call(lambda: self.client.v1.refunds.create(params, {"idempotency_key": key}))
        if made.status in ("failed", "canceled"):
            reason = str(made.to_dict().get("failure_reason") or made.status)
            raise PaymentRefused(f"The card processor refused the refund ({reason}).", reason=reason)
        return Refunded(made.id, "succeeded" if made.status == "succeeded" else "pending")


def _card(intent: Any) -> dict[str, Any]:
    """The card's details, when Stripe sends the charge expanded."""
    charge = intent.to_dict().get("latest_charge")
    details = charge.get("payment_method_details") if isinstance(charge, dict) else None
    return (details or {}).get("card") or {}


def _last4(intent: Any) -> str | None:
    """The card's last four digits, when Stripe sends the payment method expanded or the charge's details."""
    last4 = _card(intent).get("last4")
    return str(last4)[:4] if last4 else None


def _fingerprint(intent: Any) -> str | None:
    """Stripe's fingerprint of the card (the same card number gives the same one): the risk scorer's
    velocity by card (core.risk)."""
    found = _card(intent).get("fingerprint")
    return f"stripe:{str(found)[:57]}" if found else None


class BadSignature(Exception):
    """The Stripe-Signature header is missing, wrong or too old, or no secret is set (fail closed)."""


def verify_event(body: bytes, signature: str | None, secret: str | None) -> dict[str, Any]:
    """The webhook's event, after the SDK's signature check over the raw body: ``BadSignature``
    for a wrong or missing signature, ``ValueError`` for a signed body that is not an event."""
    if not secret or not signature:
        raise BadSignature("Missing Stripe-Signature, or no STRIPE_WEBHOOK_SECRET is set.")
    try:
        event = stripe.Webhook.construct_event(body, signature, secret)
    except stripe.SignatureVerificationError as error:
        raise BadSignature(str(error)) from None
    found = event.to_dict()
    if not found.get("id") or not found.get("type"):
        raise ValueError("A Stripe event has an id and a type.")
    return found
