"""Shipment steps: pack (``create_shipment``), hand over (``ship_in_session``), carrier scans (``record_scan``)."""

from __future__ import annotations

from typing import Any

from core.carriers import carrier as carrier_info
from core.events.catalogue import EXCEPTION_TEXT
from core.lifecycle import OrderStatus, ShipmentStatus
from core.seed.catalog import VariantInfo
from core.seed.context import Context
from core.seed.plans import Scan, ShipmentPlan
from core.seed.recorder import CARRIER
from core.seed.stamps import iso
from core.seed.state import GeneratorBug, SimLine, SimOrder, SimShipment, move
from core.services import fulfilment

SHIPPABLE = frozenset(fulfilment.SHIPPABLE)  # the statuses create_shipment accepts
_NAMES = {code: carrier_info(code).name for code in ("usps", "ups", "fedex", "dhl")}


def fulfilment_target(order: SimOrder) -> str | None:
    """``progress.fulfilment_target``: what the line quantities call for."""
    ordered = shipped = delivered = 0
    for line in order.lines:
        ordered += line.quantity
        shipped += line.shipped
        delivered += line.delivered
    if delivered == ordered:
        return OrderStatus.DELIVERED
    if delivered:
        return OrderStatus.PARTIALLY_DELIVERED
    if shipped == ordered:
        return OrderStatus.SHIPPED
    return OrderStatus.PARTIALLY_SHIPPED if shipped else None


def advance_order(order: SimOrder, transitions: dict[str, list[str]]) -> None:
    target = fulfilment_target(order)
    if target is not None and target != order.status:
        transitions["order"] = move("order", order, target)


def shipment_payload(shipment: SimShipment) -> dict[str, Any]:
    """``fulfilment.shipment_payload``: what every shipment event says about its parcel."""
    if not shipment.payload:
        shipment.payload = {
            "carrier": shipment.carrier,
            "carrier_name": _NAMES.get(shipment.carrier, shipment.carrier.upper()),
            "service": shipment.service,
            "tracking_number": shipment.tracking_number,
            "kind": shipment.kind,
        }
    return dict(shipment.payload)


def new_shipment(
    cx: Context, order: SimOrder, t: int, plan: ShipmentPlan, items: list[tuple[SimLine, VariantInfo, int]], kind: str
) -> SimShipment:
    shipment_id = cx.ids("shipments")
    shipment = SimShipment(
        id=shipment_id,
        kind=kind,
        carrier=plan.carrier,
        service=plan.service,
        tracking_number=cx.numbers.tracking_number(plan.carrier, shipment_id, plan.service_index),
        created=t,
        items=items,
        status=ShipmentStatus.LABEL_CREATED.value,
        original_eta=plan.eta,
        current_eta=plan.eta,
    )
    shipment.line_ids = [cx.ids("shipment_lines") for _ in items]
    order.shipments.append(shipment)
    order.shipment_for[id(plan)] = shipment
    return shipment


def create(cx: Context, order: SimOrder, t: int, plan: ShipmentPlan) -> None:
    """``fulfilment.create_shipment``: pack some quantities into a labelled parcel."""
    if order.status not in SHIPPABLE:
        raise GeneratorBug(f"order {order.number} is {order.status}: nothing can be packed")
    items = [(order.lines[index], order.lines[index].variant, qty) for index, qty in plan.items]
    shipment = new_shipment(cx, order, t, plan, items, "outbound")
    transitions = {"shipment": ["", ShipmentStatus.LABEL_CREATED]}
    if order.status == OrderStatus.CONFIRMED:
        transitions["order"] = move("order", order, OrderStatus.PROCESSING)
    cx.recorder.event(
        order, "shipment.created", t, cx.staff, shipment_payload(shipment), transitions, shipment_id=shipment.id
    )


