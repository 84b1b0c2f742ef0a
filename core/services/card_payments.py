"""What the card processor says outside the call that asked: refusals recorded after the refused
change rolled back, and its reports (webhooks) of payments and refunds, each one transaction.

A refusal is recorded in a transaction of its own, because the change that asked for it (a
release, a shipment, a refund) must leave nothing behind: the order is as it was, and the
payment or refund shows what the processor said, with an event staff read on the order page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import payment_outcomes, payments
from core.errors import PaymentRefused
from core.events.fact import Act, Actor
from core.models import Event, Payment, Refund
from core.services.common import load_order
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop


@contextmanager
def refusals_recorded(shop: Shop, actor: Actor, *, reason: str = "") -> Iterator[None]:
    """Around a service that may capture or refund: a refusal is recorded, then re-raised."""
    try:
        yield
    except PaymentRefused as error:
        if error.payment_id is not None:
            with unit_of_work(shop) as unit:
                payment = _locked(unit.session, error.payment_id)
                payment_outcomes.refused(unit, Act(actor, utcnow(), notify=False), payment, error, reason=reason)
        raise


def _locked(session: Session, payment_id: int) -> Payment:
    """The payment, after its order's lock (the lock order every service keeps)."""
    order_id = session.scalar(select(Payment.order_id).where(Payment.id == payment_id))
    load_order(session, order_id or 0)
    return session.get_one(Payment, payment_id, populate_existing=True)


def _by_reference(session: Session, reference: str) -> Payment | None:
    found = session.scalar(
        select(Payment.id).where(Payment.reference == reference, Payment.gateway.in_(payments.CHARGED_HERE))
    )
    return None if found is None else _locked(session, found)


Rule = Callable[[SessionUnit, Act, Payment], bool]


def on_payment(shop: Shop, reference: str, rule: Rule, *, actor: Actor) -> bool:
    """Apply ``rule`` to the payment the processor names; False when it is not ours or nothing changed."""
    with unit_of_work(shop) as unit:
        payment = _by_reference(unit.session, reference)
        return payment is not None and rule(unit, Act(actor, utcnow(), notify=False), payment)


def payment_lost(shop: Shop, reference: str, *, reason_code: str, message: str, expired: bool, actor: Actor) -> bool:
    """The processor failed or expired an authorisation we still hold."""
    return on_payment(
        shop,
        reference,
        lambda unit, act, p: payment_outcomes.payment_lost(
            unit, act, p, reason_code=reason_code, message=message, expired=expired
        ),
        actor=actor,
    )


def refund_settled(
    shop: Shop, reference: str, *, succeeded: bool, failure: str, reason_code: str, actor: Actor
) -> bool:
    """The processor's last word on a refund it had pending; False for one we do not know."""
    with unit_of_work(shop) as unit:
        row = unit.session.execute(select(Refund.id, Refund.payment_id).where(Refund.reference == reference)).first()
        if row is None:
            return False
        payment = _locked(unit.session, row.payment_id)
        refund = unit.session.get_one(Refund, row.id, populate_existing=True)
        asked = pending_of(unit.session, refund)
        kept = asked.payload if asked is not None else {}
        settled = payment_outcomes.Settled(
            succeeded, failure, reason_code, kept.get("customer_message"), bool(kept.get("cancellation"))
        )
        return payment_outcomes.refund_settled(unit, Act(actor, utcnow()), refund, payment, settled)


def pending_of(session: Session, refund: Refund) -> Event | None:
    """The refund's ``refund.pending``: what it kept (its customer message, whether a cancellation made
    it) and who asked for it."""
    pending = select(Event).where(Event.order_id == refund.order_id, Event.type == "refund.pending")
    return next((e for e in session.scalars(pending) if (e.payload or {}).get("refund_id") == refund.id), None)


def captured_elsewhere(shop: Shop, reference: str, *, amount_minor: int, actor: Actor) -> bool:
    """The processor took a payment we still held authorised (captured in its dashboard)."""
    return on_payment(
        shop,
        reference,
        lambda u, a, p: payment_outcomes.captured_elsewhere(u, a, p, amount_minor=amount_minor),
        actor=actor,
    )


def voided_elsewhere(shop: Shop, reference: str, *, actor: Actor) -> bool:
    """The authorisation was cancelled at the processor, not by us."""
    return on_payment(shop, reference, payment_outcomes.voided_elsewhere, actor=actor)


def disputed(shop: Shop, reference: str, *, amount_minor: int, reason: str, dispute: str, actor: Actor) -> bool:
    """The cardholder's bank opened a dispute on the payment."""
    return on_payment(
        shop,
        reference,
        lambda u, a, p: payment_outcomes.disputed(u, a, p, amount_minor=amount_minor, reason=reason, dispute=dispute),
        actor=actor,
    )
