"""The event catalogue: every event type with its code, human text and visibility.

Codes are stable dotted past-tense names used for rows, templates and webhooks alike.
Visibility decides who sees an event on a timeline:

* ``public``   — anyone holding the tracking number (no personal data in the text);
* ``customer`` — the order's customer, after proving who they are;
* ``internal`` — staff only.

An event the customer sees may still carry fields only staff may read (``staff_only``: the
internal reason of a cancellation or refund); ``for_customer`` is the payload without them, and
it is all a customer page or message is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.wording import translatable


class Visibility(StrEnum):
    PUBLIC = "public"
    CUSTOMER = "customer"
    INTERNAL = "internal"


VISIBLE_TO: dict[str, frozenset[str]] = {
    "public": frozenset({Visibility.PUBLIC}),
    "customer": frozenset({Visibility.PUBLIC, Visibility.CUSTOMER}),
    "staff": frozenset({Visibility.PUBLIC, Visibility.CUSTOMER, Visibility.INTERNAL}),
}


@dataclass(frozen=True)
class EventType:
    code: str
    aggregate: str  # order | shipment | return | stock | product | shop
    visibility: Visibility
    text: str  # shop-voice headline; ``{placeholders}`` come from the payload; translatable(...): a customer reads it
    staff_only: frozenset[str] = frozenset()  # payload keys never shown to the customer

    def describe(self, payload: Mapping[str, Any]) -> str:
        """The headline with the payload filled in; a blank result falls back to the code's words."""
        text = " ".join(self.text.format_map(_Lenient(payload)).split())
        return text or self.code.replace(".", " ").replace("_", " ").capitalize()


