"""Typed constructors of the order's events: the order itself, payments, refunds, notes, subscriptions, stock.

One keyword-only function per event type, so each payload's keys are written once and a payload
that does not fit fails where it is made. Codes, visibility and texts are in ``catalogue``.
"""

from __future__ import annotations

from core.events.catalogue import CUSTOMER_ACTION_HOLDS, HOLD_REASON_TEXT
from core.events.fact import Fact
from core.models import Order, Payment, Refund
from core.money import money_text


def order_placed(*, order: Order, carrier: str, lines: list[list[object]], key: str | None = None) -> Fact:
    """``lines`` are [sku, quantity] pairs; ``key`` names the store's own order so it is taken once."""
    body = {
        "number": order.number,
        "total_text": money_text(order.total_minor, order.currency),
        "carrier": carrier,
        "lines": lines,
        "locale": order.locale,  # the customer's language, as the store or the API gave it (None: the shop's)
    }
    return Fact("order.placed", body, order_id=order.id, key=key)


def order_risk_scored(*, order_id: int, score: int, reasons: list[dict[str, object]]) -> Fact:
    """The fraud score (``core.risk``) and each reason that added to it: code, points and staff's text."""
    return Fact("order.risk_scored", {"score": score, "reasons": reasons}, order_id=order_id)


def order_held(*, order: Order, reasons: list[str]) -> Fact:
    """``reasons`` are hold codes, the first one the order's ``hold_reason``."""
    first = reasons[0]
    body = {
        "reason": first,
        "reasons": reasons,
        "detail": order.hold_detail,
        "reason_text": HOLD_REASON_TEXT.get(first, first),
        "customer_action": first in CUSTOMER_ACTION_HOLDS,
    }
    return Fact("order.held", body, order_id=order.id)


def order_released(*, order_id: int, reason: str | None) -> Fact:
    return Fact("order.released", {"reason": reason}, order_id=order_id)


def order_confirmed(*, order: Order, resumed: bool = False) -> Fact:
    """Paid: its total. ``resumed``: a held order that had been paid already is confirmed again."""
    body = {"resumed": True} if resumed else {"total_text": money_text(order.total_minor, order.currency)}
    return Fact("order.confirmed", body, order_id=order.id)


def order_processing(*, order_id: int) -> Fact:
    return Fact("order.processing", {}, order_id=order_id)


def order_cancelled(
    *, order: Order, reason: str, message: str | None, refunded_minor: int, store: str | None = None,
    refund_ids: list[int] | None = None,
) -> Fact:  # fmt: skip
    """``reason`` is staff's own (``catalogue`` keeps it from the customer); ``message`` is what the customer reads.
    ``store``: the store that must cancel it too (started here), with the refunds it is to make (``refund_ids``)."""
    body = {
        "reason": reason[:200],
        "customer_message": message,
        "refunded_minor": refunded_minor,
        "refunded_text": money_text(refunded_minor, order.currency),
    }
    if store is not None:
        body |= {"store": store, "refund_ids": refund_ids or []}
    return Fact("order.cancelled", body, order_id=order.id)


def _lines_text(lines: list[list[object]]) -> str:
    return ", ".join(f"{quantity} × {sku}" for sku, quantity in lines)


def order_backordered(*, order_id: int, lines: list[list[object]]) -> Fact:
    """``lines``: [sku, quantity] sold without stock, now waiting for it (no units reserved)."""
    return Fact("order.backordered", {"lines": lines, "lines_text": _lines_text(lines)}, order_id=order_id)


def order_backorder_filled(*, order_id: int, lines: list[list[object]]) -> Fact:
    """``lines``: [sku, quantity] that arrived and are now reserved for the order."""
    return Fact("order.backorder_filled", {"lines": lines, "lines_text": _lines_text(lines)}, order_id=order_id)


def order_closed(*, order_id: int) -> Fact:
    return Fact("order.closed", {}, order_id=order_id)


def note_internal_added(*, order_id: int, text: str) -> Fact:
    return Fact("note.internal_added", {"text": text}, order_id=order_id)


def note_customer_added(*, order_id: int, text: str) -> Fact:
    return Fact("note.customer_added", {"text": text}, order_id=order_id)


def payment_authorized(*, payment: Payment) -> Fact:
    body = {"amount_minor": payment.amount_minor, "reference": payment.reference}
    return Fact("payment.authorized", body, order_id=payment.order_id, payment_id=payment.id)


def payment_captured(*, payment: Payment) -> Fact:
    body = {"amount_minor": payment.captured_minor, "reference": payment.reference}
    return Fact("payment.captured", body, order_id=payment.order_id, payment_id=payment.id)


def payment_voided(*, payment: Payment, reason: str) -> Fact:
    body = {"reference": payment.reference, "reason": reason[:200]}
    return Fact("payment.voided", body, order_id=payment.order_id, payment_id=payment.id)


def refund_issued(*, refund: Refund, message: str | None, cancellation: bool) -> Fact:
    """``cause`` says what the refund is for (the money log reads it): a return, a cancellation,
    or staff's choice (goodwill). ``reason`` is staff's own; ``message`` what the customer reads."""
    cause = "return" if refund.return_id is not None else "cancellation" if cancellation else "goodwill"
    body = {
        "refund_id": refund.id,
        "amount_minor": refund.amount_minor,
        "reason": refund.reason,
        "customer_message": message,
        "cause": cause,
        "amount_text": money_text(refund.amount_minor, refund.currency),
    }
    return Fact("refund.issued", body, order_id=refund.order_id, return_id=refund.return_id)


def subscription_created(
    *, order_id: int, channel: str, scope: str, subscription_id: int, shipment_id: int | None
) -> Fact:
    """Asked for, not yet confirmed: the one message it plans is the confirmation request.

    ``shipment_id`` (the parcel followed, if one) stays in the payload: the event is not news of the
    parcel, and must not count as such when the planner decides what is stale."""
    body = {"channel": channel, "scope": scope, "subscription_id": subscription_id, "shipment_id": shipment_id}
    return Fact("subscription.created", body, order_id=order_id)


def subscription_confirmed(*, order_id: int, channel: str, subscription_id: int, via: str) -> Fact:
    """``via``: email (the link was followed) or sms (the number replied YES or its code)."""
    body = {"channel": channel, "subscription_id": subscription_id, "via": via}
    return Fact("subscription.confirmed", body, order_id=order_id)


def subscription_ended(*, order_id: int, channel: str, address: str) -> Fact:
    """``address`` tells the planner whose messages stop (the order's own email, or a subscriber's)."""
    return Fact("subscription.ended", {"channel": channel, "address": address}, order_id=order_id)


def stock_reorder_needed(*, variant_id: int, sku: str, available: int, reorder_point: int) -> Fact:
    body = {"sku": sku, "available": available, "reorder_point": reorder_point}
    return Fact("stock.reorder_needed", body, variant_id=variant_id)


def stock_restocked(*, order_id: int, return_id: int, variant_id: int, sku: str, quantity: int, rma: str) -> Fact:
    body = {"sku": sku, "quantity": quantity, "rma": rma}
    return Fact("stock.restocked", body, order_id=order_id, variant_id=variant_id, return_id=return_id)
