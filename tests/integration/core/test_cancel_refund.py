"""Cancellation before shipment, and refunds that never exceed what remains."""

from __future__ import annotations

import pytest

from core.errors import IllegalTransition, RefundTooLarge, ValidationFailed
from core.models import Order
from core.services import refunds
from core.shop import Shop
from tests.integration.core import support

STAFF, MANAGER = support.STAFF, support.MANAGER


def test_cancel_a_held_order_voids_the_authorisation_and_releases_stock(shop: Shop, held_order: Order) -> None:
    refunds.cancel_order(shop, held_order.id, reason="fraud confirmed", actor=STAFF)

    stored = support.order(shop, held_order.id)
    assert stored.status == "cancelled"
    assert stored.cancelled_at is not None
    assert support.payment(shop, held_order.id).status == "voided"
    assert support.refunds(shop, held_order.id) == []
    assert support.stock(shop, "TEE-M") == (50, 0)
    assert support.stock(shop, "MUG-1") == (50, 0)
    assert support.types(shop, held_order.id)[-2:] == ["payment.voided", "order.cancelled"]
    cancelled = support.events(shop, held_order.id, type="order.cancelled")[0]
    assert cancelled.payload["refunded_minor"] == 0
    assert cancelled.payload["reason"] == "fraud confirmed"
    assert ("void", support.payment(shop, held_order.id).reference, 0) in shop.gateway.calls


def test_cancel_a_paid_order_refunds_it_in_full(shop: Shop, confirmed_order: Order) -> None:
    refunds.cancel_order(shop, confirmed_order.id, reason="customer asked", actor=MANAGER)

    pay = support.payment(shop, confirmed_order.id)
    assert (pay.captured_minor, pay.refunded_minor) == (7300, 7300)
    (refund,) = support.refunds(shop, confirmed_order.id)
    # The refund keeps the cancellation's own reason, so the money log says why it was given back.
    assert (refund.amount_minor, refund.reason, refund.return_id) == (7300, "customer asked", None)
    assert support.stock(shop, "TEE-M") == (50, 0)
    cancelled = support.events(shop, confirmed_order.id, type="order.cancelled")[0]
    assert (cancelled.payload["refunded_minor"], cancelled.payload["refunded_text"]) == (7300, "$73.00")
    issued = support.events(shop, confirmed_order.id, type="refund.issued")[0]
    assert issued.notify is False, "one cancellation message states the refund; no second message"
    templates = [t for t, channel in support.outbox_templates(shop, confirmed_order.id) if channel == "email"]
    assert templates == ["order_confirmed", "cancelled"]


def test_cancel_while_packed_cancels_the_label_too(
    shop: Shop, labelled_shipment_id: int, confirmed_order: Order
) -> None:
    refunds.cancel_order(shop, confirmed_order.id, reason="out of time", actor=MANAGER)
    assert support.shipment(shop, labelled_shipment_id).status == "cancelled"
    cancelled = support.events(shop, confirmed_order.id, type="shipment.cancelled")[0]
    assert cancelled.shipment_id == labelled_shipment_id
    assert cancelled.payload["transitions"] == {"shipment": ["label_created", "cancelled"]}
    assert support.stock(shop, "TEE-M") == (50, 0)


def test_cancel_after_shipment_is_refused_and_changes_nothing(shop: Shop, shipped_order: Order) -> None:
    before = support.row_counts(shop)
    with pytest.raises(IllegalTransition) as refused:
        refunds.cancel_order(shop, shipped_order.id, reason="too late", actor=MANAGER)
    assert str(refused.value) == (
        "An order that is shipped cannot become cancelled. "
        "From shipped it can only become: delivered, partially delivered."
    )
    assert support.row_counts(shop) == before
    assert support.payment(shop, shipped_order.id).refunded_minor == 0


def test_cancel_twice_is_refused(shop: Shop, confirmed_order: Order) -> None:
    refunds.cancel_order(shop, confirmed_order.id, reason="x", actor=MANAGER)
    with pytest.raises(IllegalTransition, match="It is cancelled, which is final"):
        refunds.cancel_order(shop, confirmed_order.id, reason="x", actor=MANAGER)


def test_partial_refunds_add_up_to_the_capture_and_no_further(shop: Shop, confirmed_order: Order) -> None:
    first = refunds.refund_order(shop, confirmed_order.id, amount_minor=1000, reason="late", actor=MANAGER)
    refunds.refund_order(shop, confirmed_order.id, amount_minor=6000, reason="goodwill", actor=MANAGER)

    before = support.row_counts(shop)
    with pytest.raises(RefundTooLarge) as refused:
        refunds.refund_order(shop, confirmed_order.id, amount_minor=301, reason="more", actor=MANAGER)
    assert (str(refused.value), refused.value.field) == (
        "Only $3.00 can still be refunded on this order.",
        "amount_minor",
    )
    assert support.row_counts(shop) == before

    refunds.refund_order(shop, confirmed_order.id, amount_minor=300, reason="rest", actor=MANAGER)
    assert support.payment(shop, confirmed_order.id).refunded_minor == 7300
    assert [r.amount_minor for r in support.refunds(shop, confirmed_order.id)] == [1000, 6000, 300]
    issued = support.events(shop, confirmed_order.id, type="refund.issued")
    assert next((e.payload["refund_id"], e.payload["amount_text"]) for e in issued) == (first.id, "$10.00")
    assert all(e.visibility == "customer" for e in issued)
    with pytest.raises(RefundTooLarge, match=r"Only \$0.00 can still be refunded"):
        refunds.refund_order(shop, confirmed_order.id, amount_minor=1, reason="again", actor=MANAGER)


@pytest.mark.parametrize("amount", [0, -100])
def test_refund_must_be_positive(shop: Shop, confirmed_order: Order, amount: int) -> None:
    with pytest.raises(ValidationFailed, match="more than zero"):
        refunds.refund_order(shop, confirmed_order.id, amount_minor=amount, reason="x", actor=MANAGER)


def test_an_unpaid_order_cannot_be_refunded(shop: Shop, held_order: Order) -> None:
    with pytest.raises(RefundTooLarge, match=r"Only \$0.00 can still be refunded"):
        refunds.refund_order(shop, held_order.id, amount_minor=100, reason="x", actor=MANAGER)
