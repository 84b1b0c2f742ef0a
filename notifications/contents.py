"""What a parcel or a return holds, and when a parcel comes, as the order's own messages tell it.

A parcel's items are its own lines (an exchange's are the replacement lines: the new size, not the
old); its link is the shop's tracking page; its expected day follows the rule every page uses
(``core.arrival``), in the shop's time zone and the message's language. A return's steps are the
return page's (``core.returning``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.arrival import EXPECTED, arrival
from core.carriers import carrier
from core.clock import utcnow
from core.models import Order, OrderLine, Return, Shipment, ShipmentLine, Variant
from core.returning import send_back_steps
from web import formats


class ParcelLinks(Protocol):
    def track(self, tracking_number: str) -> str: ...

    def return_label(self, order_id: int, rma: str) -> str: ...


class Shop(Protocol):
    """The branding a return's steps need (``notifications.context.Branding``)."""

    name: str
    support_email: str
    return_address: tuple[str, ...]


def item(line: OrderLine, quantity: int, title: str | None = None) -> dict[str, Any]:
    return {"name": line.name, "variant": title or line.variant_title, "sku": line.sku, "quantity": quantity}


def expected_day(shipment: Shipment, zone: str, language: str) -> str | None:
    """The day it should arrive, by the pages' rule; none once delivered, while late, or when unknown."""
    went_out = shipment.last_scan_at if shipment.status == "out_for_delivery" else None
    due = arrival(
        shipment.status, delivered_at=shipment.delivered_at, current_eta=shipment.current_eta,
        out_for_delivery_at=went_out, now=utcnow(), zone_name=zone,
    )  # fmt: skip
    return formats.calendar_day(due.day, language, year=False) if due is not None and due.state == EXPECTED else None


def _packed_before(session: Session, order_id: int, shipment_id: int) -> dict[int, int]:
    """Per order line, the quantity in outbound parcels up to and including ``shipment_id``."""
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(
            Shipment.order_id == order_id,
            Shipment.kind == "outbound",
            Shipment.status != "cancelled",
            Shipment.id <= shipment_id,
        )
        .group_by(ShipmentLine.order_line_id)
    )
    return {line_id: int(qty) for line_id, qty in rows}


def shipment_contents(
    session: Session, order: Order, shipment: Shipment, zone: str, language: str, links: ParcelLinks
) -> dict[str, Any]:
    lines = {line.id: line for line in order.lines}
    titles = {
        v.id: v.title
        for v in session.scalars(select(Variant).where(Variant.id.in_(i.variant_id for i in shipment.lines)))
    }
    known = carrier(shipment.carrier)
    packed = _packed_before(session, order.id, shipment.id) if shipment.kind == "outbound" else {}
    return {
        "kind": shipment.kind,
        "carrier_name": known.name,
        "service": shipment.service,
        "tracking_number": shipment.tracking_number,
        "tracking_url": known.tracking_link(shipment.tracking_number) or None,  # the carrier's own page
        "track_url": links.track(shipment.tracking_number),  # the shop's tracking page, where messages send people
        "eta": expected_day(shipment, zone, language),
        "location": shipment.last_location,
        "contents": [item(lines[i.order_line_id], i.quantity, titles.get(i.variant_id)) for i in shipment.lines],
        "still_to_come": [
            item(line, line.quantity - packed.get(line.id, 0))
            for line in order.lines
            if shipment.kind == "outbound" and line.sold and line.quantity > packed.get(line.id, 0)
        ],
    }


def return_contents(
    order: Order, ret: Return, links: ParcelLinks, shop: Shop, gettext: Callable[[str], str]
) -> dict[str, Any]:
    lines = {line.id: line for line in order.lines}
    return {
        "rma": ret.rma,
        "contents": [item(lines[i.order_line_id], i.quantity) | {"resolution": i.resolution} for i in ret.lines],
        "label_url": links.return_label(order.id, ret.rma),
        "tracking_number": ret.return_tracking_number,
        # How to send it back: the very steps the return page shows, in the message's language.
        "steps": send_back_steps(
            shop_name=shop.name, rma=ret.rma, address=shop.return_address, support_email=shop.support_email, tr=gettext
        ),
    }
