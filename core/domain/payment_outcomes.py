"""What a card processor answers apart from the call that asked: a capture or refund it refused
(recorded after the refused change was rolled back), a refund it confirms or refuses later, and
a payment it fails, expires, captures, cancels or sees disputed on its own side (its webhooks).

Each rule returns whether it changed anything: a report of what is already recorded is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain import payments
from core.domain.unit import Unit
from core.errors import PaymentRefused, RefundTooLarge
from core.events import orders as facts
from core.events import payments as processor_facts
from core.events.fact import Act
from core.lifecycle import Move, PaymentStatus, RefundStatus, record
from core.models import Payment, Refund
from core.money import money_text
from core.payments import Refunded


def refused(unit: Unit, act: Act, payment: Payment, error: PaymentRefused, *, reason: str) -> bool:
    """Record a refusal the processor gave to ``error.operation`` (``reason``: staff's, for a refund)."""
    if error.operation == "capture":
        return payment_lost(unit, act, payment, reason_code=error.reason, message=error.message, expired=error.expired)
    if error.operation == "refund":
        refund_refused(unit, act, payment, error, reason=reason)
        return True
    return False


def payment_lost(
    unit: Unit, act: Act, payment: Payment, *, reason_code: str, message: str, expired: bool,
    after_shipping: bool = False,
) -> bool:  # fmt: skip
    """An authorisation that can no longer be taken: declined at capture, or expired
    (``after_shipping``: refused as the parcel left with the carrier, which ships it regardless)."""
    if payment.status != PaymentStatus.AUTHORIZED:
        return False
    payment.failure = message[:200]
    made = processor_facts.payment_expired if expired else processor_facts.payment_failed
    lost = made(payment=payment, reason=reason_code, message=message, after_shipping=after_shipping)
    record(unit, act, lost, Move("payment", payment, PaymentStatus.EXPIRED if expired else PaymentStatus.FAILED))
    return True


def refund_refused(unit: Unit, act: Act, payment: Payment, error: PaymentRefused, *, reason: str) -> Refund:
    """A refund the processor refused at once: kept, failed, so staff see it was tried and why."""
    answer = Refunded(payments.refund_key(payment, error.amount_minor), "failed")  # the key of the refused try
    why = payments.internal_reason(reason or "refund")
    made = payments.new_refund(
        unit, act, payment, error.amount_minor, reason=why, return_id=None, answer=answer, failure=error.message[:200]
    )
    record(unit, act, processor_facts.refund_failed(refund=made, reason=error.reason), Move.new("refund", made))
    return made


@dataclass(frozen=True)
class Settled:
    """The processor's last word on a pending refund, and what its ``refund.pending`` kept."""

    succeeded: bool
    failure: str = ""
    reason_code: str = ""
    message: str | None = None  # the customer's, given when the refund was made
    cancellation: bool = False  # a cancellation made it: its own message already told the customer


def refund_settled(unit: Unit, act: Act, refund: Refund, payment: Payment, settled: Settled) -> bool:
    """Done (only now is it ``refund.issued``), or refused (the amount is refundable again)."""
    if refund.status != RefundStatus.PENDING:
        return False
    if settled.succeeded:
        issued = facts.refund_issued(refund=refund, message=settled.message, cancellation=settled.cancellation)
        told = act.quietly() if settled.cancellation else act
        record(unit, told, issued, Move("refund", refund, RefundStatus.SUCCEEDED))
        return True
    failure, reason_code = settled.failure, settled.reason_code
    payment.refunded_minor -= refund.amount_minor
    refund.failure = (failure or reason_code or "refused")[:200]
    failed = processor_facts.refund_failed(refund=refund, reason=reason_code)
    record(unit, act, failed, Move("refund", refund, RefundStatus.FAILED))
    return True


def captured_elsewhere(unit: Unit, act: Act, payment: Payment, *, amount_minor: int) -> bool:
    """The processor says the payment was taken (in its dashboard) while we still held it authorised."""
    if payment.status != PaymentStatus.AUTHORIZED:
        return False
    payment.captured_minor = min(max(amount_minor, 0), payment.amount_minor)
    record(unit, act, facts.payment_captured(payment=payment), Move("payment", payment, PaymentStatus.CAPTURED))
    return True


def voided_elsewhere(unit: Unit, act: Act, payment: Payment) -> bool:
    """The authorisation was cancelled at the processor, not by us (nor by expiry)."""
    if payment.status != PaymentStatus.AUTHORIZED:
        return False
    voided = facts.payment_voided(payment=payment, reason="cancelled at the card processor")
    record(unit, act, voided, Move("payment", payment, PaymentStatus.VOIDED))
    return True


def disputed(unit: Unit, act: Act, payment: Payment, *, amount_minor: int, reason: str, dispute: str) -> bool:
    """A chargeback opened: staff must answer it at the processor; the payment's status stays."""
    fact = processor_facts.payment_disputed(
        payment=payment, amount_minor=amount_minor, reason=reason, dispute=dispute, key=f"dispute:{dispute}"[:200]
    )
    record(unit, act, fact)
    return True


def refunded_elsewhere(
    unit: Unit, act: Act, payment: Payment, *, amount_minor: int, answer: Refunded, reason: str,
    cancellation: bool = False,
) -> Refund:  # fmt: skip
    """A refund made outside Shiplog (a store's admin, the card processor's dashboard), recorded as it
    is reported: quietly (whoever made it told the customer), never asked of anyone again, and never
    more than is refundable here (then staff must look). A pending one is done when the processor
    says so (``refund_settled``)."""
    if amount_minor <= 0 or amount_minor > payment.refundable_minor:
        left = money_text(payment.refundable_minor, payment.currency)
        raise RefundTooLarge(f"A refund was made elsewhere beyond the {left} recorded as refundable.", field="amount")
    payment.refunded_minor += amount_minor  # a pending refund is spoken for already
    why = " ".join(reason.split())[:200] or "refunded elsewhere"
    made = payments.new_refund(unit, act, payment, amount_minor, reason=why, return_id=None, answer=answer)
    if made.status == RefundStatus.PENDING:
        fact = processor_facts.refund_pending(refund=made, message=None, cancellation=cancellation)
    else:
        fact = facts.refund_issued(refund=made, message=None, cancellation=cancellation)
    record(unit, act.quietly(), fact, Move.new("refund", made))
    return made
