"""Pick, pack and hand over: one or several parcels per order, partial quantities, exchanges.

The order's fulfilment status follows its lines' shipped and delivered quantities
(``fulfilment_moves``); a parcel's own status follows the carrier (``core.domain.scans``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core import characters
from core.clock import as_utc
from core.domain import payment_outcomes, payments
from core.domain.stock import stocked
from core.domain.unit import Unit
from core.errors import IllegalTransition, PaymentRefused, ValidationFailed
from core.events import shipments as facts
from core.events.fact import Act
from core.lifecycle import Move, OrderStatus, ShipmentStatus, initial, record
from core.models import Order, OrderLine, Shipment, ShipmentLine

# A partially delivered order may still have lines waiting to be packed.
SHIPPABLE = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.PARTIALLY_DELIVERED}
)


@dataclass(frozen=True)
class Parcel:
    """What staff, a store or the seed say about a parcel being packed."""

    carrier_code: str
    service: str
    tracking_number: str
    lines: dict[int, int] | None = None  # order line id -> quantity; None = everything left
    eta: datetime | None = None


def tracking_number(raw: str) -> str:
    """The normalised tracking number, if it is well formed (uniqueness is the caller's query)."""
    number = raw.strip().upper()
    if not 6 <= len(number) <= 64 or not number.replace("-", "").isalnum():
        raise ValidationFailed("A tracking number has 6 to 64 letters and digits.", field="tracking_number")
    return number


def packed_quantities(shipments: Iterable[Shipment]) -> dict[int, int]:
    """Quantity per order line already in an outbound parcel that was not cancelled."""
    packed: dict[int, int] = {}
    for shipment in shipments:
        if shipment.kind == "outbound" and shipment.status != ShipmentStatus.CANCELLED:
            for item in shipment.lines:
                packed[item.order_line_id] = packed.get(item.order_line_id, 0) + item.quantity
    return packed


def sold_lines(order: Order) -> list[OrderLine]:
    """The lines sold with the order; an exchange's replacement lines travel in their exchange parcel."""
    return [line for line in order.lines if line.sold]


def _pick_lines(order: Order, packed: dict[int, int], wanted: dict[int, int] | None) -> dict[int, int]:
    remaining = {line.id: line.quantity - packed.get(line.id, 0) for line in sold_lines(order)}
    skus = {line.id: line.sku for line in order.lines}
    chosen = {k: v for k, v in remaining.items() if v > 0} if wanted is None else wanted
    if not chosen:
        raise ValidationFailed("Everything on this order is already packed.", field="lines")
    for line_id, qty in chosen.items():
        if line_id not in remaining:
            raise ValidationFailed(f"Line {line_id} is not on this order.", field="lines")
        if not 0 < qty <= remaining[line_id]:
            raise ValidationFailed(
                f"{skus[line_id]}: {qty} requested, but {remaining[line_id]} left to pack.", field="lines"
            )
    return chosen


def _check_carrier(carrier_code: str, service: str) -> None:
    characters.check(carrier_code, "carrier")
    characters.check(service, "service")
    if not 0 < len(carrier_code.strip()) <= 32:
        raise ValidationFailed("Choose a carrier.", field="carrier")
    if not 0 < len(service.strip()) <= 48:
        raise ValidationFailed("Choose a shipping service (up to 48 characters).", field="service")


def new_parcel(unit: Unit, act: Act, order: Order, parcel: Parcel, *, kind: str, return_id: int | None) -> Shipment:
    """A labelled parcel's row, waiting for the carrier."""
    eta = as_utc(parcel.eta) if parcel.eta else None
    return unit.create(
        Shipment, order_id=order.id, kind=kind, return_id=return_id, carrier=parcel.carrier_code.strip().lower()[:32],
        service=parcel.service[:48], tracking_number=tracking_number(parcel.tracking_number),
        status=initial("shipment"), exception_reason=None, original_eta=eta, current_eta=eta, last_location=None,
        last_scan_at=None, created_at=act.at, shipped_at=None, delivered_at=None,
    )  # fmt: skip


def pack(unit: Unit, act: Act, order: Order, parcel: Parcel, packed: dict[int, int]) -> Shipment:
    """Pack the chosen quantities (``packed``: what other parcels already hold) into a new parcel."""
    _check_carrier(parcel.carrier_code, parcel.service)
    if order.status not in SHIPPABLE:
        raise IllegalTransition(f"An order that is {order.status.replace('_', ' ')} cannot be packed.")
    chosen = _pick_lines(order, packed, parcel.lines)
    shipment = new_parcel(unit, act, order, parcel, kind="outbound", return_id=None)
    variants = {line.id: line.variant_id for line in order.lines}
    items = [{"shipment_id": shipment.id, "order_line_id": i, "variant_id": variants[i], "quantity": q} for i, q in chosen.items()]  # fmt: skip
    unit.create_all(ShipmentLine, items)
    moves = [Move.new("shipment", shipment)]
    if order.status == OrderStatus.CONFIRMED:
        moves.append(Move("order", order, OrderStatus.PROCESSING))
    record(unit, act, facts.shipment_created(shipment=shipment), *moves)
    return shipment


def fulfilment_target(order: Order) -> str | None:
    """The status the line quantities call for, or None while nothing has shipped."""
    ordered = shipped = delivered = 0
    for line in sold_lines(order):
        ordered += line.quantity
        shipped += line.qty_shipped
        delivered += line.qty_delivered
    if delivered == ordered:
        return OrderStatus.DELIVERED
    if delivered > 0:
        return OrderStatus.PARTIALLY_DELIVERED
    if shipped == ordered:
        return OrderStatus.SHIPPED
    return OrderStatus.PARTIALLY_SHIPPED if shipped > 0 else None


def fulfilment_moves(order: Order) -> list[Move]:
    """The order's move to what its lines say, if that is a change."""
    target = fulfilment_target(order)
    return [] if target is None or target == order.status else [Move("order", order, target)]


def hand_over(unit: Unit, act: Act, order: Order, shipment: Shipment, *, carried: bool = False) -> None:
    """The parcel leaves: stock goes down, its lines count as shipped, the order moves on (an exchange
    parcel's lines are replacements: the order's own fulfilment does not change). ``carried``: the
    carrier's scan says it has the parcel already, so a capture refused now cannot keep it back."""
    # The table lets a moving parcel go back to in_transit (a carrier scan), so it cannot be
    # what stops a second hand-over: that would take the stock out twice.
    if shipment.status != ShipmentStatus.LABEL_CREATED:
        raise IllegalTransition(
            f"Shipment {shipment.tracking_number} is {shipment.status.replace('_', ' ')}: "
            "only a parcel waiting for the carrier can be handed over.",
            field="status",
        )
    moves = [Move("shipment", shipment, ShipmentStatus.IN_TRANSIT)]
    shipment.shipped_at = shipment.last_scan_at = act.at
    lines = {line.id: line for line in order.lines}
    for variant_id, item in stocked(shipment.lines):
        unit.stock.consume(variant_id, item.quantity)
    for item in shipment.lines:
        lines[item.order_line_id].qty_shipped += item.quantity
    if shipment.kind == "outbound":
        order.shipped_at = order.shipped_at or act.at
        moves += fulfilment_moves(order)
        if unit.payment_policy.at_shipping and payments.authorised(order) is not None:
            _take_payment(unit, act, order, carried=carried)  # first, so a refused capture ships nothing
    items = [[item.order_line_id, item.quantity] for item in shipment.lines]
    made = facts.exchange_shipped if shipment.kind == "exchange" else facts.shipment_shipped
    record(unit, act, made(shipment=shipment, items=items), *moves)


def _take_payment(unit: Unit, act: Act, order: Order, *, carried: bool) -> None:
    """Capture at shipping. Staff handing the parcel over are stopped by a refusal (the parcel stays);
    a parcel the carrier already moves ships anyway, and the refusal is recorded on the payment, never
    a silent success: the order shows shipped unpaid (``payments.shipped_unpaid``) for staff to act on."""
    try:
        payments.capture_authorised(unit, act, order)
    except PaymentRefused as error:
        payment = next((p for p in order.payments if p.id == error.payment_id), None)
        if not carried or payment is None:
            raise
        payment_outcomes.payment_lost(
            unit, act.quietly(), payment, reason_code=error.reason, message=error.message, expired=error.expired,
            after_shipping=True,
        )  # fmt: skip


def deliver(order: Order, shipment: Shipment, when: datetime) -> list[Move]:
    """A parcel arrived: its lines count as delivered; the order's move that follows, if any."""
    shipment.delivered_at = when
    lines = {line.id: line for line in order.lines}
    for item in shipment.lines:
        lines[item.order_line_id].qty_delivered += item.quantity
    if shipment.kind != "outbound":
        return []
    moves = fulfilment_moves(order)
    if fulfilment_target(order) == OrderStatus.DELIVERED:
        order.delivered_at = when
    return moves
