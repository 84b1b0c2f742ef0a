"""Order-level steps: capture, holds, payment, cancellation, refunds, processing and closing.

Each mirrors one service in ``core.services`` (same events, payload keys, transitions and
projection changes) without the per-row database round trips.
"""

from __future__ import annotations

from core.events.catalogue import HOLD_REASON_TEXT
from core.lifecycle import RETURN_OPEN_STATUSES, OrderStatus, ShipmentStatus
from core.money import money_text
from core.seed.context import Context
from core.seed.plans import Actor
from core.seed.recorder import SYSTEM
from core.seed.state import GeneratorBug, SimOrder, move


def place(cx: Context, order: SimOrder, t: int, _: object = None) -> None:
    """``ordering.place_order``: reserve stock, record the order and its authorisation, then hold or capture."""
    plan, rec = order.plan, cx.recorder
    for line in order.lines:
        cx.ledger.reserve(line.variant.id, line.quantity, t)
    order.status = OrderStatus.PLACED.value
    key = f"order.placed:{plan.channel}:{order.source_ref}" if order.source_ref else None
    payload = {
        "number": order.number,
        "total_text": order.total_text,
        "carrier": plan.carrier,
        "lines": [[line.variant.sku, line.quantity] for line in order.lines],
    }
    rec.event(order, "order.placed", t, plan.actor, payload, {"order": ["", OrderStatus.PLACED]}, key=key)
    payment = order.payment
    rec.event(
        order,
        "payment.authorized",
        t,
        plan.actor,
        {"amount_minor": payment.amount_minor, "reference": payment.reference},
    )
    if plan.holds:
        hold(cx, order, t, plan.actor)
    else:
        capture(cx, order, t, plan.actor)


def capture(cx: Context, order: SimOrder, t: int, actor: Actor) -> None:
    """``capture.capture_payment``: capture in full and confirm."""
    payment = order.payment
    if payment.status != "authorized":
        raise GeneratorBug(f"order {order.number}: no authorised payment to capture")
    payment.status, payment.captured_minor = "captured", payment.amount_minor
    body = {"amount_minor": payment.amount_minor, "reference": payment.reference}
    cx.recorder.event(order, "payment.captured", t, actor, body)
    change = move("order", order, OrderStatus.CONFIRMED)
    body = {"total_text": order.total_text}
    cx.recorder.event(order, "order.confirmed", t, actor, body, {"order": change})


def hold(cx: Context, order: SimOrder, t: int, actor: Actor) -> None:
    holds = order.plan.holds
    change = move("order", order, OrderStatus.ON_HOLD)
    order.hold_reason = holds[0][0]
    order.hold_detail = "; ".join(detail for _, detail in holds)[:300]
    payload = {
        "reason": holds[0][0],
        "reasons": [code for code, _ in holds],
        "detail": order.hold_detail,
        "reason_text": HOLD_REASON_TEXT.get(holds[0][0], holds[0][0]),
        "customer_action": holds[0][0] in {"payment_pending", "address_unverified"},
    }
    cx.recorder.event(order, "order.held", t, actor, payload, {"order": change})


def decide_hold(cx: Context, order: SimOrder, t: int, decision: tuple[str, str]) -> None:
    """Staff review: ``release_order`` (which captures) or ``cancel_order``."""
    outcome, reason = decision
    if outcome == "cancel":
        cancel(cx, order, t, (reason, cx.manager))
        return
    change = move("order", order, OrderStatus.RELEASED)
    previous, order.hold_reason, order.hold_detail = order.hold_reason, None, None
    cx.recorder.event(order, "order.released", t, cx.staff, {"reason": previous}, {"order": change})
    capture(cx, order, t, cx.staff)


def cancel(cx: Context, order: SimOrder, t: int, why: tuple[str, Actor]) -> None:
    """``refunds.cancel_order``: release stock, cancel labels, void or refund in full."""
    reason, actor = why
    change = move("order", order, OrderStatus.CANCELLED)
    order.cancelled_at = t
    for line in order.lines:
        cx.ledger.release(line.variant.id, line.quantity - line.shipped, t)
    for shipment in order.shipments:
        if shipment.status == ShipmentStatus.LABEL_CREATED:
            moved = move("shipment", shipment, ShipmentStatus.CANCELLED)
            cx.recorder.event(order, "shipment.cancelled", t, actor, {}, {"shipment": moved}, shipment_id=shipment.id)
    refunded = _settle_payment(cx, order, t, actor)
    payload = {"reason": reason[:200], "refunded_minor": refunded, "refunded_text": money_text(refunded, cx.currency)}
    cx.recorder.event(order, "order.cancelled", t, actor, payload, {"order": change})


def staff_cancel(cx: Context, order: SimOrder, t: int, reason: str) -> None:
    """Staff cancel a confirmed order at the customer's request, before it ships."""
    cancel(cx, order, t, (reason, cx.staff))


def _settle_payment(cx: Context, order: SimOrder, t: int, actor: Actor) -> int:
    payment = order.payment
    if payment.status == "authorized":
        payment.status = "voided"
        cx.recorder.event(order, "payment.voided", t, actor, {"reference": payment.reference})
        return 0
    amount = payment.captured_minor - payment.refunded_minor
    if amount > 0:
        refund(cx, order, t, amount, "order cancelled", actor, notify=False)
    return max(amount, 0)


def refund(
    cx: Context,
    order: SimOrder,
    t: int,
    amount: int,
    reason: str,
    actor: Actor,
    *,
    notify: bool = True,
    return_id: int | None = None,
) -> None:
    """``refunds.refund_in_session``: never above what remains refundable."""
    payment = order.payment
    if amount <= 0 or payment.captured_minor - payment.refunded_minor < amount:
        raise GeneratorBug(f"order {order.number}: refund of {amount} exceeds what is refundable")
    payment.refunded_minor += amount
    refund_id = cx.ids("refunds")
    reference = f"fake_refund_{(refund_id * 2654435761) % 16**16:016x}"
    cx.recorder.batch.add(
        "refunds",
        (refund_id, order.id, payment.id, return_id, amount, cx.currency, reason[:200], reference, cx.stamps.text(t)),
    )
    payload = {
        "refund_id": refund_id,
        "amount_minor": amount,
        "reason": reason[:200],
        "amount_text": money_text(amount, cx.currency),
    }
    cx.recorder.event(order, "refund.issued", t, actor, payload, notify=notify, return_id=return_id)


def goodwill_refund(cx: Context, order: SimOrder, t: int, refund_plan: tuple[int, str]) -> None:
    """``refunds.refund_order``: a partial refund not tied to a return."""
    amount, reason = refund_plan
    refund(cx, order, t, amount, reason, cx.staff)


def start_processing(cx: Context, order: SimOrder, t: int, _: object = None) -> None:
    change = move("order", order, OrderStatus.PROCESSING)
    cx.recorder.event(order, "order.processing", t, cx.staff, {}, {"order": change})


def close(cx: Context, order: SimOrder, t: int, _: object = None) -> None:
    """``ordering.close_order``: only once nothing about the order is open."""
    if order.status != OrderStatus.DELIVERED or any(r.status in RETURN_OPEN_STATUSES for r in order.returns):
        return  # the plan ran out of time (e.g. a return is still open): leave it delivered
    change = move("order", order, OrderStatus.CLOSED)
    cx.recorder.event(order, "order.closed", t, SYSTEM, {}, {"order": change})
