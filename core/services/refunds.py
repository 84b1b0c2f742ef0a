"""Cancellation and goodwill refunds. A refund is never above what remains refundable."""

from __future__ import annotations

from core.clock import utcnow
from core.domain import orders, payments
from core.events.fact import Act, Actor
from core.models import Order, Refund
from core.services.common import load_order
from core.services.fulfilment import order_shipments
from core.services.unit import unit_of_work
from core.shop import Shop


def refund_order(
    shop: Shop, order_id: int, *, amount_minor: int, reason: str, actor: Actor, notify: bool = True
) -> Refund:
    """A partial (or full) goodwill refund, not tied to a return."""
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        payment = payments.paying_for(order, amount_minor)
        return payments.refund(unit, Act(actor, utcnow(), notify), payment, amount_minor, reason=reason)


def cancel_order(shop: Shop, order_id: int, *, reason: str, actor: Actor, notify: bool = True) -> Order:
    """Cancel before anything ships: release stock, void or refund in full."""
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        shipments = order_shipments(unit.session, order.id)
        orders.cancel(unit, Act(actor, utcnow(), notify), order, shipments, reason=reason)
        return order
