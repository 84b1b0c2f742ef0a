"""Return steps, mirroring ``core.services.returns`` and ``core.services.return_resolution``."""

from __future__ import annotations

from core.lifecycle import ReturnStatus, ShipmentStatus
from core.policies import line_eligibility
from core.seed.context import Context
from core.seed.order_steps import refund
from core.seed.plans import Actor, ReturnPlan, ShipmentPlan
from core.seed.recorder import CARRIER, SYSTEM
from core.seed.shipping_steps import new_shipment, shipment_payload
from core.seed.stamps import to_datetime
from core.seed.state import GeneratorBug, SimLine, SimOrder, SimReturn, SimReturnLine, move
from core.services.return_resolution import resolution_payload

CUSTOMER = Actor("customer")


def _tracked(order: SimOrder, plan: ReturnPlan) -> SimReturn:
    return order.return_for[id(plan)]


def _delivered_at(order: SimOrder, line: SimLine) -> int | None:
    times = [
        s.delivered_at
        for s in order.shipments
        if s.kind == "outbound" and s.delivered_at is not None and any(item[0] is line for item in s.items)
    ]
    return max(times) if times else None


def _claim(cx: Context, order: SimOrder, line: SimLine, quantity: int, t: int) -> None:
    """The eligibility policy and the over-return guard, as ``returns._claim`` applies them."""
    delivered = _delivered_at(order, line)
    check = line_eligibility(
        quantity_delivered=line.delivered,
        quantity_returning=line.returning,
        final_sale=line.variant.final_sale,
        delivered_at=to_datetime(delivered) if delivered is not None else None,
        now=to_datetime(t),
        policy=cx.return_policy,
    )
    if not check.eligible or not 0 < quantity <= check.max_quantity:
        raise GeneratorBug(f"order {order.number}: {line.variant.sku} is not returnable ({check.code})")
    line.returning += quantity


def request(cx: Context, order: SimOrder, t: int, plan: ReturnPlan) -> None:
    """``returns.request_return``: claim the lines, reserve exchange stock, approve if policy allows."""
    return_id = cx.ids("returns")
    lines = []
    for item in plan.items:
        line = order.lines[item.line]
        _claim(cx, order, line, item.quantity, t)
        if item.exchange is not None:
            cx.ledger.reserve(item.exchange.id, item.quantity, t)
        made = SimReturnLine(cx.ids("return_lines"), line, item.quantity, item.reason, item.resolution, item.exchange)
        lines.append(made)
    ret = SimReturn(return_id, cx.numbers.rma(return_id), t, plan.note, lines, status=ReturnStatus.REQUESTED.value)
    order.returns.append(ret)
    order.return_for[id(plan)] = ret
    payload = {"rma": ret.rma, "lines": [[rl.line.id, rl.quantity, rl.reason, rl.resolution] for rl in lines]}
    transitions = {"return": ["", ReturnStatus.REQUESTED]}
    cx.recorder.event(order, "return.requested", t, CUSTOMER, payload, transitions, return_id=return_id)
    if not cx.return_policy.needs_review({item.reason for item in plan.items}):
        approve(cx, order, ret, t, SYSTEM)


def approve(cx: Context, order: SimOrder, ret: SimReturn, t: int, actor: Actor) -> None:
    change = move("return", ret, ReturnStatus.APPROVED)
    ret.approved = t
    cx.recorder.event(order, "return.approved", t, actor, {"rma": ret.rma}, {"return": change}, return_id=ret.id)


def decide(cx: Context, order: SimOrder, t: int, arg: tuple[ReturnPlan, str, str]) -> None:
    """Staff review of a return that needed it: approve or reject."""
    plan, outcome, reason = arg
    ret = _tracked(order, plan)
    if outcome == "approve":
        approve(cx, order, ret, t, cx.staff)
    else:
        _end(cx, order, ret, t, (ReturnStatus.REJECTED, "return.rejected", reason, cx.staff))


def cancel(cx: Context, order: SimOrder, t: int, plan: ReturnPlan) -> None:
    ret = _tracked(order, plan)
    _end(cx, order, ret, t, (ReturnStatus.CANCELLED, "return.cancelled", "cancelled by customer", CUSTOMER))


def _end(cx: Context, order: SimOrder, ret: SimReturn, t: int, how: tuple[str, str, str, Actor]) -> None:
    """Reject or cancel: give back the claimed quantities and any exchange reservation."""
    status, code, reason, actor = how
    change = move("return", ret, status)
    for rl in ret.lines:
        rl.line.returning -= rl.quantity
        if rl.exchange is not None:
            cx.ledger.release(rl.exchange.id, rl.quantity, t)
    payload = {"rma": ret.rma, "reason": reason[:300]}
    cx.recorder.event(order, code, t, actor, payload, {"return": change}, return_id=ret.id)


