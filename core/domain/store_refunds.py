"""A refund a store made by itself, in its own admin: recorded as issued at once, quietly (the store told
its customer already), never asked of the store again. (A refund Shiplog asked of a store is settled
by ``payment_outcomes.refund_settled``, as a card processor's.)"""

from __future__ import annotations

from core.domain import payments
from core.domain.unit import Unit
from core.errors import RefundTooLarge
from core.events import orders as facts
from core.events.fact import Act
from core.lifecycle import Move, record
from core.models import Payment, Refund
from core.money import money_text
from core.payments import Refunded


def made_in_store(
    unit: Unit, act: Act, payment: Payment, *, amount_minor: int, store_ref: str, reason: str, cancellation: bool
) -> Refund:
    """Recorded as the store reports it; never more than is refundable here (then staff must look)."""
    if payment.method != payments.EXTERNAL or amount_minor > payment.refundable_minor:
        left = money_text(payment.refundable_minor, payment.currency)
        raise RefundTooLarge(f"The store refunded more than the {left} recorded as refundable.", field="amount")
    payment.refunded_minor += amount_minor
    why = " ".join(reason.split())[:200] or "refunded in the store"
    refund = payments.new_refund(
        unit, act, payment, amount_minor, reason=why, return_id=None, answer=Refunded(store_ref[:64])
    )
    refund.store_ref = store_ref[:120]
    issued = facts.refund_issued(refund=refund, message=None, cancellation=cancellation)
    record(unit, act.quietly(), issued, Move.new("refund", refund))
    return refund
