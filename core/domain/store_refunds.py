"""A refund a store made by itself, in its own admin: recorded as issued at once, quietly (the store told
its customer already), never asked of the store again. (A refund Shiplog asked of a store is settled
by ``payment_outcomes.refund_settled``, as a card processor's.)"""

from __future__ import annotations

from core.domain import payment_outcomes, payments
from core.domain.unit import Unit
from core.errors import RefundTooLarge
from core.events.fact import Act
from core.models import Payment, Refund
from core.money import money_text
from core.payments import Refunded


def made_in_store(
    unit: Unit, act: Act, payment: Payment, *, amount_minor: int, store_ref: str, reason: str, cancellation: bool
) -> Refund:
    """Recorded as the store reports it; never more than is refundable here (then staff must look)."""
    if payment.method != payments.EXTERNAL:  # its money is not the store's: nothing of it is the store's to give
        left = money_text(0, payment.currency)
        raise RefundTooLarge(f"The store refunded more than the {left} recorded as refundable.", field="amount")
    refund = payment_outcomes.refunded_elsewhere(
        unit, act, payment, amount_minor=amount_minor, answer=Refunded(store_ref[:64]),
        reason=reason or "refunded in the store", cancellation=cancellation,
    )  # fmt: skip
    refund.store_ref = store_ref[:120]
    return refund