def ship_back(cx: Context, order: SimOrder, t: int, plan: ReturnPlan) -> None:
    """``mark_return_in_transit``: the prepaid label was scanned."""
    ret = _tracked(order, plan)
    change = move("return", ret, ReturnStatus.IN_TRANSIT)
    ret.tracking_number = cx.numbers.return_tracking_number(ret.id)
    payload = {"rma": ret.rma, "tracking_number": ret.tracking_number}
    cx.recorder.event(order, "return.in_transit", t, CARRIER, payload, {"return": change}, return_id=ret.id)


def receive(cx: Context, order: SimOrder, t: int, plan: ReturnPlan) -> None:
    """``receive_return``: conditions recorded, resellable items back in stock."""
    ret = _tracked(order, plan)
    change = move("return", ret, ReturnStatus.RECEIVED)
    ret.received = t
    restocked = []
    for rl, item in zip(ret.lines, plan.items, strict=True):
        rl.condition = item.condition
        rl.line.returned += rl.quantity
        if item.condition != "resellable":
            continue
        variant = rl.line.variant
        cx.ledger.restock(variant.id, rl.quantity, t)
        rl.restocked = rl.quantity
        restocked.append(variant.sku)
        body = {"sku": variant.sku, "quantity": rl.quantity, "rma": ret.rma}
        cx.recorder.event(order, "stock.restocked", t, cx.staff, body, variant_id=variant.id, return_id=ret.id)
    payload = {"rma": ret.rma, "restocked": restocked}
    cx.recorder.event(order, "return.received", t, cx.staff, payload, {"return": change}, return_id=ret.id)


def _refund_due(cx: Context, order: SimOrder, ret: SimReturn) -> tuple[int, int, int]:
    """(refund, restocking fee, refund due): as ``refund_amount``, capped at what remains refundable."""
    gross = sum(rl.line.paid_unit_minor * rl.quantity for rl in ret.lines if rl.resolution == "refund")
    fee = gross * cx.return_policy.restocking_fee_bps // 10_000
    refundable = order.payment.captured_minor - order.payment.refunded_minor
    return min(gross - fee, refundable), fee, gross - fee


def _pack_exchange(cx: Context, order: SimOrder, ret: SimReturn, t: int, plan: ShipmentPlan) -> dict[str, object]:
    """The replacement parcel (no ETA yet), recorded without a message: ``return.exchanged`` tells the customer."""
    items = [(rl.line, rl.exchange, rl.quantity) for rl in ret.lines if rl.exchange is not None]
    shipment = new_shipment(cx, order, t, plan, items, "exchange")
    shipment.return_id = ret.id
    transitions = {"shipment": ["", ShipmentStatus.LABEL_CREATED]}
    body = shipment_payload(shipment)
    cx.recorder.event(order, "shipment.created", t, cx.staff, body, transitions, shipment_id=shipment.id, notify=False)
    return {"shipment_id": shipment.id, "items": [[variant.sku, qty] for _, variant, qty in items]}


def resolve(cx: Context, order: SimOrder, t: int, plan: ReturnPlan) -> None:
    """``resolve_return``: refund the refund lines less the restocking fee, pack the exchange lines."""
    ret = _tracked(order, plan)
    exchanging = plan.exchange is not None and any(rl.exchange is not None for rl in ret.lines)
    amount, fee, due = _refund_due(cx, order, ret)
    change = move("return", ret, ReturnStatus.EXCHANGED if exchanging else ReturnStatus.REFUNDED)
    ret.fee_minor, ret.resolved = fee, t
    payload = resolution_payload(ret.rma, amount=amount, fee=fee, due=due, currency=cx.currency)
    if amount > 0:
        refund(cx, order, t, amount, f"return {ret.rma}", cx.staff, notify=False, return_id=ret.id)
    if exchanging and plan.exchange is not None:
        payload |= _pack_exchange(cx, order, ret, t, plan.exchange)
    code = "return.exchanged" if exchanging else "return.refunded"
    cx.recorder.event(order, code, t, cx.staff, payload, {"return": change}, return_id=ret.id)


def close(cx: Context, order: SimOrder, t: int, plan: ReturnPlan) -> None:
    ret = _tracked(order, plan)
    change = move("return", ret, ReturnStatus.CLOSED)
    cx.recorder.event(order, "return.closed", t, SYSTEM, {"rma": ret.rma}, {"return": change}, return_id=ret.id)