class _Lenient(dict[str, Any]):
    """Missing placeholders render as empty text rather than raising."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        super().__init__(payload)

    def __missing__(self, key: str) -> str:
        return ""


_P, _C, _I = Visibility.PUBLIC, Visibility.CUSTOMER, Visibility.INTERNAL
_STAFF_REASON = frozenset({"reason"})  # why staff cancelled or refunded: the customer gets the message instead

_TYPES = [
    EventType("order.placed", "order", _C, translatable("We received your order")),
    EventType("order.risk_scored", "order", _I, "Fraud risk scored {score} of 100"),
    EventType("order.held", "order", _I, "Order held for review: {reason_text}"),
    EventType("order.released", "order", _I, "Hold released"),
    EventType("order.confirmed", "order", _C, translatable("Payment received: your order is confirmed")),
    EventType("order.processing", "order", _C, translatable("We are picking and packing your order")),
    EventType("order.cancelled", "order", _C, translatable("Your order was cancelled"), _STAFF_REASON),
    EventType("order.closed", "order", _I, "Order closed"),
    EventType("order.backordered", "order", _I, "Sold on backorder, waiting for stock: {lines_text}"),
    EventType("order.backorder_filled", "order", _I, "Stock arrived for the backorder: {lines_text}"),
    EventType("note.internal_added", "order", _I, "Staff note: {text}"),
    EventType("note.customer_added", "order", _C, translatable("A note from us: {text}")),
    EventType("payment.authorized", "order", _I, "Payment authorised"),
    EventType("payment.captured", "order", _I, "Payment captured"),
    EventType("payment.voided", "order", _I, "Payment authorisation voided"),
    EventType("refund.issued", "order", _C, translatable("Refund issued: {amount_text}"), _STAFF_REASON),
    EventType("payment.failed", "order", _I, "Card payment refused by the processor: {message}"),
    EventType("payment.expired", "order", _I, "Card authorisation expired before capture: {message}"),
    EventType("payment.disputed", "order", _I, "The customer's bank disputed {amount_text} ({reason_code})"),
    EventType("payment.store_transaction", "order", _I, "{store} {kind} of {amount_text}: {status}"),
    EventType("refund.pending", "order", _I, "Refund of {amount_text} sent: waiting for the processor to confirm"),
    EventType("refund.failed", "order", _I, "Refund of {amount_text} refused by the processor: {failure}"),
    EventType("stock.reorder_needed", "stock", _I, "Stock for {sku} fell below its reorder point"),
    EventType("stock.restocked", "stock", _I, "{quantity} × {sku} back in stock"),
    EventType("stock.received", "stock", _I, "{sku}: {delta} received ({before} → {after} on hand) {reference}"),
    EventType("stock.adjusted", "stock", _I, "{sku} adjusted by {delta} ({before} → {after} on hand): {reason}"),
    EventType("stock.set", "stock", _I, "{sku} set to {after} on hand (was {before}): {reason}"),
    EventType("stock.digest_sent", "stock", _I, "Low-stock digest of {day} sent to staff: {count} SKUs"),
    EventType("product.created", "product", _I, "Product {title} ({handle}) added to the catalogue"),
    EventType("product.updated", "product", _I, "Product {title} ({handle}) updated"),
    EventType("shipment.created", "shipment", _C, translatable("Packed and labelled for {carrier_name}")),
    EventType("shipment.shipped", "shipment", _P, translatable("Handed to {carrier_name}")),
    EventType("shipment.in_transit", "shipment", _P, translatable("On its way")),
    EventType("shipment.out_for_delivery", "shipment", _P, translatable("Out for delivery")),
    EventType("shipment.available_for_pickup", "shipment", _P, translatable("Ready for pickup")),
    EventType("shipment.delivered", "shipment", _P, translatable("Delivered")),
    EventType("shipment.exception", "shipment", _P, "{exception_text}"),
    EventType("shipment.eta_changed", "shipment", _P, translatable("New estimated delivery")),
    EventType("shipment.cancelled", "shipment", _I, "Shipment cancelled"),
    EventType("exchange.shipped", "shipment", _P, translatable("Your exchange is on its way with {carrier_name}")),
    EventType("return.requested", "return", _C, translatable("Return {rma} requested"), frozenset({"override"})),
    EventType("return.approved", "return", _C, translatable("Return {rma} approved")),
    EventType("return.rejected", "return", _C, translatable("Return {rma} could not be accepted")),
    EventType("return.cancelled", "return", _C, translatable("Return {rma} cancelled")),
    EventType("return.in_transit", "return", _C, translatable("Return {rma} is on its way back to us")),
    EventType("return.received", "return", _C, translatable("We received return {rma}")),
    EventType("return.refunded", "return", _C, translatable("Return {rma} refunded")),
    EventType("return.exchanged", "return", _C, translatable("Exchange for return {rma} is being prepared")),
    EventType("return.closed", "return", _I, "Return {rma} closed"),
    EventType("subscription.created", "order", _I, "{channel} updates requested: confirmation asked for"),
    EventType("subscription.confirmed", "order", _I, "{channel} updates confirmed by {via}"),
    EventType("subscription.ended", "order", _I, "{channel} updates stopped"),
    EventType("settings.changed", "shop", _I, "Shop settings changed: {keys}"),
]

EVENT_TYPES: dict[str, EventType] = {t.code: t for t in _TYPES}

# How each shipment exception sub-reason reads, and what happens next.
EXCEPTION_TEXT: dict[str, tuple[str, str]] = {
    "delay": (translatable("Running late"), translatable("The carrier expects a short delay. No action is needed.")),
    "customs": (
        translatable("Held at customs"),
        translatable("Customs is checking the parcel. It moves on once cleared."),
    ),
    "failed_attempt": (
        translatable("Delivery attempt missed"),
        translatable("The carrier will try again on the next working day."),
    ),
    "damaged": (
        translatable("Damaged in transit"),
        translatable("We are on it and will send a replacement if needed."),
    ),
    "lost": (
        translatable("Lost by the carrier"),
        translatable("We are sorry. We will send a replacement or refund you."),
    ),
    "returned_to_sender": (
        translatable("On its way back to us"),
        translatable("The carrier could not deliver it. We will be in touch."),
    ),
}

# Staff read them all; the customer only those of CUSTOMER_ACTION_HOLDS (marked for translation).
HOLD_REASON_TEXT: dict[str, str] = {
    "po_box": "PO box address the chosen carrier does not deliver to",
    "fraud_score": "fraud score over the review threshold",
    "customisation": "order note asks for customisation",
    "payment_pending": translatable("payment not yet confirmed"),
    "address_unverified": translatable("address needs checking"),
    "manual": "put on hold by staff",
    "awaiting_stock": "sold on backorder: waiting for stock to arrive",
}
# Holds only the customer can clear (pay, confirm the address): they are told; the others are staff's.
CUSTOMER_ACTION_HOLDS = frozenset({"payment_pending", "address_unverified"})


def event_type(code: str) -> EventType:
    try:
        return EVENT_TYPES[code]
    except KeyError:
        raise KeyError(f"unknown event type {code!r}: add it to core.events.catalogue") from None


def for_customer(code: str, payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """The payload as a customer may read it: without its staff-only fields."""
    known = EVENT_TYPES.get(code)
    hidden = known.staff_only if known is not None else frozenset()
    return {key: value for key, value in (payload or {}).items() if key not in hidden}


def describe(code: str, payload: Mapping[str, Any] | None) -> str:
    """The timeline text of an event. Never raises: old rows must always render."""
    known = EVENT_TYPES.get(code)
    if known is None:
        return code.replace(".", " ").replace("_", " ").capitalize()
    try:
        return known.describe(payload or {})
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return known.text.split("{", 1)[0].strip(" :") or code
