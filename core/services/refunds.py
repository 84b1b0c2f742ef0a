"""Cancellation and goodwill refunds. A refund is never above what remains refundable.

Both move money, so both are checked against the shop's permission table (``core.permissions``):
a goodwill refund always, a cancellation when it gives money back (found under the order's lock,
so the answer cannot change before the commit).
"""

from __future__ import annotations

from core.clock import utcnow
from core.domain import orders, payments
from core.events.fact import Act, Actor
from core.models import Order, Refund
from core.permissions import Permission, cancel_needs
from core.services.card_payments import refusals_recorded
from core.services.common import load_order
from core.services.fulfilment import order_shipments
from core.services.unit import unit_of_work
from core.shop import Shop


def refund_order(
    shop: Shop, order_id: int, *, amount_minor: int, reason: str, message: str | None = None, actor: Actor,
    notify: bool = True,
) -> Refund:  # fmt: skip
    """A partial (or full) goodwill refund, not tied to a return. ``reason`` is for staff;
    ``message``, if any, is what the customer reads."""
    shop.permissions.require(actor, Permission.REFUND)
    with refusals_recorded(shop, actor, reason=reason), unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        payment = payments.paying_for(order, amount_minor)
        act = Act(actor, utcnow(), notify)
        return payments.refund(unit, act, payment, amount_minor, reason=reason, message=message)


def cancel_order(
    shop: Shop, order_id: int, *, reason: str, message: str | None = None, actor: Actor, notify: bool = True,
    by_store: bool = False,
) -> Order:  # fmt: skip
    """Cancel before anything ships: release stock, void or refund in full (a store's order: in the store,
    unless ``by_store``, the store's own cancellation reported by its webhook)."""
    with refusals_recorded(shop, actor, reason=reason), unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        for needed in cancel_needs(0 if by_store else payments.given_back_on_cancel(order)):
            shop.permissions.require(actor, needed)
        shipments = order_shipments(unit.session, order.id)
        act = Act(actor, utcnow(), notify)
        orders.cancel(unit, act, order, shipments, reason=reason, message=message, by_store=by_store)
        return order
