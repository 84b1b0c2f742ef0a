"""What each Stripe webhook event does: read the object it carries, then call one service.

The delivery was verified with the SDK's signature check and stored first (``portal/webhooks``);
its event id is the delivery id, so Stripe's redeliveries are no-ops. An event about a payment or
refund that is not ours (another integration on the same Stripe account) is ``ignored``, and so
is one that reports what is already recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.events.fact import Actor
from core.integrations.common import load_json, text
from core.models import WebhookDelivery
from core.services import card_payments
from core.shop import Shop

ACTOR = Actor("integration", "stripe")
Handler = Callable[[Shop, dict[str, Any]], bool]


def _amount(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def intent_failed(shop: Shop, intent: dict[str, Any]) -> bool:
    error = intent.get("last_payment_error") or {}
    code = text(error.get("decline_code") or error.get("code"), 80) or "payment_failed"
    message = text(error.get("message")) or "The card was declined."
    return card_payments.payment_lost(shop, text(intent.get("id"), 64), reason_code=code, message=message, expired=False, actor=ACTOR)  # fmt: skip


def intent_canceled(shop: Shop, intent: dict[str, Any]) -> bool:
    """Stripe cancels an uncaptured authorisation itself when it expires ("automatic")."""
    reference = text(intent.get("id"), 64)
    if text(intent.get("cancellation_reason")) != "automatic":
        return card_payments.voided_elsewhere(shop, reference, actor=ACTOR)
    message = "Stripe cancelled the authorisation: it expired before it was captured."
    return card_payments.payment_lost(shop, reference, reason_code="automatic", message=message, expired=True, actor=ACTOR)  # fmt: skip


def intent_succeeded(shop: Shop, intent: dict[str, Any]) -> bool:
    amount = _amount(intent.get("amount_received"))
    return card_payments.captured_elsewhere(shop, text(intent.get("id"), 64), amount_minor=amount, actor=ACTOR)


def authorised(shop: Shop, intent: dict[str, Any]) -> bool:
    """The hold we asked for: recorded when Stripe answered the call that made it."""
    return False


def _report(refund: dict[str, Any], payment_intent: object = None) -> card_payments.RefundReport:
    """What a Stripe refund object says; ``metadata.shiplog_key`` is the key Shiplog sent with the
    refunds it asked for (``core.stripe_gateway``), so a refund without one was made elsewhere."""
    metadata = refund.get("metadata") if isinstance(refund.get("metadata"), dict) else {}
    return card_payments.RefundReport(
        reference=text(refund.get("id"), 64), payment_reference=text(refund.get("payment_intent") or payment_intent, 64),
        key=text(metadata.get("shiplog_key"), 255), amount_minor=_amount(refund.get("amount")),
        status=text(refund.get("status"), 20), failure=text(refund.get("failure_reason"), 80),
    )  # fmt: skip


def refund_changed(shop: Shop, refund: dict[str, Any]) -> bool:
    """A refund created, settled or refused: Shiplog's own are settled, one made in Stripe's
    dashboard is recorded (each once, by its id)."""
    return card_payments.refund_reported(shop, _report(refund), actor=ACTOR)


def charge_refunded(shop: Shop, charge: dict[str, Any]) -> bool:
    """The charge lists its refunds when the API version (or the endpoint's expansion) includes them;
    otherwise each one comes as its own ``refund.created``."""
    refunds = (charge.get("refunds") or {}).get("data") or []
    reports = [_report(refund, charge.get("payment_intent")) for refund in refunds if isinstance(refund, dict)]
    changed = [card_payments.refund_reported(shop, report, actor=ACTOR) for report in reports]
    return any(changed)


def dispute_created(shop: Shop, dispute: dict[str, Any]) -> bool:
    return card_payments.disputed(
        shop, text(dispute.get("payment_intent"), 64), amount_minor=_amount(dispute.get("amount")),
        reason=text(dispute.get("reason"), 80) or "unknown", dispute=text(dispute.get("id"), 64), actor=ACTOR,
    )  # fmt: skip


HANDLERS: dict[str, Handler] = {
    "payment_intent.payment_failed": intent_failed,
    "payment_intent.canceled": intent_canceled,
    "payment_intent.succeeded": intent_succeeded,
    "payment_intent.amount_capturable_updated": authorised,
    "charge.refunded": charge_refunded,
    "charge.refund.updated": refund_changed,
    "refund.created": refund_changed,
    "refund.updated": refund_changed,
    "refund.failed": refund_changed,
    "charge.dispute.created": dispute_created,
}


def resource(event: dict[str, Any]) -> str | None:
    """The id of the object the event is about, to file the delivery by."""
    found = ((event.get("data") or {}).get("object") or {}).get("id")
    return text(found, 64) or None


def handle(shop: Shop, delivery: WebhookDelivery) -> str:
    event = load_json(delivery.body)
    handler = HANDLERS.get(delivery.topic)
    found = (event.get("data") or {}).get("object")
    if handler is None or not isinstance(found, dict):
        return "ignored"
    return "processed" if handler(shop, found) else "ignored"
