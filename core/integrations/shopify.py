"""Shopify webhooks: orders, refunds and fulfillments mapped to Shiplog commands.

An order is recorded with Shopify's money, not the catalogue's: each line's price, its discount
allocations and tax lines, the shipping lines net of their discounts, the order's tax lines and
currency, and its total, which Shiplog's must equal (``PlaceOrder.store_total_minor``). Lines are
matched by SKU. The payment is the store's (``StorePayment``): Shiplog never charges it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain.commands import PlaceOrder, StorePayment
from core.domain.scans import CarrierScan
from core.errors import ValidationFailed
from core.integrations.common import (
    address,
    amounts,
    carrier_code,
    full_name,
    parse_time,
    phone_or_none,
    priced_lines,
    tax_lines,
    text,
)
from core.integrations.shopify_risk import browser_ip, card_fingerprint, store_risk
from core.lifecycle import ExceptionReason, ShipmentStatus
from core.locales import canonical_or_none
from core.money import to_minor
from core.payments import StoreTransaction

ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled"})
FULFILLMENT_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})
REFUND_TOPICS = frozenset({"refunds/create"})
TRANSACTION_TOPICS = frozenset({"order_transactions/create"})
TOPICS = ORDER_TOPICS | FULFILLMENT_TOPICS | REFUND_TOPICS | TRANSACTION_TOPICS
# The kinds of Shopify's OrderTransaction (REST) Shiplog records; any other is acknowledged and ignored.
TRANSACTION_KINDS = frozenset({"authorization", "capture", "sale", "void", "refund"})
PAID = frozenset({"paid", "authorized", "partially_paid", "partially_refunded", "refunded"})

# Fulfillment.shipment_status (and FulfillmentEvent.status) -> (status, exception reason).
# None: a label step that says nothing about where the parcel is.
SHIPMENT_STATUS: dict[str, tuple[str, str | None] | None] = {
    "label_printed": None,
    "label_purchased": None,
    "confirmed": None,
    "in_transit": (ShipmentStatus.IN_TRANSIT, None),
    "out_for_delivery": (ShipmentStatus.OUT_FOR_DELIVERY, None),
    "ready_for_pickup": (ShipmentStatus.AVAILABLE_FOR_PICKUP, None),
    "attempted_delivery": (ShipmentStatus.EXCEPTION, ExceptionReason.FAILED_ATTEMPT),
    "delayed": (ShipmentStatus.EXCEPTION, ExceptionReason.DELAY),
    "carrier_picked_up": (ShipmentStatus.IN_TRANSIT, None),
    # Shopify could not read tracking (bad number, cancelled label): nothing to say about the parcel.
    "failure": None,
    "delivered": (ShipmentStatus.DELIVERED, None),
}


def resource(topic: str, body: dict[str, Any]) -> tuple[str | None, datetime | None]:
    """(store id of the order, its updated_at): what the older-update rule compares."""
    if topic in ORDER_TOPICS:
        return text(body.get("id"), 64) or None, parse_time(body.get("updated_at"))
    return None, None


def _note(order: dict[str, Any]) -> str | None:
    parts = [text(order.get("note"), 1000, multiline=True)]
    for attribute in order.get("note_attributes") or []:
        if isinstance(attribute, dict):
            parts.append(f"{text(attribute.get('name'), 60)}: {text(attribute.get('value'), 200)}")
    return "\n".join(p for p in parts if p) or None


def _carrier(order: dict[str, Any]) -> str:
    for line in order.get("shipping_lines") or []:
        if isinstance(line, dict):
            return carrier_code(line.get("carrier_identifier") or line.get("source") or line.get("title"))
    return "usps"


def _line_money(item: dict[str, Any], currency: str, index: int) -> tuple[int, int, int]:
    """(unit price, line discount, line tax): discounts as allocated to the line (``total_discount`` in
    payloads older than discount allocations)."""
    where = f"line_items[{index}]"
    allocations = item.get("discount_allocations")
    discounts = amounts(allocations, "amount", currency, where) if isinstance(allocations, list) else None
    if discounts is None:
        discounts = amounts([item], "total_discount", currency, where)
    tax = amounts(item.get("tax_lines"), "price", currency, where)
    return amounts([item], "price", currency, where), discounts, tax


def _shipping(order: dict[str, Any], currency: str) -> tuple[int, int]:
    """(shipping net of its own discounts, those discounts)."""
    lines = [line for line in order.get("shipping_lines") or [] if isinstance(line, dict)]
    price = amounts(lines, "price", currency, "shipping_lines")
    off = sum(amounts(line.get("discount_allocations"), "amount", currency, "shipping_lines") for line in lines)
    return price - off, off


def _money(order: dict[str, Any], currency: str) -> dict[str, Any]:
    """The order's money as Shopify sent it, in ``PlaceOrder``'s fields."""
    lines = priced_lines(order.get("line_items"), lambda item, i: _line_money(item, currency, i))
    shipping, shipping_off = _shipping(order, currency)
    on_lines = sum(line.discount_minor for line in lines)
    total_discounts = to_minor(order.get("total_discounts"), currency, field="total_discounts")
    return {
        "lines": lines,
        "store_priced": True,
        "shipping_minor": shipping,
        # What Shopify did not allocate to a line or to shipping is the order's own discount.
        "discount_minor": max(0, total_discounts - on_lines - shipping_off),
        "tax_minor": to_minor(order.get("total_tax"), currency, field="total_tax"),
        "tax_lines": tax_lines(order.get("tax_lines"), "price", "rate", currency),
        "taxes_included": order.get("taxes_included") is True,
        "store_total_minor": to_minor(order.get("total_price"), currency, field="total_price"),
    }


def order_command(order: dict[str, Any]) -> PlaceOrder:
    """A Shopify order as ``PlaceOrder`` (raises ValidationFailed naming the bad field)."""
    currency = text(order.get("currency"), 3).upper() or "USD"
    customer = order.get("customer") if isinstance(order.get("customer"), dict) else {}
    shipping = address(order.get("shipping_address") or order.get("billing_address"), name="", field="shipping_address")
    name = shipping.name or full_name(customer)
    return PlaceOrder(
        email=text(order.get("email") or order.get("contact_email") or customer.get("email"), 254),
        name=name,
        shipping_address=shipping,
        billing_address=address(order["billing_address"], name=name, field="billing_address")
        if isinstance(order.get("billing_address"), dict)
        else None,
        phone=phone_or_none(order.get("phone") or shipping_phone(order), shipping.country),
        channel="shopify",
        source_ref=text(order.get("id"), 64),
        carrier=_carrier(order),
        currency=currency,
        locale=canonical_or_none(order.get("customer_locale")),  # the storefront language the order was placed in
        note=_note(order),
        payment_pending=not is_paid(order),
        placed_at=parse_time(order.get("processed_at") or order.get("created_at")),
        number=text(order.get("name"), 32).lstrip("#") or None,
        client_ip=browser_ip(order),
        card_fingerprint=card_fingerprint(order),
        store_risk=store_risk(order),
        store_name=text(order.get("name"), 64) or None,
        store_payment=store_payment(order),
        **_money(order, currency),
    )


def store_payment(order: dict[str, Any]) -> StorePayment:
    """One payment per Shopify order. Its transactions are not in the order's webhook: the store adapter
    reads them from the Admin API when it refunds."""
    return StorePayment("shopify", f"shopify:{text(order.get('id'), 64)}")


def refund_reported(refund: dict[str, Any], currency: str) -> tuple[str, int, str]:
    """A ``refunds/create`` body: (the refund's id, the money it gave back, its note)."""
    given = [t for t in refund.get("transactions") or [] if isinstance(t, dict)]
    made = [t for t in given if text(t.get("kind")) == "refund" and text(t.get("status")) in {"success", ""}]
    amount = amounts(made, "amount", currency, "transactions")
    return text(refund.get("id"), 120), amount, text(refund.get("note"), 500)


def transaction_reported(body: dict[str, Any], currency: str) -> StoreTransaction | None:
    """An ``order_transactions/create`` body (the REST OrderTransaction), in the order's currency; None for a
    kind Shiplog does not record."""
    kind = text(body.get("kind"))
    if kind not in TRANSACTION_KINDS:
        return None
    transaction_id = text(body.get("id"), 64)
    if not transaction_id:
        raise ValidationFailed("The transaction has no id.", field="id")
    given = text(body.get("currency"), 3).upper()
    if given and given != currency:
        raise ValidationFailed(f"The transaction is in {given} but the order in {currency}.", field="currency")
    return StoreTransaction(
        "shopify", transaction_id, kind, text(body.get("status"), 20) or "success",
        to_minor(body.get("amount"), currency, field="amount"), gateway=text(body.get("gateway"), 64),
        parent_id=text(body.get("parent_id"), 64),
        occurred_at=parse_time(body.get("processed_at") or body.get("created_at")),
    )  # fmt: skip


def shipping_phone(order: dict[str, Any]) -> str | None:
    shipping = order.get("shipping_address")
    return text(shipping.get("phone"), 40) or None if isinstance(shipping, dict) else None


def is_paid(order: dict[str, Any]) -> bool:
    return text(order.get("financial_status")) in PAID


def tracking_number(fulfillment: dict[str, Any]) -> str:
    numbers = fulfillment.get("tracking_numbers") or []
    first = numbers[0] if isinstance(numbers, list) and numbers else None
    return text(fulfillment.get("tracking_number") or first, 64)


def fulfillment_items(fulfillment: dict[str, Any]) -> dict[str, int]:
    """SKU -> quantity in this parcel."""
    found: dict[str, int] = {}
    for item in fulfillment.get("line_items") or []:
        if isinstance(item, dict) and text(item.get("sku")):
            sku = text(item.get("sku"), 64)
            found[sku] = found.get(sku, 0) + int(item.get("quantity") or 0)
    return found


def fulfillment_scan(fulfillment: dict[str, Any]) -> CarrierScan | None:
    """The fulfillment's shipment_status as a carrier scan, or None when it says nothing new."""
    mapped = SHIPMENT_STATUS.get(text(fulfillment.get("shipment_status")))
    number = tracking_number(fulfillment)
    when = parse_time(fulfillment.get("updated_at"))
    if mapped is None or not number or when is None:
        return None
    status, reason = mapped
    return CarrierScan(
        tracking_number=number,
        status=status,
        occurred_at=when,
        exception_reason=reason,
        message=f"Shopify: {text(fulfillment.get('shipment_status'))}",
        external_id=f"shopify-{text(fulfillment.get('id'))}-{text(fulfillment.get('shipment_status'))}",
    )
