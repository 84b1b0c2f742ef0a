"""Past orders recorded as they were: placed, paid, shipped, delivered, refunded, closed or cancelled,
each step at its own time, through the same rules as a live order.

History moves no stock and no money and tells nobody: the service runs these rules on a unit whose
stock and gateway are history's (``core.services.unit.history_unit``) with ``notify`` off. See
docs/import.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core.domain import orders, payments
from core.domain.commands import LineInput, PlaceOrder
from core.domain.scans import CarrierScan
from core.domain.scans import apply as apply_scan
from core.domain.shipping import Parcel, hand_over, pack, tracking_number
from core.domain.unit import Unit
from core.errors import ValidationFailed
from core.events.fact import Act
from core.lifecycle import OrderStatus
from core.models import Order, Shipment, Variant

GATEWAY = "imported"  # a payment taken before Shiplog: recorded, never asked of a gateway
STATUSES = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED, OrderStatus.CANCELLED)
REFUND_REASON = "refunded before the import"
CANCEL_REASON = "cancelled before the import"


@dataclass(frozen=True)
class PastParcel:
    carrier: str
    service: str
    tracking_number: str
    shipped_at: datetime
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class PastOrder:
    """An order as the old system knew it: ``order`` as it was placed (lines at the prices paid then),
    what became of it, and when. ``names``: product name and variant title of SKUs no longer sold."""

    order: PlaceOrder
    status: str
    payment_reference: str
    parcel: PastParcel | None = None
    refunded_minor: int = 0
    refunded_at: datetime | None = None
    cancelled_at: datetime | None = None
    closed_at: datetime | None = None
    names: Mapping[str, tuple[str, str]] | None = None


@dataclass(frozen=True)
class PastItem:
    """What an order line copies (``core.domain.orders.Sellable``), as it sold then: the catalogue's
    variant if it still has the SKU, with the price paid; else the file's words and no variant."""

    id: int | None
    sku: str
    title: str
    price_minor: int
    currency: str
    final_sale: bool
    product_name: str
    listed: bool = True  # history records what sold then, whether the catalogue still offers it or not


def _item(
    index: int, line: LineInput, cmd: PlaceOrder, variant: Variant | None, names: Mapping[str, tuple[str, str]]
) -> PastItem:
    sku, price = line.sku, line.unit_price_minor
    if variant is not None:
        paid = variant.price_minor if price is None else price
        return PastItem(variant.id, sku, variant.title, paid, cmd.currency, variant.final_sale, variant.product_name)
    if price is None:
        raise ValidationFailed(
            f"SKU {sku!r} is not in the catalogue: give its unit_price (and product_name) to import it.",
            field=f"lines[{index}].unit_price",
        )
    name, title = names.get(sku) or (sku, "")
    return PastItem(None, sku, title[:120], price, cmd.currency, False, (name or sku)[:200])


def items(past: PastOrder, variants: Mapping[str, Variant]) -> dict[str, PastItem]:
    """Each line's item by SKU: SKUs the catalogue no longer has are kept as the file names them."""
    cmd = past.order
    return {line.sku: _item(i, line, cmd, variants.get(line.sku), past.names or {}) for i, line in enumerate(cmd.lines)}


