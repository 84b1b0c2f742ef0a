"""Shopify webhooks: orders and fulfillments mapped to Shiplog commands.

Store prices are not re-validated against the catalogue (``unit_price_minor`` stays None):
the catalogue is the price book, Shopify is where the customer paid. Lines are matched by SKU.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain.commands import PlaceOrder
from core.domain.scans import CarrierScan
from core.integrations.common import address, carrier_code, full_name, line_items, parse_time, phone_or_none, text
from core.integrations.shopify_risk import browser_ip, card_fingerprint, store_risk
from core.lifecycle import ExceptionReason, ShipmentStatus
from core.locales import canonical_or_none
from core.money import to_minor

ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled"})
FULFILLMENT_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})
TOPICS = ORDER_TOPICS | FULFILLMENT_TOPICS
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


def order_command(order: dict[str, Any]) -> PlaceOrder:
    """A Shopify order as ``PlaceOrder`` (raises ValidationFailed naming the bad field)."""
    currency = text(order.get("currency"), 3).upper() or "USD"
    customer = order.get("customer") if isinstance(order.get("customer"), dict) else {}
    shipping = address(order.get("shipping_address") or order.get("billing_address"), name="", field="shipping_address")
    name = shipping.name or full_name(customer)
    return PlaceOrder(
        email=text(order.get("email") or order.get("contact_email") or customer.get("email"), 254),
        name=name,
        lines=line_items(order.get("line_items")),
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
        shipping_minor=sum(
            to_minor(line.get("price"), currency, field="shipping_lines")
            for line in order.get("shipping_lines") or []
            if isinstance(line, dict)
        ),
        discount_minor=to_minor(order.get("total_discounts"), currency, field="total_discounts"),
        tax_minor=to_minor(order.get("total_tax"), currency, field="total_tax"),
        note=_note(order),
        payment_pending=text(order.get("financial_status")) not in PAID,
        placed_at=parse_time(order.get("processed_at") or order.get("created_at")),
        number=text(order.get("name"), 32).lstrip("#") or None,
        client_ip=browser_ip(order),
        card_fingerprint=card_fingerprint(order),
        store_risk=store_risk(order),
    )


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
