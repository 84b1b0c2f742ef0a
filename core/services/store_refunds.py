"""A store's answer to the refunds Shiplog asked of it, and the refunds a store made by itself.

The outbox worker calls ``confirm`` or ``refuse`` once the store has answered a call; the store
webhooks call ``record_from_store`` for each refund the store reports. A refund the store reports is
matched to the one Shiplog asked for (by the store's refund id Shiplog kept when the call was
confirmed, by Shiplog's reference in the refund's note or reason, or, for a cancellation's refund
made by the store's own cancel job, by its amount), so no refund is ever counted twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import store_refunds
from core.errors import NotFound
from core.events.fact import Act, Actor
from core.lifecycle import RefundStatus
from core.models import Event, Order, Payment, Refund
from core.services.common import load_order
from core.services.unit import unit_of_work
from core.shop import Shop


def _asked(session: Session, refund_id: int, answered_by: Actor) -> tuple[dict[str, Any], Actor]:
    """What Shiplog asked for (the request's customer message and cause), and who asked: the refund is
    theirs in the money log, whoever brought the store's confirmation."""
    found = session.execute(
        select(Event.payload, Event.actor_type, Event.actor_id).where(
            Event.refund_id == refund_id, Event.type == "refund.requested"
        )
    ).first()
    if found is None:
        return {}, answered_by
    payload, actor_type, actor_id = found
    return dict(payload or {}), Actor(actor_type, actor_id)


def _load(session: Session, refund_id: int) -> tuple[Refund, Payment]:
    owner = session.scalar(select(Refund.order_id).where(Refund.id == refund_id))
    if owner is None:
        raise NotFound(f"No refund #{refund_id}.")
    load_order(session, owner)  # the order's lock first, as every service takes it
    refund = session.get_one(Refund, refund_id)
    return refund, session.get_one(Payment, refund.payment_id)


def confirm(shop: Shop, refund_id: int, *, store_ref: str, actor: Actor) -> bool:
    """The store made the refund; False when it was already recorded as made."""
    with unit_of_work(shop) as unit:
        refund, _ = _load(unit.session, refund_id)
        asked, asker = _asked(unit.session, refund_id, actor)
        return store_refunds.confirm(unit, Act(asker, utcnow()), refund, store_ref=store_ref, asked=asked)


def refuse(shop: Shop, refund_id: int, *, failure: str, actor: Actor) -> bool:
    """The store refused the refund; False when it was no longer pending."""
    with unit_of_work(shop) as unit:
        refund, payment = _load(unit.session, refund_id)
        return store_refunds.refuse(unit, Act(actor, utcnow()), refund, payment, failure=failure)


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
        act = Act(actor, utcnow())
        known = _match(refunds, store_ref, note, amount_minor)
        if known is not None:
            asked, asker = _asked(unit.session, known.id, actor)
            confirmed = store_refunds.confirm(unit, Act(asker, act.at), known, store_ref=store_ref, asked=asked)
            return "processed" if confirmed else "ignored"
        payment = next((p for p in order.payments if p.refundable_minor > 0), None)
        if payment is None:
            return "ignored"
        store_refunds.made_in_store(
            unit, act, payment, amount_minor=amount_minor, store_ref=store_ref, reason=note, cancellation=cancellation
        )
        return "processed"
