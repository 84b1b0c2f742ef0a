"""Play one order's plan through time, up to "now", and turn the result into rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.money import money_text
from core.seed import order_steps, return_steps, shipping_steps
from core.seed.context import Context
from core.seed.numbers import hex_reference
from core.seed.plans import OrderPlan, ReturnPlan, ShipmentPlan
from core.seed.state import SimLine, SimOrder, SimPayment

Step = tuple[int, Callable[[Context, SimOrder, int, Any], None], Any]


def build_order(cx: Context, plan: OrderPlan, order_id: int, card_rng: Any) -> SimOrder:
    """The order as ``capture.insert_order`` writes it: amounts, lines and the authorised payment."""
    lines = [SimLine(cx.ids("order_lines"), lp.variant, lp.quantity, lp.discount_minor) for lp in plan.lines]
    subtotal = sum(lp.variant.price_minor * lp.quantity for lp in plan.lines)
    discount = sum(lp.discount_minor for lp in plan.lines)
    total = subtotal - discount + plan.shipping_minor + plan.tax_minor
    last4 = f"{card_rng.randrange(10000):04d}"
    payment = SimPayment(cx.ids("payments"), hex_reference(card_rng, "fake_auth_"), last4, total, plan.placed)
    return SimOrder(
        id=order_id,
        number=cx.numbers.order_number(order_id),
        plan=plan,
        lines=lines,
        source_ref=cx.numbers.source_ref(plan.channel, order_id),
        subtotal_minor=subtotal,
        discount_minor=discount,
        total_minor=total,
        payment=payment,
        total_text=money_text(total, cx.currency),
    )


def _shipment_steps(plan: ShipmentPlan) -> list[Step]:
    steps: list[Step] = [(plan.shipped, shipping_steps.ship, plan)]
    steps.extend((scan.t, shipping_steps.scan, (plan, scan)) for scan in plan.scans)
    return steps


def _return_steps(plan: ReturnPlan) -> list[Step]:
    steps: list[Step] = [(plan.requested, return_steps.request, plan)]
    if plan.decision is not None:
        steps.append((plan.decision[0], return_steps.decide, (plan, plan.decision[1], plan.decision[2])))
    if plan.cancelled is not None:
        steps.append((plan.cancelled, return_steps.cancel, plan))
    for when, step in (
        (plan.in_transit, return_steps.ship_back),
        (plan.received, return_steps.receive),
        (plan.resolved, return_steps.resolve),
    ):
        if when is not None:
            steps.append((when, step, plan))
    if plan.exchange is not None:
        steps.extend(_shipment_steps(plan.exchange))
    if plan.closed is not None:
        steps.append((plan.closed, return_steps.close, plan))
    return steps


def schedule(plan: OrderPlan) -> list[Step]:
    """Every step of the plan, in time order (ties keep the order they were listed in)."""
    steps: list[Step] = [(plan.placed, order_steps.place, None)]
    if plan.hold_decision is not None:
        t, outcome, reason = plan.hold_decision
        steps.append((t, order_steps.decide_hold, (outcome, reason)))
    if plan.processing is not None:
        steps.append((plan.processing, order_steps.start_processing, None))
    for shipment in plan.shipments:
        steps.append((shipment.created, shipping_steps.create, shipment))
    if plan.cancel is not None:
        steps.append((plan.cancel[0], order_steps.staff_cancel, plan.cancel[1]))
    for shipment in plan.shipments:
        steps.extend(_shipment_steps(shipment))
    if plan.refund is not None:
        steps.append((plan.refund[0], order_steps.goodwill_refund, plan.refund[1:]))
    for ret in plan.returns:
        steps.extend(_return_steps(ret))
    if plan.close is not None:
        steps.append((plan.close, order_steps.close, None))
    steps.sort(key=lambda step: step[0])
    return steps


def play(cx: Context, order: SimOrder) -> None:
    for t, step, arg in schedule(order.plan):
        if t > cx.now:
            break
        step(cx, order, t, arg)


def emit_rows(cx: Context, order: SimOrder) -> None:
    """The projection rows, in their final state (events were added as the steps ran)."""
    batch, s, currency = cx.recorder.batch, cx.stamps, cx.currency
    batch.add("orders", order.row(currency, s))
    batch.extend("order_addresses", order.plan.customer.address_rows(cx.ids.block("order_addresses", 2), order.id))
    batch.extend("order_lines", [line.row(order.id) for line in order.lines])
    batch.add("payments", order.payment.row(order.id, currency, s))
    for ret in order.returns:
        batch.add("returns", ret.row(order.id, s))
        batch.extend("return_lines", [rl.row(ret.id) for rl in ret.lines])
    for shipment in order.shipments:
        batch.add("shipments", shipment.row(order.id, s))
        batch.extend("shipment_lines", shipment.line_rows())
