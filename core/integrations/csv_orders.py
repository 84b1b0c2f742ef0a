"""Past orders from a CSV file, mapped to ``PastOrder`` (see docs/import.md).

The CSV has one row per order line; rows with the same ``order_number`` form one order, whose
order-level columns must agree on every row. Reading and mapping only: ``flask import-orders``
records each one as history (``core.services.history``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.domain.commands import AddressInput, LineInput, PlaceOrder
from core.domain.history import PastOrder, PastParcel
from core.errors import ValidationFailed
from core.integrations.common import parse_time
from core.money import to_minor

REQUIRED = ("order_number", "placed_at", "email", "name", "sku", "quantity", "ship_line1", "ship_city")
REQUIRED += ("ship_postal_code", "ship_country")
ORDER_LEVEL = ("placed_at", "email", "name", "phone", "currency", "shipping", "tax", "discount", "carrier", "note")
ORDER_LEVEL += ("locale", "status", "shipped_at", "service", "tracking_number", "delivered_at", "refunded_amount")
ORDER_LEVEL += ("refunded_at", "cancelled_at", "closed_at", "payment_reference")
# A blank status is told by the latest time given, latest first.
STATUS_BY_TIME = (("cancelled_at", "cancelled"), ("closed_at", "closed"), ("delivered_at", "delivered"))
STATUS_BY_TIME += (("shipped_at", "shipped"),)


@dataclass
class OrderRows:
    number: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line number in the file, row)


def read_orders(path: Path) -> list[OrderRows]:
    """Rows grouped by order number, in file order; a missing column refuses the whole file."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = {(name or "").strip().lower() for name in reader.fieldnames or []}
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            detail = f"{path.name} is missing column(s): {', '.join(missing)} (see docs/import.md)"
            raise ValidationFailed(detail, field="file")
        groups: dict[str, OrderRows] = {}
        for line_no, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            groups.setdefault(row["order_number"], OrderRows(row["order_number"])).rows.append((line_no, row))
    return list(groups.values())


def _line(row: dict[str, str], currency: str, index: int) -> LineInput:
    if not row["quantity"].isdigit():
        raise ValidationFailed(f"Quantity {row['quantity']!r} is not a whole number.", field=f"lines[{index}].quantity")
    price = row.get("unit_price")
    unit = to_minor(price, currency, field=f"lines[{index}].unit_price") if price else None
    discount = to_minor(row.get("line_discount"), currency, field=f"lines[{index}].line_discount")
    return LineInput(row["sku"], int(row["quantity"]), unit, discount)


def _check_order_level(group: OrderRows) -> dict[str, str]:
    """The group's first row, once every later row agrees with it on the order-level columns."""
    first = group.rows[0][1]
    for line_no, row in group.rows[1:]:
        for name in ORDER_LEVEL:
            if row.get(name) and row.get(name) != first.get(name):
                raise ValidationFailed(f"Row {line_no}: {name} differs from the order's first row.", field=name)
    if not group.number:
        raise ValidationFailed("order_number is empty.", field="order_number")
    return first


def _address(first: dict[str, str]) -> AddressInput:
    return AddressInput(
        name=first.get("ship_name") or first["name"],
        line1=first["ship_line1"],
        line2=first.get("ship_line2") or None,
        city=first["ship_city"],
        region=first.get("ship_region") or None,
        postal_code=first["ship_postal_code"],
        country=first["ship_country"].upper(),
    )


def _time(first: dict[str, str], name: str) -> datetime | None:
    if not first.get(name):
        return None
    moment = parse_time(first[name])
    if moment is None:
        raise ValidationFailed(f"{name} {first[name]!r} is not an ISO 8601 time.", field=name)
    return moment


def _command(first: dict[str, str], group: OrderRows) -> PlaceOrder:
    """The order as it was placed (order-level columns from ``first``)."""
    placed = _time(first, "placed_at")
    if placed is None:
        raise ValidationFailed("placed_at is empty.", field="placed_at")
    currency = (first.get("currency") or "USD").upper()
    return PlaceOrder(
        email=first["email"],
        name=first["name"],
        phone=first.get("phone") or None,
        lines=[_line(row, currency, i) for i, (_, row) in enumerate(group.rows)],
        shipping_address=_address(first),
        channel="import",
        source_ref=group.number,
        number=group.number,
        carrier=(first.get("carrier") or "usps").lower(),
        currency=currency,
        locale=first.get("locale") or None,
        shipping_minor=to_minor(first.get("shipping"), currency, field="shipping"),
        tax_minor=to_minor(first.get("tax"), currency, field="tax"),
        discount_minor=to_minor(first.get("discount"), currency, field="discount"),
        note=first.get("note") or None,
        placed_at=placed,
    )


def _status(first: dict[str, str]) -> str:
    given = first.get("status", "").lower()
    if given:
        return given
    told = next((status for name, status in STATUS_BY_TIME if first.get(name)), None)
    if told is None:
        raise ValidationFailed(
            "Give the order's status (shipped, delivered, closed or cancelled), or the times that tell it.",
            field="status",
        )
    return told


def _parcel(first: dict[str, str]) -> PastParcel | None:
    shipped = _time(first, "shipped_at")
    if shipped is None:
        return None
    return PastParcel(
        carrier=(first.get("carrier") or "usps").lower(),
        service=first.get("service") or "Standard",
        tracking_number=first.get("tracking_number", ""),
        shipped_at=shipped,
        delivered_at=_time(first, "delivered_at"),
    )


def _names(group: OrderRows) -> dict[str, tuple[str, str]]:
    """Product name and variant title per SKU, as the file gives them (for SKUs no longer sold)."""
    return {
        row["sku"]: (row.get("product_name", ""), row.get("variant_title", ""))
        for _, row in group.rows
        if row.get("product_name") or row.get("variant_title")
    }


def to_past(group: OrderRows) -> PastOrder:
    """The group as one ``PastOrder``; order-level columns must agree on every row."""
    first = _check_order_level(group)
    cmd = _command(first, group)
    return PastOrder(
        order=cmd,
        status=_status(first),
        payment_reference=first.get("payment_reference") or f"import-{group.number}"[:64],
        parcel=_parcel(first),
        refunded_minor=to_minor(first.get("refunded_amount"), cmd.currency, field="refunded_amount"),
        refunded_at=_time(first, "refunded_at"),
        cancelled_at=_time(first, "cancelled_at"),
        closed_at=_time(first, "closed_at"),
        names=_names(group),
    )
