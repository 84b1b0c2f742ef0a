"""Stripe webhooks: the SDK's signature check (401 and nothing written when it fails, 400 for a signed
body that is no event), each event id stored once, and what each event records, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.events.fact import Actor
from core.models import Event, Refund, WebhookDelivery
from core.replay import differences
from core.services import refunds
from core.shop import Shop
from tests import factories
from tests.integration.payments.conftest import event, signature
from tests.integration.payments.stripe_peer import StripePeer

MANAGER = Actor("staff", "1", role="manager")


def _post(app: Flask, body: bytes, header: str | None) -> tuple[int, dict[str, object]]:
    headers = {"Content-Type": "application/json"} | ({"Stripe-Signature": header} if header else {})
    response = app.test_client().post("/webhooks/stripe", data=body, headers=headers)
    return response.status_code, response.get_json() or {}


def _count(shop: Shop, model: type) -> int:
    with shop.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _types(shop: Shop, order_id: int) -> list[str]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event.type).where(Event.order_id == order_id).order_by(Event.id)))


def test_a_wrongly_signed_or_unsigned_event_is_refused_and_nothing_is_written(
    stripe_app: Flask, stripe_shop: Shop
) -> None:
    body = event("payment_intent.canceled", {"id": "pi_x", "cancellation_reason": "automatic"})
    assert _post(stripe_app, body, signature(body, secret="whsec_wrong"))[0] == 401
    assert _post(stripe_app, body, None)[0] == 401
    assert _post(stripe_app, body + b" ", signature(body))[0] == 401  # the body changed after signing
    assert _post(stripe_app, b"not json", signature(b"not json"))[0] == 400
    assert _count(stripe_shop, WebhookDelivery) == 0
    assert _count(stripe_shop, Event) == 0


def test_an_expired_authorisation_reported_by_stripe_is_recorded_once(
    stripe_app: Flask, stripe_shop: Shop, peer: StripePeer
) -> None:
    factories.make_catalog(stripe_shop)
    held = factories.place(stripe_shop, fraud_score=90, card="pm_card_visa")
    reference = factories.reload(stripe_shop, held.id).payments[0].reference
    body = event("payment_intent.canceled", {"id": reference, "cancellation_reason": "automatic"}, "evt_expired")
    status, answer = _post(stripe_app, body, signature(body))
    assert (status, answer["status"], answer["duplicate"]) == (200, "processed", False)
    again = _post(stripe_app, body, signature(body))[1]
    assert again["duplicate"] is True
    payment = factories.reload(stripe_shop, held.id).payments[0]
    assert payment.status == "expired"
    assert "expired" in (payment.failure or "")
    assert _types(stripe_shop, held.id).count("payment.expired") == 1
    assert _count(stripe_shop, WebhookDelivery) == 1


@pytest.fixture
def pending_refund(stripe_shop: Shop, peer: StripePeer) -> Refund:
    """A paid order with a refund of 1200 that Stripe accepted and has not yet confirmed."""
    factories.make_catalog(stripe_shop)
    order = factories.place(stripe_shop, card="pm_card_visa")
    peer.state.refund_mode = "pending"
    return refunds.refund_order(stripe_shop, order.id, amount_minor=1200, reason="goodwill", actor=MANAGER)


def test_a_pending_refund_is_done_only_when_stripe_confirms_it(
    stripe_app: Flask, stripe_shop: Shop, pending_refund: Refund
) -> None:
    made = pending_refund
    refund = {"id": made.reference, "object": "refund", "status": "succeeded", "amount": 1200}
    charge = {"id": "ch_1", "object": "charge", "refunds": {"object": "list", "data": [refund]}}
    body = event("charge.refunded", charge, "evt_refunded")
    assert _post(stripe_app, body, signature(body))[1]["status"] == "processed"
    with stripe_shop.db.read() as session:
        assert session.scalars(select(Refund.status)).all() == ["succeeded"]
    assert _types(stripe_shop, made.order_id)[-2:] == ["refund.pending", "refund.issued"]


def test_a_refund_stripe_fails_later_gives_the_amount_back_to_refund(
    stripe_app: Flask, stripe_shop: Shop, pending_refund: Refund
) -> None:
    made = pending_refund
    failed = {"id": made.reference, "object": "refund", "status": "failed", "failure_reason": "lost_or_stolen_card"}
    body = event("charge.refund.updated", failed, "evt_refund_failed")
    assert _post(stripe_app, body, signature(body))[1]["status"] == "processed"
    assert factories.reload(stripe_shop, made.order_id).payments[0].refunded_minor == 0
    with stripe_shop.db.read() as session:
        assert session.execute(select(Refund.status, Refund.failure)).all() == [("failed", "lost_or_stolen_card")]
        assert differences(session) == []
    assert _types(stripe_shop, made.order_id)[-1] == "refund.failed"


def test_a_dispute_and_a_declined_payment_are_recorded_for_staff(
    stripe_app: Flask, stripe_shop: Shop, peer: StripePeer
) -> None:
    factories.make_catalog(stripe_shop)
    paid = factories.place(stripe_shop, card="pm_card_visa")
    held = factories.place(stripe_shop, fraud_score=90, card="pm_card_visa", email="held@example.com")
    paid_ref = factories.reload(stripe_shop, paid.id).payments[0].reference
    held_ref = factories.reload(stripe_shop, held.id).payments[0].reference
    dispute = {"id": "dp_1", "object": "dispute", "amount": 3000, "reason": "fraudulent", "payment_intent": paid_ref}
    error = {
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
    }
    failed = {"id": held_ref, "object": "payment_intent", "last_payment_error": error}
    for kind, obj, evt in [
        ("charge.dispute.created", dispute, "evt_d"),
        ("payment_intent.payment_failed", failed, "evt_f"),
    ]:
        body = event(kind, obj, evt)
        assert _post(stripe_app, body, signature(body))[1]["status"] == "processed"
    assert _types(stripe_shop, paid.id)[-1] == "payment.disputed"
    payment = factories.reload(stripe_shop, held.id).payments[0]
    assert (payment.status, payment.failure) == ("failed", "Your card has insufficient funds.")
    unknown = event("payment_intent.succeeded", {"id": "pi_not_ours", "amount_received": 100}, "evt_u")
    assert _post(stripe_app, unknown, signature(unknown))[1]["status"] == "ignored"


def test_a_cancellations_pending_refund_once_confirmed_keeps_its_cause(
    stripe_app: Flask, stripe_shop: Shop, peer: StripePeer
) -> None:
    factories.make_catalog(stripe_shop)
    order = factories.place(stripe_shop, card="pm_card_visa")
    peer.state.refund_mode = "pending"
    refunds.cancel_order(stripe_shop, order.id, reason="customer asked", actor=MANAGER)
    [reference] = [r["id"] for r in peer.state.refunds.values()]
    body = event("refund.updated", {"id": reference, "object": "refund", "status": "succeeded"}, "evt_cancel_refund")
    assert _post(stripe_app, body, signature(body))[1]["status"] == "processed"
    with stripe_shop.db.read() as session:
        issued = session.execute(select(Event.payload, Event.notify).where(Event.type == "refund.issued")).one()
    assert issued.payload["cause"] == "cancellation"
    assert issued.notify is False  # the cancellation's own message told the customer
