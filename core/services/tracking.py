"""Carrier tracking updates, from a carrier feed, the API or staff, up to delivery."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import as_utc, utcnow
from core.domain import scans, shipping
from core.domain.scans import CarrierScan
from core.errors import NotFound
from core.events.fact import CARRIER, Act, Actor
from core.events.log import ensure_new
from core.lifecycle import ShipmentStatus
from core.models import Shipment
from core.permissions import Permission
from core.services.common import load_shipment_and_order
from core.services.unit import unit_of_work
from core.shop import Shop


def record_scan(shop: Shop, scan: CarrierScan, *, actor: Actor = CARRIER, notify: bool = True) -> Shipment:
    """Apply one carrier update. A repeat of the same carrier event is refused as a duplicate;
    an update older than the newest one applied joins the timeline without changing status."""
    shop.permissions.require(actor, Permission.SHIPMENT_UPDATE)  # staff adding a carrier event by hand
    scans.validate(scan)
    number = scan.tracking_number.strip().upper()
    key = scans.scan_key(number, scan)
    with unit_of_work(shop) as unit:
        shipment_id = unit.session.scalar(select(Shipment.id).where(Shipment.tracking_number == number))
        if shipment_id is None:
            raise NotFound(f"No shipment with tracking number {number}.")
        shipment, order = load_shipment_and_order(unit.session, shipment_id)
        # Checked under the order's lock: the same carrier event delivered twice at once is
        # serialised here and the second one is refused, instead of failing on the unique key.
        ensure_new(unit.session, key)
        when = as_utc(scan.occurred_at)
        act = Act(actor, when, notify)
        if shipment.status == ShipmentStatus.LABEL_CREATED:
            shipping.hand_over(unit, act, order, shipment, carried=True)
        eta = None if scan.eta is None else as_utc(scan.eta)
        scans.apply(unit, act, order, shipment, scan, when=when, eta=eta, key=key)
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
