"""Backorders filled as stock arrives: the orders waiting for a variant, oldest first, take it
(``core.domain.orders.fill_backorder``), in the transaction that brought the stock in."""

from __future__ import annotations

from sqlalchemy import select

from core.domain import orders
from core.events.fact import Act
from core.lifecycle import OrderStatus
from core.models import Order, OrderLine, Variant
from core.services.unit import SessionUnit


def fill_backorders(unit: SessionUnit, act: Act, variant: Variant) -> None:
    """Give ``variant``'s new stock to the orders waiting for it, first placed first served."""
    waiting = (
        select(Order.id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(OrderLine.variant_id == variant.id, OrderLine.qty_backordered > 0, Order.status == OrderStatus.ON_HOLD)
        .order_by(Order.placed_at, Order.id)
    )
    # The stock change has been written by the ORM: flush it, so the guarded reservations below see it.
    unit.session.flush()
    for order_id in list(dict.fromkeys(unit.session.scalars(waiting))):
        if variant.on_hand - variant.reserved <= 0:
            return
        order = unit.session.get_one(Order, order_id, with_for_update=True)
        orders.fill_backorder(unit, act, order)
        unit.session.refresh(variant, ["on_hand", "reserved"])