def _after(later: datetime | None, earlier: datetime | None, field: str, what: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise ValidationFailed(f"{field} is before {what}.", field=field)


def _check_times(past: PastOrder, now: datetime) -> None:
    placed, parcel = past.order.placed_at, past.parcel
    if placed is None:
        raise ValidationFailed("A past order needs the time it was placed.", field="placed_at")
    shipped, delivered = (parcel.shipped_at, parcel.delivered_at) if parcel else (None, None)
    for field, moment in (("placed_at", placed), ("shipped_at", shipped), ("delivered_at", delivered),
                          ("refunded_at", past.refunded_at), ("cancelled_at", past.cancelled_at),
                          ("closed_at", past.closed_at)):  # fmt: skip
        if moment is not None and moment > now:
            raise ValidationFailed(f"{field} is in the future: history is what already happened.", field=field)
    _after(shipped, placed, "shipped_at", "placed_at")
    _after(delivered, shipped, "delivered_at", "shipped_at")
    _after(past.closed_at, delivered, "closed_at", "delivered_at")
    _after(past.refunded_at, placed, "refunded_at", "placed_at")
    _after(past.cancelled_at, placed, "cancelled_at", "placed_at")


# What each status needs: (a parcel, its delivery, the cancellation); closed orders say when, or close on delivery.
_NEEDS = {
    OrderStatus.SHIPPED: (True, False, False),
    OrderStatus.DELIVERED: (True, True, False),
    OrderStatus.CLOSED: (True, True, False),
    OrderStatus.CANCELLED: (False, False, True),
}


def _check_status(past: PastOrder) -> None:
    if past.status not in _NEEDS:
        known = ", ".join(STATUSES)
        raise ValidationFailed(
            f"Status {past.status!r} cannot be imported as history: use {known} (an open order goes in "
            "through the API, so its stock is reserved).",
            field="status",
        )
    parcel, delivered, cancelled = _NEEDS[past.status]
    if parcel != (past.parcel is not None):
        raise ValidationFailed(
            f"A {past.status} order {'needs' if parcel else 'has no'} shipped_at, carrier and tracking_number.",
            field="shipped_at",
        )
    if past.parcel is not None and delivered != (past.parcel.delivered_at is not None):
        raise ValidationFailed(
            f"A {past.status} order {'needs' if delivered else 'has no'} delivered_at.", field="delivered_at"
        )
    if cancelled != (past.cancelled_at is not None):
        raise ValidationFailed(
            f"A {past.status} order {'needs' if cancelled else 'has no'} cancelled_at.", field="cancelled_at"
        )
    if past.closed_at is not None and past.status != OrderStatus.CLOSED:
        raise ValidationFailed("Only a closed order has closed_at.", field="closed_at")


def _check_money(past: PastOrder, total_minor: int) -> None:
    refunded = past.refunded_minor
    if refunded < 0 or refunded > total_minor:
        raise ValidationFailed("refunded_amount must be between zero and the order's total.", field="refunded_amount")
    if (refunded > 0) != (past.refunded_at is not None) and past.status != OrderStatus.CANCELLED:
        raise ValidationFailed("refunded_amount and refunded_at go together.", field="refunded_at")
    if past.status == OrderStatus.CANCELLED and refunded not in (0, total_minor):
        raise ValidationFailed(
            "A cancelled order gave back all it took: leave refunded_amount blank (never paid) or give the total.",
            field="refunded_amount",
        )


def check(past: PastOrder, total_minor: int, now: datetime) -> None:
    """Refuse a past order whose status, times or money do not tell one consistent story."""
    _check_status(past)
    _check_times(past, now)
    _check_money(past, total_minor)
    if past.parcel is not None:
        tracking_number(past.parcel.tracking_number)
    if not 0 < len(past.payment_reference) <= 64:
        raise ValidationFailed("A payment reference has 1 to 64 characters.", field="payment_reference")


def paid(past: PastOrder) -> bool:
    """A cancelled order that gave nothing back was never paid; every other past order was."""
    return past.status != OrderStatus.CANCELLED or past.refunded_minor > 0


def _timeline(past: PastOrder) -> list[tuple[datetime, str]]:
    """The order's steps after it was placed and paid, in time order (steps at one time keep this order)."""
    found: list[tuple[datetime, str]] = []
    if past.cancelled_at is not None:
        found.append((past.cancelled_at, "cancel"))
    elif past.refunded_at is not None:
        found.append((past.refunded_at, "refund"))
    parcel = past.parcel
    if parcel is not None:
        found.append((parcel.shipped_at, "ship"))
        if parcel.delivered_at is not None:
            found.append((parcel.delivered_at, "deliver"))
            if past.status == OrderStatus.CLOSED:
                found.append((past.closed_at or parcel.delivered_at, "close"))
    return sorted(found, key=lambda step: step[0])


def _ship(unit: Unit, act: Act, order: Order, parcel: PastParcel) -> Shipment:
    shipment = pack(unit, act, order, Parcel(parcel.carrier, parcel.service, parcel.tracking_number), {})
    hand_over(unit, act, order, shipment)
    return shipment


def _deliver(unit: Unit, act: Act, order: Order, shipment: Shipment) -> None:
    scan = CarrierScan(shipment.tracking_number, "delivered", act.at, message="Delivered")
    apply_scan(unit, act, order, shipment, scan, when=act.at, eta=None, key=None)


def play(unit: Unit, act: Act, order: Order, past: PastOrder) -> None:
    """After the order is placed (and paid): each later step of its story, at its own time."""
    shipment: Shipment | None = None
    for when, step in _timeline(past):
        at = act.happened(when)
        if step == "ship" and past.parcel is not None:
            shipment = _ship(unit, at, order, past.parcel)
        elif step == "deliver" and shipment is not None:
            _deliver(unit, at, order, shipment)
        elif step == "refund":
            payment = payments.paying_for(order, past.refunded_minor)
            payments.refund(unit, at, payment, past.refunded_minor, reason=REFUND_REASON)
        elif step == "cancel":
            orders.cancel(unit, at, order, [], reason=CANCEL_REASON)
        elif step == "close":
            orders.close(unit, at, order, [])
