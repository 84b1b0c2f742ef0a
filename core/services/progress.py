"""The order's fulfilment status, derived from its lines' shipped and delivered quantities."""

from __future__ import annotations

from core.lifecycle import OrderStatus, set_status
from core.models import Order


def fulfilment_target(order: Order) -> str | None:
    """The status the line quantities call for, or None while nothing has shipped."""
    ordered = sum(line.quantity for line in order.lines)
    shipped = sum(line.qty_shipped for line in order.lines)
    delivered = sum(line.qty_delivered for line in order.lines)
    if delivered == ordered:
        return OrderStatus.DELIVERED
    if delivered > 0:
        return OrderStatus.PARTIALLY_DELIVERED
    if shipped == ordered:
        return OrderStatus.SHIPPED
    if shipped > 0:
        return OrderStatus.PARTIALLY_SHIPPED
    return None


def advance_order(order: Order) -> dict[str, tuple[str, str]]:
    """Move the order to what its lines say, if that is a change; returns the transition made."""
    target = fulfilment_target(order)
    if target is None or target == order.status:
        return {}
    return {"order": set_status("order", order, target)}
