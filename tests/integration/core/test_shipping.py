"""Pick, pack and ship: split shipments with partial quantities, stock at shipment, delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import utcnow
from core.domain.commands import LineInput
from core.errors import IllegalTransition, NotFound, ValidationFailed
from core.models import Order
from core.services import fulfilment, tracking
from core.shop import Shop
from tests import factories
from tests.integration.core import support

STAFF = support.STAFF


def _pack(shop: Shop, order_id: int, tracking_number: str, lines: dict[int, int] | None = None) -> int:
    return fulfilment.create_shipment(
        shop,
        order_id,
        carrier_code="UPS",
        service="Ground",
        tracking_number=tracking_number,
        lines=lines,
        eta=datetime(2030, 1, 5, 12, tzinfo=UTC),
        actor=STAFF,
    ).id


def _deliver(shop: Shop, number: str) -> None:
    tracking.record_scan(shop, tracking.CarrierScan(number, "delivered", utcnow(), "Springfield"))


def test_split_shipments_with_partial_quantities_walk_the_order_to_delivered(
    shop: Shop, confirmed_order: Order
) -> None:
    ids = support.line_ids(shop, confirmed_order.id)
    first = _pack(shop, confirmed_order.id, "1ZFIRST0001", {ids["TEE-M"]: 1})
    assert support.order(shop, confirmed_order.id).status == "processing"
    assert support.stock(shop, "TEE-M") == (50, 2), "packing does not move stock; shipping does"

    fulfilment.ship_shipment(shop, first, actor=STAFF)
    stored = support.order(shop, confirmed_order.id)
    assert stored.status == "partially_shipped"
    assert [(ln.sku, ln.qty_shipped) for ln in stored.lines] == [("TEE-M", 1), ("MUG-1", 0)]
    assert support.stock(shop, "TEE-M") == (49, 1)

    _deliver(shop, "1ZFIRST0001")
    assert support.order(shop, confirmed_order.id).status == "partially_delivered"
    # The rest can still be packed once part of the order has arrived.
    second = _pack(shop, confirmed_order.id, "1ZSECOND002")  # everything left: 1 tee, 1 mug
    assert {(i.order_line_id, i.quantity) for i in support.shipment(shop, second).lines} == {
        (ids["TEE-M"], 1),
        (ids["MUG-1"], 1),
    }
    fulfilment.ship_shipment(shop, second, actor=STAFF)
    assert support.stock(shop, "TEE-M") == (48, 0)
    assert support.stock(shop, "MUG-1") == (49, 0)
    assert support.order(shop, confirmed_order.id).status == "partially_delivered"

    _deliver(shop, "1ZSECOND002")
    stored = support.order(shop, confirmed_order.id)
    assert stored.status == "delivered"
    assert stored.delivered_at is not None
    assert [(ln.qty_shipped, ln.qty_delivered) for ln in stored.lines] == [(2, 2), (1, 1)]
    order_changes = [
        e.payload["transitions"]["order"]
        for e in support.events(shop, confirmed_order.id)
        if "order" in e.payload.get("transitions", {})
    ]
    assert order_changes[-4:] == [
        ["confirmed", "processing"],
        ["processing", "partially_shipped"],
        ["partially_shipped", "partially_delivered"],
        ["partially_delivered", "delivered"],
    ]


def test_shipped_then_delivered_in_one_parcel(shop: Shop, confirmed_order: Order) -> None:
    shipment_id = _pack(shop, confirmed_order.id, "1ZALL000001")
    fulfilment.ship_shipment(shop, shipment_id, actor=STAFF)
    assert support.order(shop, confirmed_order.id).status == "shipped"
    shipped = support.events(shop, confirmed_order.id, type="shipment.shipped")[0]
    assert shipped.visibility == "public"
    assert shipped.payload["carrier_name"] == "UPS"
    assert shipped.payload["tracking_number"] == "1ZALL000001"
    assert ("shipped", "email") in support.outbox_templates(shop, confirmed_order.id)
    _deliver(shop, "1ZALL000001")
    assert support.order(shop, confirmed_order.id).status == "delivered"
    assert support.shipment(shop, shipment_id).delivered_at is not None


def test_shipping_consumes_stock_and_never_touches_the_reorder_count(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop, lines=[LineInput("TEE-L", 44)])
    assert support.stock(shop, "TEE-L") == (50, 44)
    factories.ship_all(shop, order.id, "1ZSTOCK0001")
    assert support.stock(shop, "TEE-L") == (6, 0)
    factories.place(shop, lines=[LineInput("TEE-L", 2)])
    reorder = support.events(shop, type="stock.reorder_needed")
    assert [e.payload["available"] for e in reorder] == [4]


def test_packing_more_than_is_left_is_refused(shop: Shop, confirmed_order: Order) -> None:
    ids = support.line_ids(shop, confirmed_order.id)
    _pack(shop, confirmed_order.id, "1ZPART00001", {ids["TEE-M"]: 2})
    before = support.row_counts(shop)
    with pytest.raises(ValidationFailed) as refused:
        _pack(shop, confirmed_order.id, "1ZPART00002", {ids["TEE-M"]: 1})
    assert str(refused.value) == "TEE-M: 1 requested, but 0 left to pack."
    with pytest.raises(ValidationFailed, match="is not on this order"):
        _pack(shop, confirmed_order.id, "1ZPART00003", {999999: 1})
    with pytest.raises(ValidationFailed, match="0 requested"):
        _pack(shop, confirmed_order.id, "1ZPART00004", {ids["MUG-1"]: 0})
    _pack(shop, confirmed_order.id, "1ZPART00005")
    with pytest.raises(ValidationFailed, match="Everything on this order is already packed"):
        _pack(shop, confirmed_order.id, "1ZPART00006")
    assert support.row_counts(shop)["shipments"] == before["shipments"] + 1


def test_tracking_numbers_are_checked_and_unique(shop: Shop, confirmed_order: Order) -> None:
    ids = support.line_ids(shop, confirmed_order.id)
    _pack(shop, confirmed_order.id, " 1zdup00001 ", {ids["TEE-M"]: 1})
    with pytest.raises(ValidationFailed) as taken:
        _pack(shop, confirmed_order.id, "1ZDUP00001", {ids["MUG-1"]: 1})
    assert str(taken.value) == "Tracking number 1ZDUP00001 is already used."
    with pytest.raises(ValidationFailed, match="6 to 64 letters and digits"):
        _pack(shop, confirmed_order.id, "1Z 12", {ids["MUG-1"]: 1})


def test_an_unpaid_or_cancelled_order_cannot_be_packed(shop: Shop, held_order: Order) -> None:
    with pytest.raises(IllegalTransition) as refused:
        _pack(shop, held_order.id, "1ZHELD00001")
    assert str(refused.value) == "An order that is on hold cannot be packed."


def test_shipping_a_parcel_twice_is_refused(shop: Shop, labelled_shipment_id: int) -> None:
    fulfilment.ship_shipment(shop, labelled_shipment_id, actor=STAFF)
    with pytest.raises(IllegalTransition) as refused:
        fulfilment.ship_shipment(shop, labelled_shipment_id, actor=STAFF)
    assert str(refused.value) == (
        "Shipment 1Z999AA10123456784 is in transit: only a parcel waiting for the carrier can be handed over."
    )


def test_a_moving_parcel_cannot_be_handed_over_again(shop: Shop, labelled_shipment_id: int) -> None:
    # Found by the stateful test: out_for_delivery -> in_transit is a legal scan, so "ship" again
    # used to pass the transition check and take the stock out a second time.
    fulfilment.ship_shipment(shop, labelled_shipment_id, actor=STAFF)
    tracking.record_scan(shop, tracking.CarrierScan("1Z999AA10123456784", "out_for_delivery", utcnow()))
    before = support.row_counts(shop), support.stock(shop, "TEE-M")
    with pytest.raises(IllegalTransition, match="is out for delivery: only a parcel waiting"):
        fulfilment.ship_shipment(shop, labelled_shipment_id, actor=STAFF)
    assert (support.row_counts(shop), support.stock(shop, "TEE-M")) == before
    assert support.stock(shop, "TEE-M") == (48, 0)
    with pytest.raises(NotFound, match="No shipment #424242"):
        fulfilment.ship_shipment(shop, 424242, actor=STAFF)


def test_ship_time_comes_from_the_caller(shop: Shop, labelled_shipment_id: int, confirmed_order: Order) -> None:
    when = utcnow() - timedelta(hours=3)
    fulfilment.ship_shipment(shop, labelled_shipment_id, actor=STAFF, occurred_at=when)
    assert support.shipment(shop, labelled_shipment_id).shipped_at == when
    assert support.order(shop, confirmed_order.id).shipped_at == when
