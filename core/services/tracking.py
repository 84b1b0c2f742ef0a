"""Carrier tracking updates, from a carrier feed, the API or staff, up to delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc, utcnow
from core.errors import NotFound, ValidationFailed
from core.events.catalogue import EXCEPTION_TEXT
from core.events.log import Actor, append_event, ensure_new
from core.lifecycle import ExceptionReason, ShipmentStatus, set_status
from core.models import Order, Shipment
from core.services.common import load_shipment_and_order
from core.services.fulfilment import ship_in_session, shipment_payload
from core.services.progress import advance_order
from core.shop import Shop

CARRIER = Actor("carrier")
SCAN_STATUSES = {s.value for s in ShipmentStatus} - {ShipmentStatus.LABEL_CREATED, ShipmentStatus.CANCELLED}


@dataclass(slots=True)  # not frozen: a batch builds up to 1000 and frozen init costs 4x; never mutated
class CarrierScan:
    tracking_number: str
    status: str  # a ShipmentStatus value other than label_created / cancelled
    occurred_at: datetime
    location: str | None = None
    message: str | None = None
    exception_reason: str | None = None
    eta: datetime | None = None
    external_id: str | None = None  # the carrier's own event id, for deduplication


def _validate(scan: CarrierScan) -> None:
    if scan.external_id is not None and not 0 < len(scan.external_id) <= 120:
        raise ValidationFailed("A carrier event id has 1 to 120 characters.", field="external_id")
    if scan.status not in SCAN_STATUSES:
        raise ValidationFailed(f"Unknown tracking status {scan.status!r}.", field="status")
    if scan.status == ShipmentStatus.EXCEPTION and scan.exception_reason not in {r.value for r in ExceptionReason}:
        raise ValidationFailed(
            "An exception needs a reason: " + ", ".join(r.value for r in ExceptionReason), field="exception_reason"
        )


def add_scan_details(body: dict[str, object], scan: CarrierScan) -> dict[str, object]:
    """What a scan adds to the event payload after the parcel's own details (in ``body``)."""
    body["location"], body["message"] = (scan.location or "")[:120], (scan.message or "")[:300]
    if scan.exception_reason:
        headline, next_step = EXCEPTION_TEXT[scan.exception_reason]
        body |= {"exception_reason": scan.exception_reason, "exception_text": headline, "next_step": next_step}
    if scan.eta is not None:
        body["eta"] = as_utc(scan.eta).isoformat()
    return body


def _scan_payload(shipment: Shipment, scan: CarrierScan) -> dict[str, object]:
    return add_scan_details(shipment_payload(shipment), scan)


def _deliver(order: Order, shipment: Shipment, when: datetime) -> dict[str, tuple[str, str]]:
    shipment.delivered_at = when
    if shipment.kind != "outbound":
        return {}
    lines = {line.id: line for line in order.lines}
    for item in shipment.lines:
        lines[item.order_line_id].qty_delivered += item.quantity
    changes = advance_order(order)
    if order.status == "delivered":
        order.delivered_at = when
    return changes


def _apply(
    session: Session, order: Order, shipment: Shipment, scan: CarrierScan, actor: Actor, notify: bool, key: str | None
) -> None:
    when = as_utc(scan.occurred_at)
    payload = _scan_payload(shipment, scan)
    stale = shipment.last_scan_at is not None and when < shipment.last_scan_at
    transitions: dict[str, tuple[str, str]] = {}
    eta_changed = scan.eta is not None and shipment.current_eta != as_utc(scan.eta)
    # A new exception sub-reason (a delay that became "lost") is news for the customer.
    reason_changed = scan.status == ShipmentStatus.EXCEPTION and scan.exception_reason != shipment.exception_reason
    if not stale:
        if scan.status != shipment.status:
            transitions["shipment"] = set_status("shipment", shipment, scan.status)
        if scan.status == ShipmentStatus.DELIVERED and "shipment" in transitions:
            transitions.update(_deliver(order, shipment, when))
        shipment.exception_reason = scan.exception_reason if scan.status == ShipmentStatus.EXCEPTION else None
        shipment.last_scan_at, shipment.last_location = when, (scan.location or "")[:120] or shipment.last_location
        if eta_changed:
            shipment.current_eta = as_utc(scan.eta)  # type: ignore[arg-type]
    code = f"shipment.{scan.status}"
    if not transitions and eta_changed and not stale and not reason_changed:
        code = "shipment.eta_changed"
    append_event(
        session,
        code,
        order=order,
        actor=actor,
        shipment_id=shipment.id,
        occurred_at=when,
        transitions=transitions,
        payload=payload | {"stale": stale},
        idempotency_key=key,
        notify=notify and not stale and bool(transitions or reason_changed or code == "shipment.eta_changed"),
    )


def record_scan(shop: Shop, scan: CarrierScan, *, actor: Actor = CARRIER, notify: bool = True) -> Shipment:
    """Apply one carrier update. A repeat of the same carrier event is refused as a duplicate;
    an update older than the newest one applied joins the timeline without changing status."""
    _validate(scan)
    number = scan.tracking_number.strip().upper()
    key = f"carrier:{number}:{scan.external_id}" if scan.external_id else None
    with shop.db.write() as session:
        shipment_id = session.scalar(select(Shipment.id).where(Shipment.tracking_number == number))
        if shipment_id is None:
            raise NotFound(f"No shipment with tracking number {number}.")
        shipment, order = load_shipment_and_order(session, shipment_id)
        # Checked under the order's lock: the same carrier event delivered twice at once is
        # serialised here and the second one is refused, instead of failing on the unique key.
        ensure_new(session, key)
        if shipment.status == ShipmentStatus.LABEL_CREATED:
            ship_in_session(session, order, shipment, actor=actor, notify=notify, occurred_at=scan.occurred_at)
        _apply(session, order, shipment, scan, actor, notify, key)
        return shipment


def mark_delivered(shop: Shop, shipment_id: int, *, actor: Actor, notify: bool = True) -> Shipment:
    """Staff confirm delivery by hand (e.g. a customer called)."""
    with shop.db.read() as session:
        shipment = session.get(Shipment, shipment_id)
        if shipment is None:
            raise NotFound(f"No shipment #{shipment_id}.")
    # Never older than the newest carrier scan, or the confirmation would only join the timeline.
    when = max(utcnow(), shipment.last_scan_at or utcnow())
    scan = CarrierScan(shipment.tracking_number, ShipmentStatus.DELIVERED, when)
    return record_scan(shop, scan, actor=actor, notify=notify)
