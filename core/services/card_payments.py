"""What the card processor says outside the call that asked: refusals recorded after the refused
change rolled back, and its reports (webhooks) of payments and refunds, each one transaction.

A refusal is recorded in a transaction of its own, because the change that asked for it (a
release, a shipment, a refund) must leave nothing behind: the order is as it was, and the
payment or refund shows what the processor said, with an event staff read on the order page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import payment_outcomes, payments
from core.errors import PaymentRefused
from core.events.fact import Act, Actor
from core.models import Event, Payment, Refund
from core.payments import Refunded
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


@dataclass(frozen=True)
class RefundReport:
    """A refund as the processor reports it: its id, the payment it gives back (the processor's id for
    it: the PaymentIntent), the idempotency key Shiplog sent when Shiplog asked for it, and its state."""

    reference: str
    payment_reference: str = ""
    key: str = ""  # empty: the refund was made elsewhere (the processor's dashboard)
    amount_minor: int = 0
    status: str = "succeeded"  # succeeded | pending | failed | canceled
    failure: str = ""

    @property
    def final(self) -> bool:
        return self.status in {"succeeded", "failed", "canceled"}


def _known(session: Session, payment_id: int, report: RefundReport) -> Refund | None:
    """The refund Shiplog has for the report: by the processor's id, or by the key Shiplog sent."""
    names = {report.reference, report.key[:64]} - {""}
    found = select(Refund).where(Refund.payment_id == payment_id, Refund.reference.in_(names)).order_by(Refund.id)
    return session.scalar(found.limit(1).execution_options(populate_existing=True))


def _reported_payment(session: Session, report: RefundReport) -> Payment | None:
    """The payment the report is about, locked (before the refunds are read: a refund Shiplog is still
    making holds the lock, and is found once it has committed)."""
    owner = session.scalar(select(Refund.payment_id).where(Refund.reference.in_({report.reference, report.key[:64]} - {""})))  # fmt: skip
    if owner is not None:
        return _locked(session, owner)
    return _by_reference(session, report.payment_reference) if report.payment_reference else None


def refund_reported(shop: Shop, report: RefundReport, *, actor: Actor) -> bool:
    """The processor's word on a refund: settles one Shiplog has pending, records one made in its
    dashboard (once, however often it is reported); False when nothing changed or it is not ours."""
    with unit_of_work(shop) as unit:
        payment = _reported_payment(unit.session, report)
        if payment is None:
            return False
        known = _known(unit.session, payment.id, report)
        if known is not None:
            return report.final and _settle(unit, known, payment, report, actor)
        if report.status not in {"succeeded", "pending"} or report.amount_minor <= 0:
            return False  # a refund made elsewhere that gave nothing back
        answer = Refunded(report.reference[:64], report.status)
        reason = "refunded at the card processor"
        payment_outcomes.refunded_elsewhere(unit, Act(actor, utcnow()), payment, amount_minor=report.amount_minor, answer=answer, reason=reason)  # fmt: skip
        return True


def _settle(unit: SessionUnit, refund: Refund, payment: Payment, report: RefundReport, actor: Actor) -> bool:
    """The processor's last word on a refund it had pending (done, or refused with its reason)."""
    asked = pending_of(unit.session, refund)
    kept = asked.payload if asked is not None else {}
    failure = report.failure or report.status
    settled = payment_outcomes.Settled(
        report.status == "succeeded", failure, failure, kept.get("customer_message"), bool(kept.get("cancellation"))
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
