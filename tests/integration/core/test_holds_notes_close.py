"""Holds and releases, processing, staff notes, and closing an order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.errors import IllegalTransition, NotFound, ValidationFailed
from core.models import Order
from core.services import ordering
from core.shop import Shop
from tests.integration.core import support

STAFF = support.STAFF


def test_releasing_a_held_order_captures_its_payment(shop: Shop, held_order: Order) -> None:
    ordering.release_order(shop, held_order.id, actor=STAFF)

    stored = support.order(shop, held_order.id)
    assert (stored.status, stored.hold_reason, stored.hold_detail) == ("confirmed", None, None)
    pay = support.payment(shop, held_order.id)
    assert (pay.status, pay.captured_minor) == ("captured", 7300)
    assert support.types(shop, held_order.id)[-4:] == [
        "order.held",
        "order.released",
        "payment.captured",
        "order.confirmed",
    ]
    released = support.events(shop, held_order.id, type="order.released")[0]
    assert released.payload["reason"] == "fraud_score"
    assert released.actor_type == "staff"


def test_a_released_order_without_payment_waits_for_it(shop: Shop, catalog: dict[str, int]) -> None:
    from tests import factories

    order = factories.place(shop, payment_pending=True)
    ordering.release_order(shop, order.id, actor=STAFF)
    assert support.order(shop, order.id).status == "released"


def test_staff_hold_on_a_paid_order_releases_back_to_confirmed(shop: Shop, confirmed_order: Order) -> None:
    ordering.hold_order(shop, confirmed_order.id, reason="manual", detail="customer called", actor=STAFF)
    held = support.order(shop, confirmed_order.id)
    assert (held.status, held.hold_reason, held.hold_detail) == ("on_hold", "manual", "customer called")

    ordering.release_order(shop, confirmed_order.id, actor=STAFF)
    assert support.order(shop, confirmed_order.id).status == "confirmed"
    confirmations = support.events(shop, confirmed_order.id, type="order.confirmed")
    assert [e.notify for e in confirmations] == [True, False], "the customer is not told twice"
    assert support.payment(shop, confirmed_order.id).captured_minor == 7300


def test_holding_twice_or_releasing_what_is_not_held_is_refused(shop: Shop, held_order: Order) -> None:
    with pytest.raises(IllegalTransition) as refused:
        ordering.hold_order(shop, held_order.id, actor=STAFF)
    assert str(refused.value).startswith("An order that is on hold cannot become on hold.")
    ordering.release_order(shop, held_order.id, actor=STAFF)
    with pytest.raises(IllegalTransition, match="An order that is confirmed cannot become released"):
        ordering.release_order(shop, held_order.id, actor=STAFF)


def test_unknown_hold_reason_and_unknown_order(shop: Shop, confirmed_order: Order) -> None:
    with pytest.raises(ValidationFailed, match="Unknown hold reason 'whim'"):
        ordering.hold_order(shop, confirmed_order.id, reason="whim", actor=STAFF)
    with pytest.raises(NotFound, match="No order #999999"):
        ordering.release_order(shop, 999999, actor=STAFF)


def test_start_processing_only_from_confirmed(shop: Shop, confirmed_order: Order, held_order: Order) -> None:
    ordering.start_processing(shop, confirmed_order.id, actor=STAFF)
    assert support.order(shop, confirmed_order.id).status == "processing"
    assert support.events(shop, confirmed_order.id, type="order.processing")[0].payload["transitions"] == {
        "order": ["confirmed", "processing"]
    }
    with pytest.raises(IllegalTransition, match="An order that is on hold cannot become processing"):
        ordering.start_processing(shop, held_order.id, actor=STAFF)
    with pytest.raises(IllegalTransition):
        ordering.start_processing(shop, confirmed_order.id, actor=STAFF)


def test_notes_are_internal_or_for_the_customer(shop: Shop, confirmed_order: Order) -> None:
    ordering.add_note(shop, confirmed_order.id, text="  fragile, pack well  ", for_customer=False, actor=STAFF)
    ordering.add_note(shop, confirmed_order.id, text="Ships Monday", for_customer=True, actor=STAFF)

    internal, public = support.events(shop, confirmed_order.id)[-2:]
    assert (internal.type, internal.visibility, internal.payload) == (
        "note.internal_added",
        "internal",
        {"text": "fragile, pack well"},
    )
    assert (public.type, public.visibility, public.payload) == (
        "note.customer_added",
        "customer",
        {"text": "Ships Monday"},
    )
    assert (public.actor_type, public.actor_id) == ("staff", "test-staff")
    assert support.order(shop, confirmed_order.id).status == "confirmed"


def test_empty_or_huge_notes_are_refused(shop: Shop, confirmed_order: Order) -> None:
    before = support.row_counts(shop)
    with pytest.raises(ValidationFailed, match="A note cannot be empty"):
        ordering.add_note(shop, confirmed_order.id, text="   ", for_customer=False, actor=STAFF)
    with pytest.raises(ValidationFailed, match="at most 2,000"):
        ordering.add_note(shop, confirmed_order.id, text="x" * 2001, for_customer=True, actor=STAFF)
    assert support.row_counts(shop) == before


def test_close_a_delivered_order(shop: Shop, delivered_order: Order) -> None:
    later = utcnow() + timedelta(days=31)
    ordering.close_order(shop, delivered_order.id, actor=STAFF, now=later)
    assert support.order(shop, delivered_order.id).status == "closed"
    closed = support.events(shop, delivered_order.id, type="order.closed")[0]
    assert closed.occurred_at == later
    assert closed.visibility == "internal"


def test_only_a_delivered_order_can_be_closed(shop: Shop, shipped_order: Order) -> None:
    with pytest.raises(IllegalTransition, match="An order that is shipped cannot become closed"):
        ordering.close_order(shop, shipped_order.id, actor=STAFF)
