"""WooCommerce webhooks (REST API v3 order JSON) mapped to Shiplog commands.

An order is recorded with WooCommerce's money: each line's subtotal (before coupons) and total (after),
its tax, the shipping total, its fee lines, the tax lines, and the order's total, which Shiplog's must equal. The
payment is the store's (``StorePayment``, with WooCommerce's ``transaction_id``): never charged here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain.commands import PlaceOrder, StorePayment
from core.integrations.common import (
    address,
    carrier_code,
    full_name,
    ip_or_none,
    parse_time,
    phone_or_none,
    priced_lines,
    tax_lines,
    text,
)
from core.locales import canonical_or_none
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


def _line_money(item: dict[str, Any], currency: str, index: int) -> tuple[int, int, int]:
    """(unit price, line discount, line tax). WooCommerce keeps line sums, not unit prices: a subtotal that
    does not divide by the quantity is rounded up per unit and the excess counted as discount, so the
    line still comes to WooCommerce's total."""
    where = f"line_items[{index}]"
    quantity = max(int(item.get("quantity") or 0), 1)
    total = to_minor(item.get("total"), currency, field=f"{where}.total")
    subtotal = to_minor(item.get("subtotal"), currency, field=f"{where}.subtotal") if "subtotal" in item else total
    unit = -(-subtotal // quantity)
    return unit, subtotal - total + (unit * quantity - subtotal), to_minor(item.get("total_tax"), currency, field=where)


def _tax_lines(order: dict[str, Any], currency: str) -> list[dict[str, Any]]:
    """Each tax line with what it took on the items and on shipping together."""
    found = tax_lines(order.get("tax_lines"), "tax_total", "rate_percent", currency)
    raw = [tax for tax in order.get("tax_lines") or [] if isinstance(tax, dict)]
    for line, tax in zip(found, raw, strict=True):
        line["amount_minor"] += to_minor(tax.get("shipping_tax_total"), currency, field="tax_lines")
    return found


def _fees(order: dict[str, Any], currency: str) -> tuple[int, int]:
    """(the positive fees, the negative ones as an amount off): WooCommerce's ``fee_lines`` before tax (their
    tax is already in ``total_tax`` and the tax lines). A negative fee is how shops and plugins give a
    discount that is not a coupon, so it is not in ``discount_total``."""
    fees = [fee for fee in order.get("fee_lines") or [] if isinstance(fee, dict)]
    totals = [to_minor(fee.get("total"), currency, field=f"fee_lines[{i}].total") for i, fee in enumerate(fees)]
    return sum(t for t in totals if t > 0), -sum(t for t in totals if t < 0)


def _money(order: dict[str, Any], currency: str) -> dict[str, Any]:
    """The order's money as WooCommerce sent it, in ``PlaceOrder``'s fields."""
    lines = priced_lines(order.get("line_items"), lambda item, i: _line_money(item, currency, i))
    on_lines = sum(line.discount_minor for line in lines)
    charged, taken_off = _fees(order, currency)
    coupons = max(0, to_minor(order.get("discount_total"), currency, field="discount_total") - on_lines)
    return {
        "lines": lines,
        "store_priced": True,
        # A positive fee (gift wrap, handling, payment surcharge) is charged on top of the goods as shipping is:
        # the order has no fee column, so it is counted with shipping (docs/integrations.md).
        "shipping_minor": to_minor(order.get("shipping_total"), currency, field="shipping_total") + charged,
        # Coupons are spread over the lines (subtotal - total); what is beyond that, and negative fees, are the
        # order's own discount.
        "discount_minor": coupons + taken_off,
        "tax_minor": to_minor(order.get("total_tax"), currency, field="total_tax"),
        "tax_lines": _tax_lines(order, currency),
        "store_total_minor": to_minor(order.get("total"), currency, field="total"),
    }


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
        shipping_address=shipping,
        billing_address=address(billing, name=buyer, field="billing") if text(billing.get("address_1")) else None,
        phone=phone_or_none(billing.get("phone"), shipping.country),
        channel="woocommerce",
        source_ref=text(order.get("id"), 64),
        carrier=_carrier(order),
        currency=currency,
        note=text(order.get("customer_note"), 2000, multiline=True) or None,
        payment_pending=not is_paid(order),
        placed_at=parse_time(order.get("date_created_gmt") or order.get("date_created")),
        number=f"WC{text(order.get('number') or order.get('id'), 28)}",
        client_ip=ip_or_none(order.get("customer_ip_address")),
        store_name=f"#{text(order.get('number') or order.get('id'), 60)}",
        locale=_locale(order),
        store_payment=store_payment(order),
        **_money(order, currency),
    )


def store_payment(order: dict[str, Any]) -> StorePayment:
    """One payment per WooCommerce order, with the payment gateway's transaction id WooCommerce keeps
    (e.g. a Stripe charge), if any."""
    return StorePayment(
        "woocommerce", f"woocommerce:{text(order.get('id'), 64)}", text(order.get("transaction_id"), 200) or None
    )


def _locale(order: dict[str, Any]) -> str | None:
    """WooCommerce has no order language of its own; WPML and Polylang keep it in the order's meta."""
    for meta in order.get("meta_data") or []:
        if isinstance(meta, dict) and text(meta.get("key")) in {"wpml_language", "pll_language", "_customer_locale"}:
            return canonical_or_none(text(meta.get("value"), 35))
    return None


def refunds_reported(order: dict[str, Any], currency: str) -> list[tuple[str, int, str]]:
    """The order's refunds as ``order.updated`` lists them: (id, amount given back, reason)."""
    found = []
    for refund in order.get("refunds") or []:
        if isinstance(refund, dict) and text(refund.get("id")):
            amount = abs(to_minor(refund.get("total"), currency, field="refunds"))  # WooCommerce sends "-5.00"
            found.append((text(refund.get("id"), 120), amount, text(refund.get("reason"), 500)))
    return found
