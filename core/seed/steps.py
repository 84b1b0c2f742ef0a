"""The steps of a plan, each one call of the rule the services call (``core.domain``).

The plan says who does what and when; what that does to the order (statuses, quantities,
stock, money, events, messages) is the domain's. A refused step is a bug in the planner:
the domain's error propagates and the seed stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.domain import orders, payments, return_resolution, returns, scans, shipping
from core.domain.commands import ReturnLineInput
from core.domain.scans import CarrierScan
from core.domain.shipping import Parcel
from core.events.fact import CARRIER, CUSTOMER, SYSTEM, Act, Actor
from core.lifecycle import ShipmentStatus
from core.models import Order, Return, Shipment
from core.seed.context import Context
from core.seed.plans import OrderPlan, ReturnPlan, Scan, ShipmentPlan
from core.seed.unit import at


@dataclass(slots=True, eq=False)
class Play:
    """One order being played: its record and the aggregates each part of its plan made."""

    plan: OrderPlan
    order: Order
    shipments: list[Shipment] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)
    made: dict[int, Any] = field(default_factory=dict)  # id(plan part) -> its shipment or return


def act_at(cx: Context, actor: Actor, t: int) -> Act:
    cx.unit.stock.t = t  # stock moves are timed: the reorder alerts are found from them
    return Act(actor, at(t))


def decide_hold(cx: Context, play: Play, t: int, decision: tuple[str, str]) -> None:
    """Staff review: release (which captures) or cancel."""
    outcome, reason = decision
    if outcome == "cancel":
        orders.cancel(cx.unit, act_at(cx, cx.manager, t), play.order, play.shipments, reason=reason)
    else:
        orders.release(cx.unit, act_at(cx, cx.staff, t), play.order)


def start_processing(cx: Context, play: Play, t: int, _: object = None) -> None:
    orders.start_processing(cx.unit, act_at(cx, cx.staff, t), play.order)


def staff_cancel(cx: Context, play: Play, t: int, reason: str) -> None:
    """A manager cancels a confirmed order at the customer's request, before it ships: it gives
    the payment back, which is a manager's decision (``core.permissions``)."""
    orders.cancel(cx.unit, act_at(cx, cx.manager, t), play.order, play.shipments, reason=reason)


def goodwill_refund(cx: Context, play: Play, t: int, refund: tuple[int, str]) -> None:
    """A manager refunds part of the order (money actions are managers' by default)."""
    amount, reason = refund
    payment = payments.paying_for(play.order, amount)
    payments.refund(cx.unit, act_at(cx, cx.manager, t), payment, amount, reason=reason)


def close(cx: Context, play: Play, t: int, _: object = None) -> None:
    if orders.closable(play.order, play.returns):  # else the plan ran out of time: it stays delivered
        orders.close(cx.unit, act_at(cx, SYSTEM, t), play.order, play.returns)


def _parcel(cx: Context, plan: ShipmentPlan, lines: dict[int, int] | None, eta: int | None) -> Parcel:
    number = cx.numbers.tracking_number(plan.carrier, cx.unit.peek(Shipment), plan.service_index)
    return Parcel(plan.carrier, plan.service, number, lines, at(eta) if eta is not None else None)


def pack(cx: Context, play: Play, t: int, plan: ShipmentPlan) -> None:
    lines = {play.order.lines[index].id: quantity for index, quantity in plan.items}
    packed = shipping.packed_quantities(play.shipments)
    shipment = shipping.pack(cx.unit, act_at(cx, cx.staff, t), play.order, _parcel(cx, plan, lines, plan.eta), packed)
    play.shipments.append(shipment)
    play.made[id(plan)] = shipment


def hand_over(cx: Context, play: Play, t: int, plan: ShipmentPlan) -> None:
    """Staff hand the parcel over, or the carrier's first scan does (then the scan joins the timeline)."""
    shipment = play.made[id(plan)]
    if shipment.status != ShipmentStatus.LABEL_CREATED:
        return  # cancelled with its order before it left
    actor = CARRIER if plan.shipped_by_carrier else cx.staff
    shipping.hand_over(cx.unit, act_at(cx, actor, t), play.order, shipment)
    if plan.first_scan is not None:
        _scan(cx, play, shipment, plan.first_scan)


