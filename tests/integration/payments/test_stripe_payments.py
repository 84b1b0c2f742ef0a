"""Direct orders pay through the real Stripe SDK against the local Stripe peer, on SQLite and PostgreSQL:
authorise at capture, capture at confirmation or at shipping, refund partly then fully, and each refusal
(a declined card, an expired authorisation, a refused refund, a processor that does not answer) becomes
a state staff can see, with nothing half-written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from core.errors import GatewayUnavailable, PaymentRefused
from core.events.fact import Actor
from core.models import Event, Order, Payment, Refund
from core.replay import differences
from core.services import fulfilment, ordering, refunds
from core.shop import Shop
from tests import factories
from tests.integration.api.conftest import order_body
from tests.integration.payments.stripe_peer import StripePeer

MANAGER = Actor("staff", "1", role="manager")
TOTAL = 2 * 2500 + 500  # 2 × TEE-M and shipping


def _place(api: Callable[..., TestResponse], key: str = "checkout-1", **changes: object) -> TestResponse:
    body = order_body(**({"card": "pm_card_visa"} | changes))
    return api("POST", "/orders", json=body, headers={"Idempotency-Key": key})


def _order(shop: Shop, number: str) -> Order:
    with shop.db.read() as session:
        return session.scalars(select(Order).where(Order.number == number)).one()


def _events(shop: Shop, order_id: int) -> list[str]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event.type).where(Event.order_id == order_id).order_by(Event.id)))


def _refunds(shop: Shop) -> list[tuple[int, str, str | None]]:
    with shop.db.read() as session:
        return [(r.amount_minor, r.status, r.failure) for r in session.scalars(select(Refund).order_by(Refund.id))]


def _consistent(shop: Shop) -> None:
    with shop.db.read() as session:
        assert differences(session) == []


@pytest.fixture
def catalog(stripe_shop: Shop) -> dict[str, int]:
    return factories.make_catalog(stripe_shop)


def test_an_api_order_authorises_captures_and_refunds_partly_then_fully(
    api: Callable[..., TestResponse], stripe_shop: Shop, peer: StripePeer, catalog: dict[str, int]
) -> None:
    placed = _place(api)
    assert placed.status_code == 201, placed.get_json()
    order = _order(stripe_shop, placed.get_json()["number"])
    [create] = peer.state.posts("/v1/payment_intents")
    assert create.form["amount"] == str(TOTAL)
    assert create.form["currency"] == "usd"
    assert create.form["capture_method"] == "manual"
    assert create.form["confirm"] == "true"
    assert create.form["payment_method"] == "pm_card_visa"
    assert create.key is not None
    assert create.key.endswith(":checkout-1")
    [payment] = order.payments
    assert (payment.gateway, payment.status, payment.captured_minor) == ("stripe", "captured", TOTAL)
    [capture] = peer.state.posts(r"/v1/payment_intents/pi_\w+/capture")
    assert capture.path == f"/v1/payment_intents/{payment.reference}/capture"
    assert capture.form == {"amount_to_capture": str(TOTAL)}
    refunds.refund_order(stripe_shop, order.id, amount_minor=1000, reason="late", actor=MANAGER)
    refunds.refund_order(stripe_shop, order.id, amount_minor=TOTAL - 1000, reason="lost", actor=MANAGER)
    sent = peer.state.posts("/v1/refunds")
    assert [r.form for r in sent] == [
        {"payment_intent": payment.reference, "amount": "1000", "metadata[shiplog_key]": sent[0].key},
        {"payment_intent": payment.reference, "amount": str(TOTAL - 1000), "metadata[shiplog_key]": sent[1].key},
    ]
    assert len({r.key for r in sent}) == 2  # two operations, two keys
    assert _refunds(stripe_shop) == [(1000, "succeeded", None), (TOTAL - 1000, "succeeded", None)]
    assert _events(stripe_shop, order.id).count("refund.issued") == 2
    assert factories.reload(stripe_shop, order.id).payments[0].refunded_minor == TOTAL
    assert peer.state.problems == []
    _consistent(stripe_shop)


def test_the_same_order_request_sent_twice_authorises_once(
    api: Callable[..., TestResponse], peer: StripePeer, catalog: dict[str, int]
) -> None:
    first, again = _place(api), _place(api)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(peer.state.posts("/v1/payment_intents")) == 1


@pytest.mark.parametrize("capture_at", ["shipping"])
def test_the_shop_can_take_the_money_when_the_parcel_leaves(
    api: Callable[..., TestResponse], stripe_shop: Shop, peer: StripePeer, catalog: dict[str, int]
) -> None:
    order = _order(stripe_shop, _place(api).get_json()["number"])
    assert order.status == "confirmed"
    assert order.payments[0].status == "authorized"
    assert peer.state.posts(r"/v1/payment_intents/pi_\w+/capture") == []
    fulfilment.ship_order(stripe_shop, order.id, carrier_code="ups", service="Ground", tracking_number="1ZSTRIPE01", actor=MANAGER)  # fmt: skip
    [capture] = peer.state.posts(r"/v1/payment_intents/pi_\w+/capture")
    assert capture.form == {"amount_to_capture": str(TOTAL)}
    assert factories.reload(stripe_shop, order.id).payments[0].status == "captured"
    _consistent(stripe_shop)


@pytest.mark.parametrize("capture_at", ["shipping"])
def test_releasing_a_confirmed_order_held_by_staff_does_not_confirm_it_twice(stripe_shop: Shop, peer: StripePeer, catalog: dict[str, int]) -> None:  # fmt: skip
    order = factories.place(stripe_shop, card="pm_card_visa")
    ordering.hold_order(stripe_shop, order.id, actor=MANAGER)
    ordering.release_order(stripe_shop, order.id, actor=MANAGER)
    with stripe_shop.db.read() as session:
        confirmed = session.scalars(select(Event.payload).where(Event.order_id == order.id, Event.type == "order.confirmed")).all()  # fmt: skip
    assert [bool(p.get("resumed")) for p in confirmed] == [False, True]
    assert factories.reload(stripe_shop, order.id).payments[0].status == "authorized"
    assert peer.state.posts(r"/v1/payment_intents/pi_\w+/capture") == []


def test_a_declined_card_refuses_the_order_and_writes_nothing(
    api: Callable[..., TestResponse], stripe_shop: Shop, peer: StripePeer, catalog: dict[str, int]
) -> None:
    refused = _place(api, card="pm_card_chargeDeclined")
    assert refused.status_code == 422
    assert "declined" in refused.get_json()["detail"]
    with stripe_shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0
        assert session.scalar(select(func.count()).select_from(Payment)) == 0


def test_an_expired_authorisation_is_a_clear_state_not_a_capture(
    stripe_shop: Shop, peer: StripePeer, manager: FlaskClient, catalog: dict[str, int]
) -> None:
    held = factories.place(stripe_shop, fraud_score=90, card="pm_card_visa")
    peer.state.expired = True  # seven days later, Stripe cancelled the uncaptured PaymentIntent
    with pytest.raises(PaymentRefused):
        ordering.release_order(stripe_shop, held.id, actor=MANAGER)
    order = factories.reload(stripe_shop, held.id)
    assert order.status == "on_hold"  # the release left nothing behind
    assert (order.payments[0].status, order.payments[0].captured_minor) == ("expired", 0)
    assert _events(stripe_shop, held.id)[-1] == "payment.expired"
    page = manager.get(f"/staff/orders/{order.number}").get_data(as_text=True)
    assert "expired" in page
    assert "could not be captured" in page
    _consistent(stripe_shop)


def test_a_refund_the_processor_refuses_is_recorded_as_refused(
    stripe_shop: Shop, peer: StripePeer, manager: FlaskClient, catalog: dict[str, int]
) -> None:
    order = factories.place(stripe_shop, card="pm_card_visa")
    peer.state.refund_mode = "refuse"
    with pytest.raises(PaymentRefused):
        refunds.refund_order(stripe_shop, order.id, amount_minor=1000, reason="goodwill", actor=MANAGER)
    [(amount, status, failure)] = _refunds(stripe_shop)
    assert (amount, status) == (1000, "failed")
    assert "greater than the unrefunded" in (failure or "")
    assert factories.reload(stripe_shop, order.id).payments[0].refunded_minor == 0
    assert _events(stripe_shop, order.id)[-1] == "refund.failed"
    assert "refused by the card processor" in manager.get(f"/staff/orders/{order.number}").get_data(as_text=True)
    peer.state.refund_mode = "succeeded"  # the shop sorted it out with Stripe: trying again is a new refund
    refunds.refund_order(stripe_shop, order.id, amount_minor=1000, reason="goodwill", actor=MANAGER)
    first, second = peer.state.posts("/v1/refunds")
    assert first.key != second.key
    assert [status for _, status, _ in _refunds(stripe_shop)] == ["failed", "succeeded"]
    _consistent(stripe_shop)


def test_a_pending_refund_is_shown_pending_and_not_issued(stripe_shop: Shop, peer: StripePeer, manager: FlaskClient, catalog: dict[str, int]) -> None:  # fmt: skip
    order = factories.place(stripe_shop, card="pm_card_visa")
    peer.state.refund_mode = "pending"
    refunds.refund_order(stripe_shop, order.id, amount_minor=1500, reason="goodwill", actor=MANAGER)
    assert _refunds(stripe_shop) == [(1500, "pending", None)]
    assert "refund.issued" not in _events(stripe_shop, order.id)
    assert "pending: waiting for the card processor" in manager.get(f"/staff/orders/{order.number}").get_data(as_text=True)  # fmt: skip
    _consistent(stripe_shop)


def test_a_retried_refund_reaches_stripe_once(stripe_shop: Shop, peer: StripePeer, catalog: dict[str, int]) -> None:
    """Stripe did the refund but the answer was a 500: the SDK asks again with the same key and
    gets the first refund back, not a second one."""
    order = factories.place(stripe_shop, card="pm_card_visa")
    peer.state.faults = ["500"]
    refunds.refund_order(stripe_shop, order.id, amount_minor=700, reason="goodwill", actor=MANAGER)
    sent = peer.state.posts("/v1/refunds")
    assert len(sent) == 2
    assert sent[0].key == sent[1].key
    assert len(peer.state.refunds) == 1
    assert _refunds(stripe_shop) == [(700, "succeeded", None)]
    assert peer.state.problems == []


@pytest.mark.parametrize("fault", ["down", "timeout"])
def test_a_processor_that_does_not_answer_changes_nothing_and_the_retry_sends_the_same_key(
    stripe_shop: Shop, peer: StripePeer, catalog: dict[str, int], fault: str
) -> None:
    order = factories.place(stripe_shop, card="pm_card_visa")
    peer.state.faults = [fault] * 3  # the first try and both of the SDK's retries
    with pytest.raises(GatewayUnavailable):
        refunds.refund_order(stripe_shop, order.id, amount_minor=900, reason="goodwill", actor=MANAGER)
    assert _refunds(stripe_shop) == []
    assert factories.reload(stripe_shop, order.id).payments[0].refunded_minor == 0
    refunds.refund_order(stripe_shop, order.id, amount_minor=900, reason="goodwill", actor=MANAGER)
    keys = {r.key for r in peer.state.posts("/v1/refunds")}
    assert len(keys) == 1
    assert len(peer.state.refunds) == 1
    assert _refunds(stripe_shop) == [(900, "succeeded", None)]


def test_cancelling_an_authorised_order_cancels_the_payment_intent(stripe_shop: Shop, peer: StripePeer, catalog: dict[str, int]) -> None:  # fmt: skip
    held = factories.place(stripe_shop, fraud_score=90, card="pm_card_visa")
    reference = factories.reload(stripe_shop, held.id).payments[0].reference
    refunds.cancel_order(stripe_shop, held.id, reason="customer asked", actor=MANAGER)
    [cancel] = peer.state.posts(r"/v1/payment_intents/pi_\w+/cancel")
    assert cancel.key == f"shiplog:cancel:{reference}"
    assert factories.reload(stripe_shop, held.id).payments[0].status == "voided"
    _consistent(stripe_shop)
