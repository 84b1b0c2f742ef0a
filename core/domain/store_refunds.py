"""A store's refunds: confirmed or refused after Shiplog asked for them, or made in the store's own admin.

A refund asked of a store (``payments.refund`` on an external payment) waits, pending, for the store's
answer. Confirmed, it is issued (the customer hears of it then); refused, it fails and its amount is
refundable again. A refund the store made by itself is recorded as issued at once, quietly: the store
told its customer already.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.payments import EXTERNAL
from core.domain.unit import Unit
from core.errors import RefundTooLarge
from core.events import orders as facts
from core.events.fact import Act
from core.lifecycle import Move, RefundStatus, record
from core.models import Payment, Refund
from core.money import money_text


def confirm(unit: Unit, act: Act, refund: Refund, *, store_ref: str, asked: Mapping[str, Any]) -> bool:
    """The store made the refund Shiplog asked for (``asked``: the request's payload). False: it was
    already confirmed (a repeat answer, or the store's webhook came first)."""
    if refund.status != RefundStatus.PENDING:
        return False
    refund.store_ref = store_ref[:120] or None
    cancellation = asked.get("cause") == "cancellation"
    issued = facts.refund_issued(
        refund=refund, message=asked.get("customer_message"), cancellation=cancellation, store_ref=store_ref
    )
    # A cancellation's refund is told in the cancellation's own message, as a gateway's is.
    record(unit, act.quietly() if cancellation else act, issued, Move("refund", refund, RefundStatus.SUCCEEDED))
    return True


def refuse(unit: Unit, act: Act, refund: Refund, payment: Payment, *, failure: str) -> bool:
    """The store refused the refund: staff see why, and the amount may be refunded again."""
    if refund.status != RefundStatus.PENDING:
        return False
    refund.failure = failure[:300]
    payment.refunded_minor -= refund.amount_minor
    failed = facts.refund_failed(refund=refund, store=payment.gateway, failure=failure)
    record(unit, act, failed, Move("refund", refund, RefundStatus.FAILED))
    return True


def made_in_store(
    unit: Unit, act: Act, payment: Payment, *, amount_minor: int, store_ref: str, reason: str, cancellation: bool
) -> Refund:
    """A refund made in the store's admin: recorded as issued, never asked of the store again."""
    if payment.method != EXTERNAL or amount_minor > payment.refundable_minor:
        left = money_text(payment.refundable_minor, payment.currency)
        raise RefundTooLarge(f"The store refunded more than the {left} recorded as refundable.", field="amount")
    payment.refunded_minor += amount_minor
    refund = unit.create(
        Refund, order_id=payment.order_id, payment_id=payment.id, return_id=None, amount_minor=amount_minor,
        currency=payment.currency, reason=reason[:200] or "refunded in the store", reference=store_ref[:64],
        created_at=act.at, status=RefundStatus.SUCCEEDED, store_ref=store_ref[:120], failure=None,
    )  # fmt: skip
    issued = facts.refund_issued(refund=refund, message=None, cancellation=cancellation, store_ref=store_ref)
    record(unit, act.quietly(), issued, Move.new("refund", refund, RefundStatus.SUCCEEDED))
    return refund