def scan(cx: Context, play: Play, t: int, arg: tuple[ShipmentPlan, Scan]) -> None:
    plan, update = arg
    shipment = play.made.get(id(plan))
    if shipment is not None and shipment.status != ShipmentStatus.CANCELLED:
        _scan(cx, play, shipment, update)


def _scan(cx: Context, play: Play, shipment: Shipment, update: Scan) -> None:
    when, eta = at(update.t), at(update.eta) if update.eta is not None else None
    found = CarrierScan(shipment.tracking_number, update.status, when, update.location, update.message, update.reason, eta)  # fmt: skip
    lag = 30 + (update.t * 7919) % 900  # carrier feeds arrive a little after the scan
    cx.unit.stock.t = update.t
    act = Act(CARRIER, when, recorded_at=at(min(update.t + lag, cx.now)))
    scans.apply(cx.unit, act, play.order, shipment, found, when=when, eta=eta, key=None)


def request_return(cx: Context, play: Play, t: int, plan: ReturnPlan) -> None:
    """The customer asks; the policy approves it at once unless a reason needs review."""
    lines = play.order.lines
    items = [
        ReturnLineInput(lines[i.line].id, i.quantity, i.reason, i.resolution, i.exchange.id if i.exchange else None)
        for i in plan.items
    ]
    delivered = returns.delivered_times(play.shipments)
    ret = returns.request(
        cx.unit, act_at(cx, CUSTOMER, t), play.order, items, rma=cx.numbers.rma(cx.unit.peek(Return)), token=None,
        note=plan.note, delivered=delivered, product_of=cx.catalogue.product_of, policy=cx.return_policy,
    )  # fmt: skip
    play.returns.append(ret)
    play.made[id(plan)] = ret


def decide_return(cx: Context, play: Play, t: int, arg: tuple[ReturnPlan, str, str]) -> None:
    plan, outcome, reason = arg
    ret, act = play.made[id(plan)], act_at(cx, cx.staff, t)
    if outcome == "approve":
        returns.approve(cx.unit, act, ret)
    else:
        returns.reject(cx.unit, act, play.order, ret, reason=reason)


def cancel_return(cx: Context, play: Play, t: int, plan: ReturnPlan) -> None:
    returns.cancel(cx.unit, act_at(cx, CUSTOMER, t), play.order, play.made[id(plan)])


def ship_back(cx: Context, play: Play, t: int, plan: ReturnPlan) -> None:
    """The prepaid label was scanned."""
    ret = play.made[id(plan)]
    number = cx.numbers.return_tracking_number(ret.id)
    return_resolution.ship_back(cx.unit, act_at(cx, CARRIER, t), ret, tracking=number)


def receive_return(cx: Context, play: Play, t: int, plan: ReturnPlan) -> None:
    ret = play.made[id(plan)]
    conditions = {line.id: item.condition for line, item in zip(ret.lines, plan.items, strict=True)}
    return_resolution.receive(cx.unit, act_at(cx, cx.staff, t), play.order, ret, conditions, cx.return_policy)


def resolve_return(cx: Context, play: Play, t: int, plan: ReturnPlan) -> None:
    """Refund less the restocking fee; an exchange's replacement parcel is packed, to be shipped later."""
    ret = play.made[id(plan)]
    parcel = None if plan.exchange is None else _parcel(cx, plan.exchange, None, None)
    shipment = return_resolution.resolve(
        cx.unit, act_at(cx, cx.staff, t), play.order, ret, policy=cx.return_policy, exchange=parcel,
        variant_of=cx.catalogue.replacement,
    )  # fmt: skip
    if shipment is not None and plan.exchange is not None:
        play.shipments.append(shipment)
        play.made[id(plan.exchange)] = shipment


def close_return(cx: Context, play: Play, t: int, plan: ReturnPlan) -> None:
    return_resolution.close(cx.unit, act_at(cx, SYSTEM, t), play.made[id(plan)])
