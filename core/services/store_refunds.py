"""A store's answer to the refunds Shiplog asked of it, and the refunds a store made by itself.

The outbox worker calls ``settle`` once the store has answered a call; the store webhooks call
``record_from_store`` for each refund the store reports. A refund the store reports is matched to the
one Shiplog asked for (by the store's refund id Shiplog kept when the call was confirmed, by Shiplog's
reference in the refund's note or reason, or, for a cancellation's refund made by the store's own cancel
job, by its amount), so no refund is ever counted twice. A refund is the money log's entry of whoever
asked for it, not of the store that confirmed it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import payment_outcomes, store_refunds
from core.errors import NotFound
from core.events.fact import Act, Actor
from core.lifecycle import RefundStatus
from core.models import Order, Payment, Refund
from core.services.card_payments import pending_of
from core.services.common import load_order
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop


def _load(session: Session, refund_id: int) -> tuple[Refund, Payment]:
    owner = session.scalar(select(Refund.order_id).where(Refund.id == refund_id))
    if owner is None:
        raise NotFound(f"No refund #{refund_id}.")
    load_order(session, owner)  # the order's lock first, as every service takes it
    refund = session.get_one(Refund, refund_id, populate_existing=True)
    return refund, session.get_one(Payment, refund.payment_id, populate_existing=True)


def _settle(
    unit: SessionUnit, refund: Refund, payment: Payment, store_ref: str, failure: str | None, by: Actor
) -> bool:
    """Done (with the store's id for it) or refused, as a card processor's pending refund is settled."""
    asked = pending_of(unit.session, refund)
    kept = asked.payload if asked is not None else {}
    asker = Actor(asked.actor_type, asked.actor_id) if asked is not None else by
    if refund.status == RefundStatus.PENDING and failure is None:
        refund.store_ref = store_ref[:120] or None
    settled = payment_outcomes.Settled(
        failure is None, failure or "", "", kept.get("customer_message"), bool(kept.get("cancellation"))
    )
    return payment_outcomes.refund_settled(unit, Act(asker, utcnow()), refund, payment, settled)


def settle(shop: Shop, refund_id: int, *, store_ref: str = "", failure: str | None = None, actor: Actor) -> bool:
    """The store made the refund (``failure`` None) or refused it; False when it was no longer pending."""
    with unit_of_work(shop) as unit:
        refund, payment = _load(unit.session, refund_id)
        return _settle(unit, refund, payment, store_ref, failure, actor)


def _match(refunds: list[Refund], store_ref: str, note: str, amount_minor: int) -> Refund | None:
    """The refund Shiplog already has for one the store reports, if any."""
    for refund in refunds:
        if refund.store_ref == store_ref or (refund.reference and refund.reference in note):
            return refund
    # A cancellation's refund made by the store's own cancel job carries neither: the same amount, not yet named.
    return next(
        (
            r
            for r in refunds
            if r.store_ref is None and r.status != RefundStatus.FAILED and r.amount_minor == amount_minor
        ),
        None,
    )


def record_from_store(
    shop: Shop, order_id: int, *, store_ref: str, amount_minor: int, note: str, cancellation: bool, actor: Actor
) -> str:
    """A refund the store reports: ``processed`` when it is news here, ``ignored`` when Shiplog has it."""
    with unit_of_work(shop) as unit:
        order: Order = load_order(unit.session, order_id)
        refunds = list(unit.session.scalars(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)))
        known = _match(refunds, store_ref, note, amount_minor)
        if known is not None:
            payment = unit.session.get_one(Payment, known.payment_id)
            return "processed" if _settle(unit, known, payment, store_ref, None, actor) else "ignored"
        payment = next((p for p in order.payments if p.refundable_minor > 0), None)
        if payment is None:
            return "ignored"
        act = Act(actor, utcnow())
        store_refunds.made_in_store(
            unit, act, payment, amount_minor=amount_minor, store_ref=store_ref, reason=note, cancellation=cancellation
        )
        return "processed"
