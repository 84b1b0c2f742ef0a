"""Payments: authorise, capture, void and refund, never above what remains refundable."""

from __future__ import annotations

import uuid

from core import characters
from core.domain.commands import StorePayment
from core.domain.unit import Unit
from core.errors import DuplicateEvent, PaymentRefused, RefundTooLarge, ValidationFailed
from core.events import orders as facts
from core.events import payments as processor_facts
from core.events.fact import Act
from core.lifecycle import Move, PaymentStatus, RefundStatus, initial, record
from core.models import Order, Payment, Refund
from core.money import money_text
from core.payments import Refunded

MESSAGE_LIMIT = 500  # a message to the customer: a few sentences, as an email paragraph
# Payments the shop's gateway holds; any other (a store's "shopify") was taken elsewhere: no call here.
CHARGED_HERE = frozenset({"card", "stripe"})
# A store's payment (Shopify, WooCommerce) is recorded with this method and the store as its gateway: the
# store holds the money, so its refunds are asked of the store (``core.storecalls``) and wait, pending,
# for the store to confirm them.
EXTERNAL = "external"
STORES = frozenset({"shopify", "woocommerce"})  # the channels whose orders the store itself took payment for


def held_here(payment: Payment) -> bool:
    return payment.gateway in CHARGED_HERE


def operation_key(operation: str, reference: str, *parts: object) -> str:
    """The idempotency key of one operation on the payment ``reference``: the same operation tried
    again (a retry, a crash before commit) names the same key, so the processor does it once."""
    return ":".join(["shiplog", operation, reference, *(str(part) for part in parts)])[:255]


def refund_key(payment: Payment, amount_minor: int) -> str:
    """The n-th refund tried on ``payment``: the same refund tried again (nothing was recorded) has
    the same n; after a refusal (recorded, failed) the next try is n + 1, a new operation."""
    return operation_key("refund", payment.reference, len(payment.refunds) + 1, amount_minor)


def authorization_key(channel: str, source_ref: str | None, given: str | None) -> str:
    """An authorisation's key, before the order exists: the caller's own key for the request (an
    API ``Idempotency-Key``), else the store's order id; else the placing is its own operation."""
    if given:
        return operation_key("authorize", channel, given)
    return operation_key("authorize", channel, source_ref or uuid.uuid4().hex)


def _refused(error: PaymentRefused, operation: str, payment: Payment, amount_minor: int) -> PaymentRefused:
    """Say which payment and operation the processor refused, for the service that records it."""
    error.operation, error.payment_id, error.amount_minor = operation, payment.id, amount_minor
    return error


def authorize(
    unit: Unit, act: Act, order: Order, *, gateway: str, reference: str, card_last4: str | None, amount_minor: int,
    method: str = "card", store_transactions: str | None = None,
) -> Payment:  # fmt: skip
    """Record an authorisation the gateway gave (or a store's word that the order is paid: ``EXTERNAL``)."""
    payment = unit.create(
        Payment,
        order_id=order.id,
        gateway=gateway,
        reference=reference,
        method=method,
        store_transactions=store_transactions,
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


def shipped_unpaid(order: Order) -> Payment | None:
    """The card payment the processor refused to take although the order's goods left (a capture at
    shipping refused once the carrier had the parcel): staff must get paid another way, or give up."""
    if not any(line.qty_shipped for line in order.lines):
        return None
    if any(p.status in (PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED) for p in order.payments):
        return None
    return next((p for p in order.payments if p.status in (PaymentStatus.FAILED, PaymentStatus.EXPIRED)), None)


def capture(unit: Unit, act: Act, payment: Payment) -> None:
    """Take the whole authorisation."""
    if held_here(payment):
        try:
            unit.gateway.capture(
                payment.reference, payment.amount_minor, key=operation_key("capture", payment.reference)
            )
        except PaymentRefused as error:
            raise _refused(error, "capture", payment, payment.amount_minor) from None
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
    if held_here(payment):
        unit.gateway.void(payment.reference, key=operation_key("cancel", payment.reference))
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
    answer = _refund_through_gateway(unit, payment, amount_minor)
    payment.refunded_minor += amount_minor  # a pending refund is spoken for already
    made = new_refund(unit, act, payment, amount_minor, reason=reason, return_id=return_id, answer=answer)
    if made.status == RefundStatus.SUCCEEDED:
        record(
            unit,
            act,
            facts.refund_issued(refund=made, message=message, cancellation=cancelling),
            Move.new("refund", made),
        )
    else:  # a cancellation's refund goes to a store with the cancellation's own call
        store = payment.gateway if payment.gateway in STORES and not cancelling else None
        pending = processor_facts.refund_pending(refund=made, message=message, cancellation=cancelling, store=store)
        record(unit, act.quietly(), pending, Move.new("refund", made))
    return made


def _refund_through_gateway(unit: Unit, payment: Payment, amount_minor: int) -> Refunded:
    key = refund_key(payment, amount_minor)
    if payment.gateway in STORES:
        return Refunded(key[:64], "pending")  # taken in a store: asked of it, done once it confirms
    if not held_here(payment):
        return Refunded(key[:64])  # money no one holds here any more (imported history): recorded as it was
    try:
        return unit.gateway.refund(payment.reference, amount_minor, key=key)
    except PaymentRefused as error:
        raise _refused(error, "refund", payment, amount_minor) from None


def new_refund(
    unit: Unit, act: Act, payment: Payment, amount_minor: int, *, reason: str, return_id: int | None,
    answer: Refunded, failure: str | None = None,
) -> Refund:  # fmt: skip
    """The refund's row, in the status the processor answered."""
    return unit.create(
        Refund, order_id=payment.order_id, payment_id=payment.id, return_id=return_id, amount_minor=amount_minor,
        currency=payment.currency, reason=reason, reference=answer.reference[:64], created_at=act.at,
        status=initial("refund", answer.status), failure=failure,
    )  # fmt: skip


def _given_back_on_cancel(payment: Payment) -> int:
    """What cancelling gives back of ``payment``: what was taken and not yet refunded (an
    authorisation is voided instead, which moves no money)."""
    return 0 if payment.status == PaymentStatus.AUTHORIZED else max(payment.refundable_minor, 0)


def given_back_on_cancel(order: Order) -> int:
    """The money a cancellation of ``order`` refunds now (what makes it a manager's decision by default)."""
    return sum(_given_back_on_cancel(p) for p in order.payments)


def paid_in_store(unit: Unit, act: Act, order: Order, paid: StorePayment) -> Payment:
    """The store's word that it took the order's money: an external payment, never charged here."""
    return authorize(
        unit, act, order, gateway=paid.store, reference=paid.reference, card_last4=None,
        amount_minor=order.total_minor, method=EXTERNAL, store_transactions=paid.transactions,
    )  # fmt: skip


def store_of(order: Order) -> str | None:
    """The store an order came from and is to be cancelled in, or None for Shiplog's own orders."""
    return order.channel if order.channel in STORES else None


def settle(unit: Unit, act: Act, order: Order, *, reason: str, give_back: bool = True) -> list[Refund]:
    """A cancelled order's money: void what is only authorised, give back what was taken (unless the
    store cancelled: it reports its own refunds), each with the cancellation's reason. Returns the
    refunds made (the cancellation message states their amount: the refunds send none)."""
    made = []
    for payment in order.payments:
        amount = _given_back_on_cancel(payment)
        if payment.status == PaymentStatus.AUTHORIZED:
            void(unit, act, payment, reason=reason)
        elif amount > 0 and give_back:
            made.append(refund(unit, act.quietly(), payment, amount, reason=reason, cancelling=True))
    return made
