"""Pick, pack and ship: one or several shipments per order, with partial quantities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.carriers import carrier
from core.clock import as_utc, utcnow
from core.errors import IllegalTransition, ValidationFailed
from core.events.log import Actor, append_event
from core.lifecycle import OrderStatus, ShipmentStatus, set_status
from core.models import Order, Shipment, ShipmentLine
from core.services import stock
from core.services.common import load_order, load_shipment_and_order
from core.services.progress import advance_order
from core.shop import Shop

# A partially delivered order may still have lines waiting to be packed.
SHIPPABLE = {
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.PARTIALLY_DELIVERED,
}


def _packed(session: Session, order_id: int) -> dict[int, int]:
    """Quantity per order line already in an outbound, non-cancelled shipment."""
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order_id, Shipment.kind == "outbound", Shipment.status != "cancelled")
        .group_by(ShipmentLine.order_line_id)
    )
    return {line_id: int(qty) for line_id, qty in rows}


def _pick_lines(order: Order, packed: dict[int, int], wanted: dict[int, int] | None) -> dict[int, int]:
    remaining = {line.id: line.quantity - packed.get(line.id, 0) for line in order.lines}
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
    if not 0 < len(carrier_code.strip()) <= 32:
        raise ValidationFailed("Choose a carrier.", field="carrier")
    if not 0 < len(service.strip()) <= 48:
        raise ValidationFailed("Choose a shipping service (up to 48 characters).", field="service")


def check_tracking(session: Session, tracking_number: str) -> str:
    """The normalised tracking number, if it is well formed and not already on another parcel."""
    number = tracking_number.strip().upper()
    if not 6 <= len(number) <= 64 or not number.replace("-", "").isalnum():
        raise ValidationFailed("A tracking number has 6 to 64 letters and digits.", field="tracking_number")
    if session.scalar(select(Shipment.id).where(Shipment.tracking_number == number)) is not None:
        raise ValidationFailed(f"Tracking number {number} is already used.", field="tracking_number")
    return number


def create_shipment(
    shop: Shop,
    order_id: int,
    *,
    carrier_code: str,
    service: str,
    tracking_number: str,
    lines: dict[int, int] | None = None,
    eta: datetime | None = None,
    actor: Actor,
    notify: bool = True,
) -> Shipment:
    """Pack some or all remaining quantities into a labelled parcel."""
    with shop.db.write() as session:
        order = load_order(session, order_id)
        parcel = Parcel(carrier_code, service, tracking_number, lines, eta)
        return pack_in_session(session, order, parcel, actor=actor, notify=notify)


@dataclass(frozen=True)
class Parcel:
    """What staff or a store say about a parcel being packed."""

    carrier_code: str
    service: str
    tracking_number: str
    lines: dict[int, int] | None = None  # order line id -> quantity; None = everything left
    eta: datetime | None = None


def _new_shipment(session: Session, order: Order, parcel: Parcel) -> Shipment:
    eta = as_utc(parcel.eta) if parcel.eta else None
    return Shipment(
        order_id=order.id,
        kind="outbound",
        carrier=parcel.carrier_code.strip().lower(),
        service=parcel.service,
        tracking_number=check_tracking(session, parcel.tracking_number),
        status=ShipmentStatus.LABEL_CREATED,
        original_eta=eta,
        current_eta=eta,
        created_at=utcnow(),
    )


def pack_in_session(session: Session, order: Order, parcel: Parcel, *, actor: Actor, notify: bool) -> Shipment:
    """Pack the chosen quantities of a locked order into a new labelled shipment."""
    _check_carrier(parcel.carrier_code, parcel.service)
    if order.status not in SHIPPABLE:
        raise IllegalTransition(f"An order that is {order.status.replace('_', ' ')} cannot be packed.")
    chosen = _pick_lines(order, _packed(session, order.id), parcel.lines)
    shipment = _new_shipment(session, order, parcel)
    session.add(shipment)
    session.flush()
    by_id = {line.id: line for line in order.lines}
    session.add_all(
        ShipmentLine(shipment_id=shipment.id, order_line_id=i, variant_id=by_id[i].variant_id, quantity=q)
        for i, q in chosen.items()
    )
    session.flush()
    session.refresh(shipment, ["lines"])
    transitions = {"shipment": ("", ShipmentStatus.LABEL_CREATED)}
    if order.status == OrderStatus.CONFIRMED:
        transitions["order"] = set_status("order", order, OrderStatus.PROCESSING)
    append_event(
        session,
        "shipment.created",
        order=order,
        actor=actor,
        notify=notify,
        shipment_id=shipment.id,
        transitions=transitions,
        payload=shipment_payload(shipment),
    )
    return shipment


def shipment_payload(shipment: Shipment) -> dict[str, object]:
    known = carrier(shipment.carrier)
    return {
        "carrier": known.code,
        "carrier_name": known.name,
        "service": shipment.service,
        "tracking_number": shipment.tracking_number,
        "kind": shipment.kind,
    }


def ship_in_session(
    session: Session,
    order: Order,
    shipment: Shipment,
    *,
    actor: Actor,
    notify: bool,
    occurred_at: datetime | None = None,
    payload: dict[str, object] | None = None,
) -> None:
    """The parcel leaves: stock goes down, lines count as shipped, the order moves on."""
    # The table lets a moving parcel go back to in_transit (a carrier scan), so it cannot be
    # what stops a second hand-over: that would take the stock out twice.
    if shipment.status != ShipmentStatus.LABEL_CREATED:
        raise IllegalTransition(
            f"Shipment {shipment.tracking_number} is {shipment.status.replace('_', ' ')}: "
            "only a parcel waiting for the carrier can be handed over.",
            field="status",
        )
    when = occurred_at or utcnow()
    transitions = {"shipment": set_status("shipment", shipment, ShipmentStatus.IN_TRANSIT)}
    shipment.shipped_at = when
    shipment.last_scan_at = when
    lines = {line.id: line for line in order.lines}
    for item in sorted(shipment.lines, key=lambda i: i.variant_id):  # id order: no deadlocks
        stock.consume(session, item.variant_id, item.quantity)
        if shipment.kind == "outbound":
            lines[item.order_line_id].qty_shipped += item.quantity
    if shipment.kind == "outbound":
        order.shipped_at = order.shipped_at or when
        transitions.update(advance_order(order))
    code = "exchange.shipped" if shipment.kind == "exchange" else "shipment.shipped"
    body = {
        **shipment_payload(shipment),
        **(payload or {}),
        "items": [[i.order_line_id, i.quantity] for i in shipment.lines],
    }
    append_event(
        session,
        code,
        order=order,
        actor=actor,
        notify=notify,
        shipment_id=shipment.id,
        occurred_at=when,
        transitions=transitions,
        payload=body,
    )


def ship_shipment(
    shop: Shop, shipment_id: int, *, actor: Actor, notify: bool = True, occurred_at: datetime | None = None
) -> Shipment:
    """Hand a labelled parcel to the carrier."""
    with shop.db.write() as session:
        shipment, order = load_shipment_and_order(session, shipment_id)
        ship_in_session(session, order, shipment, actor=actor, notify=notify, occurred_at=occurred_at)
        return shipment
