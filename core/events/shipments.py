"""Typed constructors of parcel events: packed, handed over, every carrier scan, cancelled.

Every shipment event starts with the same description of its parcel (``parcel``); a carrier
scan adds where and what (``scanned``). One function per event type, keyword-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from core.carriers import carrier
from core.clock import as_utc
from core.events.catalogue import EXCEPTION_TEXT
from core.events.fact import Fact


class Parcel(Protocol):
    """What a shipment event reads of its parcel (a ``Shipment``, or a bulk path's row of one)."""

    id: int
    order_id: int
    kind: str
    carrier: str
    service: str
    tracking_number: str


class Scan(Protocol):
    """What a carrier scan event reads of the scan (``core.domain.scans.CarrierScan``)."""

    location: str | None
    message: str | None
    exception_reason: str | None
    eta: datetime | None


def parcel(shipment: Parcel) -> dict[str, Any]:
    known = carrier(shipment.carrier)
    return {
        "carrier": known.code,
        "carrier_name": known.name,
        "service": shipment.service,
        "tracking_number": shipment.tracking_number,
        "kind": shipment.kind,
    }


def shipment_created(*, shipment: Parcel) -> Fact:
    return Fact("shipment.created", parcel(shipment), order_id=shipment.order_id, shipment_id=shipment.id)


def shipment_shipped(*, shipment: Parcel, items: list[list[int]]) -> Fact:
    """``items`` are [order line id, quantity] pairs of what left."""
    body = parcel(shipment) | {"items": items}
    return Fact("shipment.shipped", body, order_id=shipment.order_id, shipment_id=shipment.id)


def exchange_shipped(*, shipment: Parcel, items: list[list[int]]) -> Fact:
    body = parcel(shipment) | {"items": items}
    return Fact("exchange.shipped", body, order_id=shipment.order_id, shipment_id=shipment.id)


def shipment_cancelled(*, shipment: Parcel) -> Fact:
    return Fact("shipment.cancelled", {}, order_id=shipment.order_id, shipment_id=shipment.id)


def _scanned(code: str) -> Callable[..., Fact]:
    def constructor(*, shipment: Parcel, scan: Scan, stale: bool, key: str | None = None) -> Fact:
        body = parcel(shipment)
        body["location"], body["message"] = (scan.location or "")[:120], (scan.message or "")[:300]
        if scan.exception_reason:
            headline, next_step = EXCEPTION_TEXT[scan.exception_reason]
            body |= {"exception_reason": scan.exception_reason, "exception_text": headline, "next_step": next_step}
        if scan.eta is not None:
            body["eta"] = as_utc(scan.eta).isoformat()
        body["stale"] = stale  # an older scan than one already applied: timeline only, no message
        return Fact(code, body, order_id=shipment.order_id, shipment_id=shipment.id, key=key)

    constructor.__name__ = constructor.__qualname__ = code.replace(".", "_")
    constructor.__doc__ = f"``{code}``: a carrier scan of the parcel; ``key`` is the carrier's own event id."
    return constructor


shipment_in_transit = _scanned("shipment.in_transit")
shipment_out_for_delivery = _scanned("shipment.out_for_delivery")
shipment_available_for_pickup = _scanned("shipment.available_for_pickup")
shipment_delivered = _scanned("shipment.delivered")
shipment_exception = _scanned("shipment.exception")
shipment_eta_changed = _scanned("shipment.eta_changed")

SCANNED: dict[str, Callable[..., Fact]] = {
    f.__name__.replace("shipment_", "shipment.", 1): f
    for f in (
        shipment_in_transit,
        shipment_out_for_delivery,
        shipment_available_for_pickup,
        shipment_delivered,
        shipment_exception,
        shipment_eta_changed,
    )
}
