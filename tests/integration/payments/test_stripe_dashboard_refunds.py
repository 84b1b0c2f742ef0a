"""Refunds made in Stripe's dashboard reach Shiplog through Stripe's webhooks, signed with the SDK's own
signing helper: recorded once as a refund on the order (its event, amount and Stripe's refund id),
never mistaken for one Shiplog made itself, and never counted twice however often Stripe reports
it, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from flask import Flask
from sqlalchemy import select

from core.events.fact import Actor
from core.models import Event, Order, Refund
from core.replay import differences
from core.services import refunds
from core.shop import Shop
from tests import factories
from tests.integration.payments.conftest import WEBHOOK_SECRET, event
from tests.integration.payments.stripe_peer import StripePeer

MANAGER = Actor("staff", "1", role="manager")


def _deliver(app: Flask, kind: str, obj: dict[str, Any], event_id: str) -> dict[str, Any]:
    body = event(kind, obj, event_id)
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), WEBHOOK_SECRET)
    response = app.test_client().post(
        "/webhooks/stripe", data=body, headers={"Content-Type": "application/json", "Stripe-Signature": header}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def _charge(intent: dict[str, Any], *refunds_made: dict[str, Any]) -> dict[str, Any]:
    """A ``charge.refunded`` charge with its refunds listed (as an expanded API version sends it)."""
    refunded = sum(r["amount"] for r in refunds_made)
    listed = {"object": "list", "data": list(refunds_made)}
    return {"id": intent["latest_charge"], "object": "charge", "payment_intent": intent["id"], "amount_refunded": refunded, "refunded": False, "refunds": listed}  # fmt: skip


def _refund_rows(shop: Shop) -> list[tuple[int, str, str, str]]:
    with shop.db.read() as session:
        found = select(Refund.amount_minor, Refund.status, Refund.reference, Refund.reason).order_by(Refund.id)
        return [tuple(row) for row in session.execute(found)]  # type: ignore[misc]


def _events(shop: Shop, order_id: int, kind: str) -> list[Event]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event).where(Event.order_id == order_id, Event.type == kind)))


@pytest.fixture
def paid(stripe_shop: Shop, peer: StripePeer) -> tuple[Order, dict[str, Any]]:
    """A direct order paid through Stripe (captured at confirmation), and its PaymentIntent at the peer."""
    factories.make_catalog(stripe_shop)
    order = factories.place(stripe_shop, card="pm_card_visa")
    reference = factories.reload(stripe_shop, order.id).payments[0].reference
    return order, peer.state.intents[reference]


def test_a_refund_made_in_the_stripe_dashboard_is_recorded_once(
    stripe_app: Flask, stripe_shop: Shop, peer: StripePeer, paid: tuple[Order, dict[str, Any]]
) -> None:
    order, intent = paid
    made = peer.state.add_refund(intent, 1500)  # in the dashboard: no Shiplog key
    assert _deliver(stripe_app, "refund.created", made, "evt_r1")["status"] == "processed"
    assert _refund_rows(stripe_shop) == [(1500, "succeeded", made["id"], "refunded at the card processor")]
    [issued] = _events(stripe_shop, order.id, "refund.issued")
    assert issued.payload["amount_minor"] == 1500
    assert issued.notify is False  # Stripe, not Shiplog, refunded the customer
    # Stripe redelivers, and reports the same refund again on the charge: nothing more is written.
    assert _deliver(stripe_app, "refund.created", made, "evt_r1")["duplicate"] is True
    assert _deliver(stripe_app, "charge.refunded", _charge(intent, made), "evt_c1")["status"] == "ignored"
    assert len(_refund_rows(stripe_shop)) == 1
    assert len(_events(stripe_shop, order.id, "refund.issued")) == 1
    assert factories.reload(stripe_shop, order.id).payments[0].refunded_minor == 1500
    with stripe_shop.db.read() as session:
        assert differences(session) == []


def test_a_refund_shiplog_made_is_not_recorded_again_when_stripe_reports_it(
    stripe_app: Flask, stripe_shop: Shop, peer: StripePeer, paid: tuple[Order, dict[str, Any]]
) -> None:
    order, intent = paid
    refunds.refund_order(stripe_shop, order.id, amount_minor=1000, reason="late", actor=MANAGER)
    [ours] = peer.state.refunds.values()
    assert ours["metadata"]["shiplog_key"].startswith("shiplog:refund:")
    elsewhere = peer.state.add_refund(intent, 700)
    assert _deliver(stripe_app, "refund.created", ours, "evt_ours")["status"] == "ignored"
    charge = _charge(intent, ours, elsewhere)
    assert _deliver(stripe_app, "charge.refunded", charge, "evt_both")["status"] == "processed"
    assert _deliver(stripe_app, "refund.created", elsewhere, "evt_elsewhere")["status"] == "ignored"
    rows = _refund_rows(stripe_shop)
    assert [(amount, reference) for amount, _, reference, _ in rows] == [(1000, ours["id"]), (700, elsewhere["id"])]
    assert len(_events(stripe_shop, order.id, "refund.issued")) == 2
    assert factories.reload(stripe_shop, order.id).payments[0].refunded_minor == 1700
    assert peer.state.problems == []


def test_a_pending_dashboard_refund_is_done_when_stripe_confirms_it(
    stripe_app: Flask, stripe_shop: Shop, peer: StripePeer, paid: tuple[Order, dict[str, Any]]
) -> None:
    order, intent = paid
    made = peer.state.add_refund(intent, 900, status="pending")
    assert _deliver(stripe_app, "refund.created", made, "evt_p1")["status"] == "processed"
    assert _refund_rows(stripe_shop)[0][:2] == (900, "pending")
    assert _events(stripe_shop, order.id, "refund.issued") == []
    done = made | {"status": "succeeded"}
    assert _deliver(stripe_app, "refund.updated", done, "evt_p2")["status"] == "processed"
    assert _deliver(stripe_app, "charge.refund.updated", done, "evt_p3")["status"] == "ignored"
    assert _refund_rows(stripe_shop)[0][:2] == (900, "succeeded")
    assert len(_events(stripe_shop, order.id, "refund.issued")) == 1
    with stripe_shop.db.read() as session:
        assert differences(session) == []


def test_a_dashboard_refund_of_another_payment_or_beyond_what_is_refundable_writes_nothing(
    stripe_app: Flask, stripe_shop: Shop, peer: StripePeer, paid: tuple[Order, dict[str, Any]]
) -> None:
    _, intent = paid
    stranger = {"id": "pi_not_ours", "currency": "usd", "latest_charge": "ch_x"}
    assert _deliver(stripe_app, "refund.created", peer.state.add_refund(stranger, 100), "evt_s")["status"] == "ignored"
    failed = peer.state.add_refund(intent, 100, status="failed")
    assert _deliver(stripe_app, "refund.created", failed, "evt_f")["status"] == "ignored"
    too_much = peer.state.add_refund(intent, intent["amount"] + 1)
    assert _deliver(stripe_app, "refund.created", too_much, "evt_big")["status"] == "failed"
    assert _refund_rows(stripe_shop) == []
