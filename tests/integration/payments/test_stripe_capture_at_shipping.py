"""Capture at shipping (``PAYMENT_CAPTURE_AT=shipping``) when Stripe declines the capture, on SQLite and
PostgreSQL: a carrier's scan of the parcel is still recorded (the parcel did move), the refusal is a
``payment.failed`` event and a "shipped unpaid" alert on the staff order page, and the order is never
shown as paid; staff handing the parcel over themselves are stopped instead (the parcel stays)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.clock import utcnow
from core.domain.scans import CarrierScan
from core.errors import PaymentRefused
from core.events.fact import Actor
from core.models import Event, Order, Shipment
from core.policies import ReturnPolicy
from core.queries.orders import order_view
from core.replay import differences
from core.services import fulfilment, scan_batch, tracking
from core.shop import Shop
from tests import factories
from tests.integration.payments.stripe_peer import StripePeer

MANAGER = Actor("staff", "1", role="manager")
pytestmark = pytest.mark.parametrize("capture_at", ["shipping"])


@pytest.fixture
def labelled(stripe_shop: Shop, peer: StripePeer) -> tuple[Order, Shipment]:
    """An authorised direct order with its parcel labelled, and a bank that now declines the capture."""
    factories.make_catalog(stripe_shop)
    order = factories.place(stripe_shop, card="pm_card_visa")
    shipment = fulfilment.create_shipment(
        stripe_shop, order.id, carrier_code="ups", service="Ground", tracking_number="1ZDECLINE01", actor=MANAGER
    )
    peer.state.capture_declined = True
    return order, shipment


def _after(shop: Shop, order: Order) -> tuple[Order, list[Event], str]:
    """The order, its events and its parcel's status, once the log is shown to rebuild every status."""
    with shop.db.read() as session:
        events = list(session.scalars(select(Event).where(Event.order_id == order.id).order_by(Event.id)))
        parcel = session.scalars(select(Shipment.status).where(Shipment.order_id == order.id)).one()
        assert differences(session) == []
    return factories.reload(shop, order.id), events, parcel


def _shipped_unpaid(shop: Shop, peer: StripePeer, manager: FlaskClient, order: Order) -> None:
    """What every carrier path leaves: parcel moving, order shipped, payment refused, staff told."""
    assert len(peer.state.posts(r"/v1/payment_intents/pi_\w+/capture")) == 1  # asked once, refused
    found, events, parcel = _after(shop, order)
    assert found.status == "shipped"
    assert parcel == "in_transit"
    [payment] = found.payments
    assert (payment.status, payment.captured_minor) == ("failed", 0)
    assert payment.failure == "Your card was declined."
    [failed] = [e for e in events if e.type == "payment.failed"]
    assert failed.payload["after_shipping"] is True
    assert failed.payload["reason_code"] == "card_declined"
    assert "shipment.shipped" in [e.type for e in events]
    assert "payment.captured" not in [e.type for e in events]
    page = manager.get(f"/staff/orders/{order.number}").get_data(as_text=True)
    assert 'id="shipped-unpaid"' in page
    assert "Shipped unpaid:" in page
    assert "Your card was declined." in page
    assert "it shipped unpaid" in page  # the timeline's entry of the refusal
    assert '<strong class="payment-status">failed</strong>' in page
    with shop.db.read() as session:  # the customer's order page lists no payment: none was taken
        assert order_view(session, order.id, ReturnPolicy(), utcnow()).payments == ()  # type: ignore[union-attr]
    assert peer.state.problems == []


def test_a_carrier_scan_ships_the_parcel_when_the_capture_is_declined(
    stripe_shop: Shop, peer: StripePeer, manager: FlaskClient, labelled: tuple[Order, Shipment]
) -> None:
    order, shipment = labelled
    scan = CarrierScan(shipment.tracking_number, "in_transit", utcnow() - timedelta(minutes=5), location="Depot")
    tracking.record_scan(stripe_shop, scan)
    _shipped_unpaid(stripe_shop, peer, manager, order)


def test_a_batch_of_carrier_scans_ships_the_parcel_when_the_capture_is_declined(
    stripe_shop: Shop, peer: StripePeer, manager: FlaskClient, labelled: tuple[Order, Shipment]
) -> None:
    order, shipment = labelled
    scan = CarrierScan(shipment.tracking_number, "in_transit", utcnow() - timedelta(minutes=5), external_id="ev-1")
    [outcome] = scan_batch.record_scans(stripe_shop, [scan])
    assert outcome.outcome == "recorded"
    _shipped_unpaid(stripe_shop, peer, manager, order)


def test_staff_handing_the_parcel_over_are_stopped_by_a_declined_capture(
    stripe_shop: Shop, peer: StripePeer, manager: FlaskClient, labelled: tuple[Order, Shipment]
) -> None:
    order, shipment = labelled
    with pytest.raises(PaymentRefused):
        fulfilment.ship_shipment(stripe_shop, shipment.id, actor=MANAGER)
    found, events, parcel = _after(stripe_shop, order)
    assert parcel == "label_created"  # the parcel stays with the shop
    assert found.payments[0].status == "failed"
    assert "after_shipping" not in next(e for e in events if e.type == "payment.failed").payload
    assert 'id="shipped-unpaid"' not in manager.get(f"/staff/orders/{order.number}").get_data(as_text=True)
