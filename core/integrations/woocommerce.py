"""WooCommerce webhooks (REST API v3 order JSON) mapped to Shiplog commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain.commands import PlaceOrder
from core.integrations.common import (
    address,
    carrier_code,
    full_name,
    ip_or_none,
    line_items,
    parse_time,
    phone_or_none,
    text,
)
from core.money import to_minor

TOPICS = frozenset({"order.created", "order.updated"})
PAID_STATUSES = frozenset({"processing", "completed"})
CANCELLED_STATUSES = frozenset({"cancelled", "failed"})


def resource(body: dict[str, Any]) -> tuple[str | None, datetime | None]:
    """(store id, date_modified_gmt): what the older-update rule compares."""
    return text(body.get("id"), 64) or None, parse_time(body.get("date_modified_gmt") or body.get("date_modified"))


def is_paid(order: dict[str, Any]) -> bool:
    return bool(order.get("date_paid_gmt") or order.get("date_paid")) or text(order.get("status")) in PAID_STATUSES


def is_cancelled(order: dict[str, Any]) -> bool:
    return text(order.get("status")) in CANCELLED_STATUSES


def _carrier(order: dict[str, Any]) -> str:
    for line in order.get("shipping_lines") or []:
        if isinstance(line, dict):
            return carrier_code(line.get("method_title") or line.get("method_id"))
    return "usps"


def order_command(order: dict[str, Any]) -> PlaceOrder:
    """A WooCommerce order as ``PlaceOrder`` (raises ValidationFailed naming the bad field)."""
    currency = text(order.get("currency"), 3).upper() or "USD"
    billing = order.get("billing") if isinstance(order.get("billing"), dict) else {}
    buyer = full_name(billing)
    raw_shipping = order.get("shipping")
    if not isinstance(raw_shipping, dict) or not text(raw_shipping.get("address_1")):
        raw_shipping = billing
    shipping = address(raw_shipping, name=buyer, field="shipping")
    return PlaceOrder(
        email=text(billing.get("email"), 254),
        name=buyer or shipping.name,
        lines=line_items(order.get("line_items")),
        shipping_address=shipping,
        billing_address=address(billing, name=buyer, field="billing") if text(billing.get("address_1")) else None,
        phone=phone_or_none(billing.get("phone"), shipping.country),
        channel="woocommerce",
        source_ref=text(order.get("id"), 64),
        carrier=_carrier(order),
        currency=currency,
        shipping_minor=to_minor(order.get("shipping_total"), currency, field="shipping_total"),
        discount_minor=to_minor(order.get("discount_total"), currency, field="discount_total"),
        tax_minor=to_minor(order.get("total_tax"), currency, field="total_tax"),
        note=text(order.get("customer_note"), 2000, multiline=True) or None,
        payment_pending=not is_paid(order),
        placed_at=parse_time(order.get("date_created_gmt") or order.get("date_created")),
        number=f"WC{text(order.get('number') or order.get('id'), 28)}",
        client_ip=ip_or_none(order.get("customer_ip_address")),
    )