def ship(cx: Context, order: SimOrder, t: int, plan: ShipmentPlan) -> None:
    """Staff hand the parcel over, or the carrier's first scan does (then the scan joins the timeline)."""
    shipment = order.shipment_for[id(plan)]
    if shipment.status != ShipmentStatus.LABEL_CREATED:
        return  # cancelled with its order before it left
    actor = CARRIER if plan.shipped_by_carrier else cx.staff
    _hand_over(cx, order, shipment, t, actor)
    if plan.first_scan is not None:
        apply_scan(cx, order, shipment, plan.first_scan)


def _hand_over(cx: Context, order: SimOrder, shipment: SimShipment, t: int, actor: Any) -> None:
    """``fulfilment.ship_in_session``: stock leaves, lines count as shipped, the order moves on."""
    transitions = {"shipment": move("shipment", shipment, ShipmentStatus.IN_TRANSIT)}
    shipment.shipped_at = shipment.last_scan = t
    for line, variant, qty in shipment.items:
        cx.ledger.consume(variant.id, qty)
        if shipment.kind == "outbound":
            line.shipped += qty
    if shipment.kind == "outbound":
        order.shipped_at = order.shipped_at or t
        advance_order(order, transitions)
    code = "exchange.shipped" if shipment.kind == "exchange" else "shipment.shipped"
    body = shipment_payload(shipment)
    body["items"] = [[line.id, qty] for line, _, qty in shipment.items]
    cx.recorder.event(order, code, t, actor, body, transitions, shipment_id=shipment.id)


def scan(cx: Context, order: SimOrder, t: int, arg: tuple[ShipmentPlan, Scan]) -> None:
    plan, update = arg
    shipment = order.shipment_for.get(id(plan))
    if shipment is not None and shipment.status != ShipmentStatus.CANCELLED:
        apply_scan(cx, order, shipment, update)


def _scan_payload(shipment: SimShipment, update: Scan) -> dict[str, Any]:
    body = shipment_payload(shipment)
    body["location"] = update.location[:120]
    body["message"] = update.message[:300]
    if update.reason:
        headline, next_step = EXCEPTION_TEXT[update.reason]
        body |= {"exception_reason": update.reason, "exception_text": headline, "next_step": next_step}
    if update.eta is not None:
        body["eta"] = iso(update.eta)
    return body


def _deliver(order: SimOrder, shipment: SimShipment, t: int, transitions: dict[str, list[str]]) -> None:
    shipment.delivered_at = t
    if shipment.kind != "outbound":
        return
    for line, _, qty in shipment.items:
        line.delivered += qty
    advance_order(order, transitions)
    if order.status == OrderStatus.DELIVERED:
        order.delivered_at = t


def apply_scan(cx: Context, order: SimOrder, shipment: SimShipment, update: Scan) -> None:
    """``tracking._apply`` for an in-order scan: status, delivery, exception reason, location and ETA."""
    t = update.t
    payload = _scan_payload(shipment, update)
    transitions: dict[str, list[str]] = {}
    eta_changed = update.eta is not None and shipment.current_eta != update.eta
    # As the service: a new exception sub-reason is news even without a status change.
    reason_changed = update.status == ShipmentStatus.EXCEPTION and update.reason != shipment.exception_reason
    if update.status != shipment.status:
        transitions["shipment"] = move("shipment", shipment, update.status)
        if update.status == ShipmentStatus.DELIVERED:
            _deliver(order, shipment, t, transitions)
    shipment.exception_reason = update.reason if update.status == ShipmentStatus.EXCEPTION else None
    shipment.last_scan, shipment.last_location = t, update.location or shipment.last_location
    if eta_changed:
        shipment.current_eta = update.eta
    quiet = not transitions and not reason_changed
    code = "shipment.eta_changed" if quiet and eta_changed else f"shipment.{update.status}"
    payload["stale"] = False
    notify = bool(transitions) or reason_changed or code == "shipment.eta_changed"
    lag = 30 + (t * 7919) % 900  # carrier feeds arrive a little after the scan
    cx.recorder.event(order, code, t, CARRIER, payload, transitions, shipment_id=shipment.id, notify=notify, lag=lag)
