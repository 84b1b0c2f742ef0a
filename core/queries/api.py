"""Read-side queries for the JSON API: orders, shipments and events as plain JSON-ready dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.events.catalogue import describe
from core.models import Event, Order, Refund, Return, Shipment, ShipmentLine, Variant


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def event_json(event: Event, order_number: str | None) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "text": describe(event.type, event.payload),
        "order_number": order_number,
        "shipment_id": event.shipment_id,
        "return_id": event.return_id,
        "occurred_at": _time(event.occurred_at),
        "recorded_at": _time(event.recorded_at),
        "actor_type": event.actor_type,
        "visibility": event.visibility,
        "payload": event.payload or {},
    }


def shipment_json(shipment: Shipment, order_number: str, lines: list[ShipmentLine]) -> dict[str, Any]:
    return {
        "id": shipment.id,
        "order_number": order_number,
        "kind": shipment.kind,
        "carrier": shipment.carrier,
        "service": shipment.service,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "exception_reason": shipment.exception_reason,
        "shipped_at": _time(shipment.shipped_at),
        "delivered_at": _time(shipment.delivered_at),
        "current_eta": _time(shipment.current_eta),
        "lines": [{"line_id": line.order_line_id, "quantity": line.quantity} for line in lines],
    }


def shipment_by_id(session: Session, shipment_id: int) -> dict[str, Any] | None:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        return None
    number = session.scalar(select(Order.number).where(Order.id == shipment.order_id)) or ""
    return shipment_json(shipment, number, list(shipment.lines))


def _address(order: Order) -> dict[str, Any] | None:
    found = order.address("shipping")
    if found is None:
        return None
    keys = ("name", "line1", "line2", "city", "region", "postal_code", "country")
    return {key: getattr(found, key) for key in keys}


def order_json(session: Session, number: str) -> dict[str, Any] | None:
    """The order with its lines, shipments and every event (internal ones too: API keys are staff)."""
    order = session.scalar(select(Order).where(Order.number == number))
    if order is None:
        return None
    shipments = session.scalars(select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id))
    events = session.scalars(select(Event).where(Event.order_id == order.id).order_by(Event.id))
    line_keys = ("id", "sku", "name", "variant_title", "quantity", "unit_price_minor", "discount_minor")
    progress = ("qty_shipped", "qty_delivered", "qty_returned", "replaces_line_id")
    return {
        "id": order.id,
        "number": order.number,
        "status": order.status,
        "hold_reason": order.hold_reason,
        "channel": order.channel,
        "source_ref": order.source_ref,
        "email": order.email,
        "currency": order.currency,
        "locale": order.locale,
        "subtotal_minor": order.subtotal_minor,
        "discount_minor": order.discount_minor,
        "shipping_minor": order.shipping_minor,
        "tax_minor": order.tax_minor,
        "total_minor": order.total_minor,
        "placed_at": _time(order.placed_at),
        "lines": [{key: getattr(line, key) for key in (*line_keys, *progress)} for line in order.lines],
        "shipping_address": _address(order),
        "shipments": [shipment_json(s, order.number, list(s.lines)) for s in shipments],
        "events": [event_json(e, order.number) for e in events],
    }


def order_number(session: Session, order_id: int) -> str | None:
    return session.scalar(select(Order.number).where(Order.id == order_id))


def events_after(session: Session, after: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Events with id > ``after``, oldest first, and whether more follow."""
    rows = session.execute(
        select(Event, Order.number)
        .outerjoin(Order, Order.id == Event.order_id)
        .where(Event.id > after)
        .order_by(Event.id)
        .limit(limit + 1)
    ).all()
    return [event_json(event, number) for event, number in rows[:limit]], len(rows) > limit


def latest_event(session: Session, shipment_id: int) -> tuple[int, str]:
    """The newest event of a shipment: what a tracking event just recorded."""
    row = session.execute(
        select(Event.id, Event.type).where(Event.shipment_id == shipment_id).order_by(Event.id.desc()).limit(1)
    ).one()
    return int(row[0]), str(row[1])


def return_id_for(session: Session, rma: str) -> int | None:
    return session.scalar(select(Return.id).where(Return.rma == rma))


def return_json(session: Session, return_id: int) -> dict[str, Any] | None:
    """A return with its lines (the line ids a receipt names) and its events."""
    found = session.get(Return, return_id)
    if found is None:
        return None
    number = order_number(session, found.order_id)
    events = session.scalars(select(Event).where(Event.return_id == found.id).order_by(Event.id))
    line_keys = ("id", "order_line_id", "quantity", "reason", "resolution", "condition", "restocked_qty")
    wanted = {line.exchange_variant_id for line in found.lines if line.exchange_variant_id is not None}
    skus = dict(session.execute(select(Variant.id, Variant.sku).where(Variant.id.in_(wanted))).tuples().all())
    return {
        "id": found.id,
        "rma": found.rma,
        "order_number": number,
        "status": found.status,
        "restocking_fee_minor": found.restocking_fee_minor,
        "created_at": _time(found.created_at),
        "lines": [
            {key: getattr(line, key) for key in line_keys} | {"exchange_sku": skus.get(line.exchange_variant_id or 0)}
            for line in found.lines
        ],
        "events": [event_json(e, number) for e in events],
    }


def refund_json(session: Session, refund_id: int) -> dict[str, Any] | None:
    found = session.get(Refund, refund_id)
    if found is None:
        return None
    keys = ("id", "amount_minor", "currency", "reason", "reference")
    return {key: getattr(found, key) for key in keys} | {
        "order_number": order_number(session, found.order_id),
        "created_at": _time(found.created_at),
    }
