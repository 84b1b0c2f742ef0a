"""Cancellation and refunds. A refund is never above what remains refundable."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.errors import RefundTooLarge, ValidationFailed
from core.events.log import Actor, append_event
from core.lifecycle import OrderStatus, ShipmentStatus, set_status
from core.models import Order, Payment, Refund, Shipment
from core.money import money_text
from core.services import stock
from core.services.common import load_order
from core.shop import Shop


def _take_from_payment(session: Session, payment: Payment, amount: int) -> bool:
    """Guarded increment: succeeds only while the payment still has ``amount`` left."""
    result = session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.captured_minor - Payment.refunded_minor >= amount)
        .values(refunded_minor=Payment.refunded_minor + amount)
        .execution_options(synchronize_session=False)
    )
    session.refresh(payment)
    return result.rowcount == 1


def refund_in_session(
    shop: Shop,
    session: Session,
    order: Order,
    amount_minor: int,
    *,
    reason: str,
    actor: Actor,
    notify: bool = True,
    return_id: int | None = None,
) -> Refund:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise ValidationFailed("A refund must be a whole number of cents, more than zero.", field="amount_minor")
    payment = next((p for p in order.payments if p.captured_minor - p.refunded_minor >= amount_minor), None)
    if payment is None or not _take_from_payment(session, payment, amount_minor):
        left = sum(p.captured_minor - p.refunded_minor for p in order.payments)
        raise RefundTooLarge(
            f"Only {money_text(left, order.currency)} can still be refunded on this order.", field="amount_minor"
        )
    reference = shop.gateway.refund(payment.reference, amount_minor)
    refund = Refund(
        order_id=order.id,
        payment_id=payment.id,
        return_id=return_id,
        amount_minor=amount_minor,
        currency=order.currency,
        reason=reason[:200],
        reference=reference,
        created_at=utcnow(),
    )
    session.add(refund)
    session.flush()
    append_event(
        session,
        "refund.issued",
        order=order,
        actor=actor,
        notify=notify,
        return_id=return_id,
        payload={
            "refund_id": refund.id,
            "amount_minor": amount_minor,
            "reason": reason[:200],
            "amount_text": money_text(amount_minor, order.currency),
        },
    )
    return refund


def refund_order(
    shop: Shop, order_id: int, *, amount_minor: int, reason: str, actor: Actor, notify: bool = True
) -> Refund:
    """A partial (or full) goodwill refund, not tied to a return."""
    with shop.db.write() as session:
        order = load_order(session, order_id)
        return refund_in_session(shop, session, order, amount_minor, reason=reason, actor=actor, notify=notify)


def _settle_payments(shop: Shop, session: Session, order: Order, actor: Actor, notify: bool) -> int:
    refunded = 0
    for payment in order.payments:
        if payment.status == "authorized":
            shop.gateway.void(payment.reference)
            payment.status = "voided"
            append_event(
                session,
                "payment.voided",
                order=order,
                actor=actor,
                notify=notify,
                payload={"reference": payment.reference},
            )
        elif payment.refundable_minor > 0:
            amount = payment.refundable_minor
            # The cancellation message states the refund; a second message would repeat it.
            refund_in_session(shop, session, order, amount, reason="order cancelled", actor=actor, notify=False)
            refunded += amount
    return refunded


def cancel_order(shop: Shop, order_id: int, *, reason: str, actor: Actor, notify: bool = True) -> Order:
    """Cancel before anything ships: release stock, void or refund in full."""
    with shop.db.write() as session:
        order = load_order(session, order_id)
        change = set_status("order", order, OrderStatus.CANCELLED)
        order.cancelled_at = utcnow()
        for line in sorted(order.lines, key=lambda ln: ln.variant_id):  # id order: no deadlocks
            stock.release(session, line.variant_id, line.quantity - line.qty_shipped)
        for shipment in session.query(Shipment).filter_by(order_id=order.id, status=ShipmentStatus.LABEL_CREATED):
            shipment_change = set_status("shipment", shipment, ShipmentStatus.CANCELLED)
            append_event(
                session,
                "shipment.cancelled",
                order=order,
                actor=actor,
                notify=notify,
                shipment_id=shipment.id,
                transitions={"shipment": shipment_change},
            )
        refunded = _settle_payments(shop, session, order, actor, notify)
        append_event(
            session,
            "order.cancelled",
            order=order,
            actor=actor,
            notify=notify,
            transitions={"order": change},
            payload={
                "reason": reason[:200],
                "refunded_minor": refunded,
                "refunded_text": money_text(refunded, order.currency),
            },
        )
        return order
