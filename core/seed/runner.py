"""Play one order's plan through time, up to "now": placed as the services place an order, then
each step of the plan in time order (``steps``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from core.domain import orders
from core.domain.commands import AddressInput, LineInput, PlaceOrder, order_amounts
from core.models import Customer, Order
from core.payments import Authorization
from core.risk import supplied_only
from core.seed import steps
from core.seed.context import Context
from core.seed.numbers import hex_reference
from core.seed.plans import OrderPlan, ReturnPlan, ShipmentPlan
from core.seed.steps import Play
from core.seed.unit import at

Step = tuple[int, Callable[[Context, Play, int, Any], None], Any]


def _command(cx: Context, plan: OrderPlan, order_id: int) -> PlaceOrder:
    """The order as a shop's checkout would send it."""
    customer = plan.customer
    line1, line2, city, region, postal, country = customer.address
    address = AddressInput(customer.name, line1, city, postal, country, line2, region)
    return PlaceOrder(
        email=customer.email, name=customer.name, phone=customer.phone, sms_consent=customer.sms_consent,
        lines=[LineInput(lp.variant.sku, lp.quantity, None, lp.discount_minor) for lp in plan.lines],
        shipping_address=address, channel=plan.channel, source_ref=cx.numbers.source_ref(plan.channel, order_id),
        carrier=plan.carrier, currency=cx.currency, shipping_minor=plan.shipping_minor, tax_minor=plan.tax_minor,
        fraud_score=plan.fraud_score, note=plan.note, placed_at=at(plan.placed),
        number=cx.numbers.order_number(order_id),
    )  # fmt: skip


def place(cx: Context, plan: OrderPlan, card: random.Random) -> Play:
    """``ordering.place_order`` for a planned order: the card was authorised at the checkout."""
    unit = cx.unit
    if plan.new_customer:
        customer = plan.customer
        unit.create(Customer, id=customer.id, email=customer.email, name=customer.name, phone=customer.phone, created_at=at(customer.created))  # fmt: skip
    cmd = _command(cx, plan, unit.peek(Order))
    variants = {lp.variant.sku: lp.variant for lp in plan.lines}
    last4 = f"{card.randrange(10000):04d}"
    auth = Authorization(hex_reference(card, "fake_auth_"), last4)
    act = steps.act_at(cx, plan.actor, plan.placed)
    risk = supplied_only(plan.fraud_score)  # the plan's score is the one signal the demo has
    order = orders.open_order(
        unit, act, cmd, number=cmd.number or "", customer_id=plan.customer.id, email=plan.customer.email,
        variants=variants, amounts=order_amounts(cmd, variants), fraud_score=risk.score,  # type: ignore[arg-type]
    )  # fmt: skip
    orders.place(unit, act, order, carrier=plan.carrier, holds=plan.holds, auth=auth, risk=risk)
    return Play(plan, order)


def _shipment_steps(plan: ShipmentPlan) -> list[Step]:
    found: list[Step] = [(plan.shipped, steps.hand_over, plan)]
    found.extend((scan.t, steps.scan, (plan, scan)) for scan in plan.scans)
    return found


def _return_steps(plan: ReturnPlan) -> list[Step]:
    found: list[Step] = [(plan.requested, steps.request_return, plan)]
    if plan.decision is not None:
        found.append((plan.decision[0], steps.decide_return, (plan, plan.decision[1], plan.decision[2])))
    if plan.cancelled is not None:
        found.append((plan.cancelled, steps.cancel_return, plan))
    for when, step in (
        (plan.in_transit, steps.ship_back),
        (plan.received, steps.receive_return),
        (plan.resolved, steps.resolve_return),
    ):
        if when is not None:
            found.append((when, step, plan))
    if plan.exchange is not None:
        found.extend(_shipment_steps(plan.exchange))
    if plan.closed is not None:
        found.append((plan.closed, steps.close_return, plan))
    return found


def schedule(plan: OrderPlan) -> list[Step]:
    """Every step after placing, in time order (ties keep the order they were listed in)."""
    found: list[Step] = []
    if plan.hold_decision is not None:
        t, outcome, reason = plan.hold_decision
        found.append((t, steps.decide_hold, (outcome, reason)))
    if plan.processing is not None:
        found.append((plan.processing, steps.start_processing, None))
    found.extend((shipment.created, steps.pack, shipment) for shipment in plan.shipments)
    if plan.cancel is not None:
        found.append((plan.cancel[0], steps.staff_cancel, plan.cancel[1]))
    for shipment in plan.shipments:
        found.extend(_shipment_steps(shipment))
    if plan.refund is not None:
        found.append((plan.refund[0], steps.goodwill_refund, plan.refund[1:]))
    for ret in plan.returns:
        found.extend(_return_steps(ret))
    if plan.close is not None:
        found.append((plan.close, steps.close, None))
    found.sort(key=lambda step: step[0])
    return found


def play(cx: Context, plan: OrderPlan, card: random.Random) -> None:
    """Place the order and play its plan up to now; its rows are then ready to write."""
    played = place(cx, plan, card)
    for t, step, arg in schedule(plan):
        if t > cx.now:
            break
        step(cx, played, t, arg)
    cx.unit.finish()
