"""Carrier updates: statuses, exceptions and recovery, duplicates, late scans and ETA changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import utcnow
from core.errors import DuplicateEvent, IllegalTransition, NotFound, ValidationFailed
from core.events.catalogue import EXCEPTION_TEXT
from core.lifecycle import ExceptionReason
from core.models import Order
from core.services import tracking
from core.shop import Shop
from tests.integration.core import support
from tests.integration.core.conftest import TRACKING

T0 = datetime(2030, 6, 1, 8, 0, tzinfo=UTC)


def _scan(status: str, at: datetime, **extra: object) -> tracking.CarrierScan:
    return tracking.CarrierScan(TRACKING, status, at, **extra)  # type: ignore[arg-type]


@pytest.fixture
def moving_shipment_id(shop: Shop, labelled_shipment_id: int) -> int:
    """Handed to the carrier by its first scan at T0."""
    tracking.record_scan(shop, _scan("in_transit", T0, location="Memphis, TN", external_id="e0"))
    return labelled_shipment_id


def test_the_first_scan_ships_a_labelled_parcel(shop: Shop, moving_shipment_id: int, confirmed_order: Order) -> None:
    parcel = support.shipment(shop, moving_shipment_id)
    assert (parcel.status, parcel.shipped_at, parcel.last_location) == ("in_transit", T0, "Memphis, TN")
    assert support.types(shop, confirmed_order.id)[-2:] == ["shipment.shipped", "shipment.in_transit"]
    assert support.order(shop, confirmed_order.id).status == "shipped"
    assert support.stock(shop, "TEE-M") == (48, 0)


def test_out_for_delivery_then_delivered(shop: Shop, moving_shipment_id: int, confirmed_order: Order) -> None:
    tracking.record_scan(shop, _scan("out_for_delivery", T0 + timedelta(days=1)))
    assert support.shipment(shop, moving_shipment_id).status == "out_for_delivery"
    tracking.record_scan(shop, _scan("delivered", T0 + timedelta(days=1, hours=5), location="Front porch"))
    parcel = support.shipment(shop, moving_shipment_id)
    assert (parcel.status, parcel.delivered_at) == ("delivered", T0 + timedelta(days=1, hours=5))
    stored = support.order(shop, confirmed_order.id)
    assert (stored.status, stored.delivered_at) == ("delivered", T0 + timedelta(days=1, hours=5))
    emails = [t for t, channel in support.outbox_templates(shop, confirmed_order.id) if channel == "email"]
    assert emails[-2:] == ["out_for_delivery", "delivered"]


@pytest.mark.parametrize("reason", [r.value for r in ExceptionReason])
def test_each_exception_reason_is_recorded_and_recovers(
    shop: Shop, moving_shipment_id: int, confirmed_order: Order, reason: str
) -> None:
    tracking.record_scan(shop, _scan("exception", T0 + timedelta(hours=5), exception_reason=reason))
    parcel = support.shipment(shop, moving_shipment_id)
    assert (parcel.status, parcel.exception_reason) == ("exception", reason)
    event = support.events(shop, confirmed_order.id, type="shipment.exception")[0]
    headline, next_step = EXCEPTION_TEXT[reason]
    assert (event.payload["exception_text"], event.payload["next_step"]) == (headline, next_step)
    assert event.visibility == "public"
    assert event.notify
    assert ("delivery_exception", "email") in support.outbox_templates(shop, confirmed_order.id)

    tracking.record_scan(shop, _scan("in_transit", T0 + timedelta(hours=9)))
    parcel = support.shipment(shop, moving_shipment_id)
    assert (parcel.status, parcel.exception_reason) == ("in_transit", None)
    assert support.events(shop, confirmed_order.id)[-1].payload["transitions"] == {
        "shipment": ["exception", "in_transit"]
    }


def test_a_new_exception_reason_is_news_but_not_a_status_change(shop: Shop, moving_shipment_id: int) -> None:
    tracking.record_scan(shop, _scan("exception", T0 + timedelta(hours=1), exception_reason="delay"))
    tracking.record_scan(shop, _scan("exception", T0 + timedelta(hours=2), exception_reason="lost"))
    tracking.record_scan(shop, _scan("exception", T0 + timedelta(hours=3), exception_reason="lost"))
    assert support.shipment(shop, moving_shipment_id).exception_reason == "lost"
    exceptions = support.events(shop, shipment_id=moving_shipment_id, type="shipment.exception")
    assert [(e.payload["exception_reason"], e.notify) for e in exceptions] == [
        ("delay", True),
        ("lost", True),
        ("lost", False),
    ]
    assert [bool(e.payload.get("transitions")) for e in exceptions] == [True, False, False]


def test_pickup_point_then_collected(shop: Shop, moving_shipment_id: int, confirmed_order: Order) -> None:
    tracking.record_scan(shop, _scan("available_for_pickup", T0 + timedelta(days=2), location="Locker 7"))
    assert support.shipment(shop, moving_shipment_id).status == "available_for_pickup"
    assert ("available_for_pickup", "email") in support.outbox_templates(shop, confirmed_order.id)
    tracking.record_scan(shop, _scan("delivered", T0 + timedelta(days=3)))
    assert support.order(shop, confirmed_order.id).status == "delivered"


def test_the_same_carrier_event_twice_is_recorded_once(shop: Shop, moving_shipment_id: int) -> None:
    scan = _scan("out_for_delivery", T0 + timedelta(days=1), external_id="evt-77")
    tracking.record_scan(shop, scan)
    before = support.row_counts(shop)
    with pytest.raises(DuplicateEvent) as duplicate:
        tracking.record_scan(shop, scan)
    assert "was already recorded" in str(duplicate.value)
    assert support.row_counts(shop) == before
    keyed = support.events(shop, idempotency_key=f"carrier:{TRACKING}:evt-77")
    assert len(keyed) == 1


def test_an_older_scan_joins_the_timeline_without_changing_status(
    shop: Shop, moving_shipment_id: int, confirmed_order: Order
) -> None:
    tracking.record_scan(shop, _scan("out_for_delivery", T0 + timedelta(days=1), location="Depot"))
    outbox_before = support.outbox_templates(shop, confirmed_order.id)
    tracking.record_scan(shop, _scan("in_transit", T0 + timedelta(hours=12), location="Hub"))

    parcel = support.shipment(shop, moving_shipment_id)
    assert (parcel.status, parcel.last_location, parcel.last_scan_at) == (
        "out_for_delivery",
        "Depot",
        T0 + timedelta(days=1),
    )
    late = support.events(shop, confirmed_order.id)[-1]
    assert (late.type, late.occurred_at, late.notify) == ("shipment.in_transit", T0 + timedelta(hours=12), False)
    assert late.payload["stale"] is True
    assert "transitions" not in late.payload
    assert support.outbox_templates(shop, confirmed_order.id) == outbox_before


def test_an_older_delivered_scan_does_not_deliver(shop: Shop, moving_shipment_id: int, confirmed_order: Order) -> None:
    tracking.record_scan(shop, _scan("exception", T0 + timedelta(days=2), exception_reason="failed_attempt"))
    tracking.record_scan(shop, _scan("delivered", T0 + timedelta(days=1)))
    assert support.shipment(shop, moving_shipment_id).status == "exception"
    assert support.order(shop, confirmed_order.id).status == "shipped"


def test_eta_change_is_its_own_event(shop: Shop, moving_shipment_id: int, confirmed_order: Order) -> None:
    original = support.shipment(shop, moving_shipment_id).original_eta
    new_eta = T0 + timedelta(days=6)
    tracking.record_scan(shop, _scan("in_transit", T0 + timedelta(hours=3), eta=new_eta))

    parcel = support.shipment(shop, moving_shipment_id)
    assert (parcel.original_eta, parcel.current_eta) == (original, new_eta)
    event = support.events(shop, confirmed_order.id)[-1]
    assert (event.type, event.notify, event.payload["eta"]) == ("shipment.eta_changed", True, new_eta.isoformat())
    tracking.record_scan(shop, _scan("in_transit", T0 + timedelta(hours=4), eta=new_eta))
    assert support.events(shop, confirmed_order.id)[-1].type == "shipment.in_transit", "same ETA is no change"


def test_nothing_moves_after_delivery(shop: Shop, moving_shipment_id: int) -> None:
    tracking.record_scan(shop, _scan("delivered", T0 + timedelta(days=1)))
    with pytest.raises(IllegalTransition, match="A shipment that is delivered cannot become in transit"):
        tracking.record_scan(shop, _scan("in_transit", T0 + timedelta(days=2)))


def test_bad_scans_are_refused(shop: Shop, moving_shipment_id: int) -> None:
    before = support.row_counts(shop)
    with pytest.raises(NotFound, match="No shipment with tracking number NOPE123"):
        tracking.record_scan(shop, tracking.CarrierScan("nope123", "in_transit", T0))
    with pytest.raises(ValidationFailed, match="Unknown tracking status 'teleported'"):
        tracking.record_scan(shop, _scan("teleported", T0))
    with pytest.raises(ValidationFailed, match="An exception needs a reason") as no_reason:
        tracking.record_scan(shop, _scan("exception", T0))
    assert no_reason.value.field == "exception_reason"
    with pytest.raises(ValidationFailed, match=r"Unknown tracking status 'label_created'"):
        tracking.record_scan(shop, _scan("label_created", T0))
    assert support.row_counts(shop) == before


def test_staff_can_mark_delivered(shop: Shop, moving_shipment_id: int, confirmed_order: Order) -> None:
    tracking.mark_delivered(shop, moving_shipment_id, actor=support.STAFF)
    assert support.order(shop, confirmed_order.id).status == "delivered"
    assert support.events(shop, confirmed_order.id)[-1].actor_type == "staff"
    with pytest.raises(NotFound):
        tracking.mark_delivered(shop, 987654, actor=support.STAFF)


def test_a_delivered_scan_after_ship_time_but_before_now_is_fine(shop: Shop, labelled_shipment_id: int) -> None:
    tracking.record_scan(shop, _scan("delivered", utcnow()))
    assert support.shipment(shop, labelled_shipment_id).status == "delivered"
