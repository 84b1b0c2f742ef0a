"""Payments: authorise, capture, void and refund, never above what remains refundable."""

from __future__ import annotations

from core import characters
from core.domain.unit import Unit
from core.errors import DuplicateEvent, RefundTooLarge, ValidationFailed
from core.events import orders as facts
from core.events.fact import Act
from core.lifecycle import Move, PaymentStatus, initial, record
from core.models import Order, Payment, Refund
from core.money import money_text

MESSAGE_LIMIT = 500  # a message to the customer: a few sentences, as an email paragraph


def authorize(
    unit: Unit, act: Act, order: Order, *, gateway: str, reference: str, card_last4: str | None, amount_minor: int
) -> Payment:
    """Record an authorisation the gateway gave (or a store's word that the order is paid)."""
    payment = unit.create(
        Payment,
        order_id=order.id,
        gateway=gateway,
        reference=reference,
        method="card",
        card_last4=card_last4,
        status=initial("payment"),
        amount_minor=amount_minor,
        captured_minor=0,
        refunded_minor=0,
        currency=order.currency,
        created_at=act.at,
    )
    record(unit, act, facts.payment_authorized(payment=payment), Move.new("payment", payment))
    return payment


def authorised(order: Order) -> Payment | None:
    return next((p for p in order.payments if p.status == PaymentStatus.AUTHORIZED), None)


def capture(unit: Unit, act: Act, payment: Payment) -> None:
    """Take the whole authorisation."""
    unit.gateway.capture(payment.reference, payment.amount_minor)
    payment.captured_minor = payment.amount_minor
    record(unit, act, facts.payment_captured(payment=payment), Move("payment", payment, PaymentStatus.CAPTURED))


def capture_authorised(unit: Unit, act: Act, order: Order) -> Payment:
    payment = authorised(order)
    if payment is None:
        raise DuplicateEvent("There is no authorised payment to capture.")
    capture(unit, act, payment)
    return payment


def void(unit: Unit, act: Act, payment: Payment, *, reason: str) -> None:
    """Release an authorisation; ``reason`` is staff's (the cancellation's), kept for the money log."""
    unit.gateway.void(payment.reference)
    voided = facts.payment_voided(payment=payment, reason=reason)
    record(unit, act, voided, Move("payment", payment, PaymentStatus.VOIDED))


def internal_reason(text: str) -> str:
    """Why staff moved money: required, and never shown to the customer."""
    reason = " ".join((text or "").split())
    if not reason:
        raise ValidationFailed("Give a reason (for staff; the customer never sees it).", field="reason")
    return characters.check(reason[:200], "reason")


def customer_message(text: str | None) -> str | None:
    """What the customer is told, in staff's words; ``None`` when staff leave it empty."""
    message = characters.check((text or "").strip(), "message", multiline=True)
    if len(message) > MESSAGE_LIMIT:
        raise ValidationFailed(f"A message to the customer can be at most {MESSAGE_LIMIT} characters.", field="message")
    return message or None


def _check_amount(amount_minor: int) -> None:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise ValidationFailed("A refund must be a whole number of cents, more than zero.", field="amount_minor")


def paying_for(order: Order, amount_minor: int) -> Payment:
    """The first payment that can still give ``amount_minor`` back."""
    _check_amount(amount_minor)
    found = next((p for p in order.payments if p.refundable_minor >= amount_minor), None)
    if found is None:
        left = sum(p.refundable_minor for p in order.payments)
        raise RefundTooLarge(
            f"Only {money_text(left, order.currency)} can still be refunded on this order.", field="amount_minor"
        )
    return found


def refund(
    unit: Unit, act: Act, payment: Payment, amount_minor: int, *, reason: str, message: str | None = None,
    return_id: int | None = None, cancelling: bool = False,
) -> Refund:  # fmt: skip
    """Give ``amount_minor`` of ``payment`` back (the order is locked, so the check holds until commit).
    ``reason`` stays with staff; ``message``, if any, is what the customer reads."""
    _check_amount(amount_minor)
    reason, message = internal_reason(reason), customer_message(message)
    if payment.refundable_minor < amount_minor:
        left = money_text(payment.refundable_minor, payment.currency)
        raise RefundTooLarge(f"Only {left} can still be refunded on this payment.", field="amount_minor")
    payment.refunded_minor += amount_minor
    reference = unit.gateway.refund(payment.reference, amount_minor)
    made = unit.create(
        Refund,
        order_id=payment.order_id,
        payment_id=payment.id,
        return_id=return_id,
        amount_minor=amount_minor,
        currency=payment.currency,
        reason=reason,
        reference=reference,
        created_at=act.at,
    )
    record(unit, act, facts.refund_issued(refund=made, message=message, cancellation=cancelling))
    return made


def _given_back_on_cancel(payment: Payment) -> int:
    """What cancelling gives back of ``payment``: what was taken and not yet refunded (an
    authorisation is voided instead, which moves no money)."""
    return 0 if payment.status == PaymentStatus.AUTHORIZED else max(payment.refundable_minor, 0)


def given_back_on_cancel(order: Order) -> int:
    """The money a cancellation of ``order`` refunds now (what makes it a manager's decision by default)."""
    return sum(_given_back_on_cancel(p) for p in order.payments)


def settle(unit: Unit, act: Act, order: Order, *, reason: str) -> int:
    """A cancelled order's money: void what is only authorised, give back what was taken, each
    with the cancellation's reason. Returns the amount refunded (the cancellation message states
    it: the refunds send none)."""
    refunded = 0
    for payment in order.payments:
        amount = _given_back_on_cancel(payment)
        if payment.status == PaymentStatus.AUTHORIZED:
            void(unit, act, payment, reason=reason)
        elif amount > 0:
            refund(unit, act.quietly(), payment, amount, reason=reason, cancelling=True)
            refunded += amount
    return refunded
