"""Read-side helpers for the core integration tests: rows, events and the replay check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core import replay
from core.db import Base
from core.models import Event, Order, OutboxMessage, Payment, Refund, Return, Shipment, Variant
from core.shop import Shop
from tests import factories

STAFF = factories.STAFF
MANAGER = factories.MANAGER
CUSTOMER = factories.CUSTOMER


def events(shop: Shop, order_id: int | None = None, **where: Any) -> list[Event]:
    query = select(Event).order_by(Event.id)
    if order_id is not None:
        query = query.where(Event.order_id == order_id)
    for name, value in where.items():
        query = query.where(getattr(Event, name) == value)
    with shop.db.read() as session:
        return list(session.scalars(query))


def types(shop: Shop, order_id: int | None = None, **where: Any) -> list[str]:
    return [event.type for event in events(shop, order_id, **where)]


def row_counts(shop: Shop) -> dict[str, int]:
    """Rows in every table: the fingerprint that proves 'nothing was written'."""
    with shop.db.read() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def stock(shop: Shop, sku: str) -> tuple[int, int]:
    """(on_hand, reserved) of a SKU."""
    with shop.db.read() as session:
        row = session.execute(select(Variant.on_hand, Variant.reserved).where(Variant.sku == sku)).one()
        return row[0], row[1]


def payment(shop: Shop, order_id: int) -> Payment:
    with shop.db.read() as session:
        return session.scalars(select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)).one()


def refunds(shop: Shop, order_id: int) -> list[Refund]:
    with shop.db.read() as session:
        return list(session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)))


def shipment(shop: Shop, shipment_id: int) -> Shipment:
    with shop.db.read() as session:
        return session.get_one(Shipment, shipment_id)


def get_return(shop: Shop, return_id: int) -> Return:
    with shop.db.read() as session:
        found = session.get_one(Return, return_id)
        _ = found.lines
        return found


def order(shop: Shop, order_id: int) -> Order:
    return factories.reload(shop, order_id)


def outbox_templates(shop: Shop, order_id: int) -> list[tuple[str, str]]:
    with shop.db.read() as session:
        rows = session.execute(
            select(OutboxMessage.template, OutboxMessage.channel)
            .where(OutboxMessage.order_id == order_id)
            .order_by(OutboxMessage.id)
        )
        return [(template, channel) for template, channel in rows]


def differences(shop: Shop) -> list[str]:
    with shop.db.read() as session:
        return replay.differences(session)


def line_ids(shop: Shop, order_id: int) -> dict[str, int]:
    return {line.sku: line.id for line in order(shop, order_id).lines}


def shipment_id_of(shop: Shop, order_id: int) -> int:
    """The order's one parcel."""
    with shop.db.read() as session:
        return session.scalars(select(Shipment.id).where(Shipment.order_id == order_id)).one()


def ship_lines(shop: Shop, order_id: int, lines: dict[int, int], tracking_number: str) -> int:
    """Pack ``lines`` ({order line id: quantity}) into a parcel and hand it over; its id."""
    from core.services import fulfilment

    shipment = fulfilment.create_shipment(
        shop, order_id, carrier_code="ups", service="Ground", tracking_number=tracking_number, lines=lines, actor=STAFF
    )
    fulfilment.ship_shipment(shop, shipment.id, actor=STAFF)
    return shipment.id
