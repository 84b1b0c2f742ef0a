"""Backorders: a product that allows them takes an order without stock and holds it ("awaiting
stock") until stock arrives, which releases it; a product that does not refuses the order as before."""

from __future__ import annotations

import pytest

from core.domain.commands import LineInput, ReturnLineInput
from core.domain.products import ProductInput, VariantInput
from core.errors import IllegalTransition, OutOfStock
from core.lifecycle import OrderStatus
from core.services import inventory, ordering, products, refunds, return_resolution, returns
from core.shop import Shop
from tests import factories
from tests.integration.core import support

STAFF, MANAGER = factories.STAFF, factories.MANAGER


def _catalogue(shop: Shop, *, on_hand: int = 1) -> None:
    for handle, sku, backorders in (("preorder-jacket", "JACKET", True), ("sold-out-scarf", "SCARF", False)):
        variant = VariantInput(sku, 9000, on_hand=on_hand)
        products.save_product(shop, ProductInput(handle, handle.title(), [variant], backorders=backorders), actor=STAFF)


def _order(shop: Shop, sku: str, quantity: int, email: str = "ada@example.com") -> int:
    return factories.place(shop, lines=[LineInput(sku, quantity)], email=email).id


def test_a_product_without_backorders_refuses_an_order_it_cannot_fill(shop: Shop) -> None:
    _catalogue(shop)
    before = support.row_counts(shop)
    with pytest.raises(OutOfStock, match=r"Only 1 of SCARF left in stock; 2 requested\."):
        _order(shop, "SCARF", 2)
    assert support.row_counts(shop) == before


def test_a_backorder_is_taken_unreserved_and_held_awaiting_stock(shop: Shop) -> None:
    _catalogue(shop)
    order_id = _order(shop, "JACKET", 3)
    order = factories.reload(shop, order_id)
    assert (order.status, order.hold_reason) == (OrderStatus.ON_HOLD, "awaiting_stock")
    assert order.hold_detail == "waiting for 3 × JACKET"
    assert [line.qty_backordered for line in order.lines] == [3]
    assert support.stock(shop, "JACKET") == (1, 0)
    assert support.types(shop, order_id) == ["order.placed", "order.backordered", "payment.authorized", "order.held"]
    assert support.payment(shop, order_id).status == "authorized"


def test_stock_arriving_fills_the_backorder_and_releases_the_order(shop: Shop) -> None:
    _catalogue(shop)
    order_id = _order(shop, "JACKET", 3)
    inventory.receive_stock(shop, "JACKET", 1, reference="PO-1", actor=STAFF)
    assert factories.reload(shop, order_id).status == OrderStatus.ON_HOLD  # 2 of 3: not yet
    inventory.receive_stock(shop, "JACKET", 4, reference="PO-2", actor=STAFF)
    order = factories.reload(shop, order_id)
    assert (order.status, order.hold_reason, order.lines[0].qty_backordered) == (OrderStatus.CONFIRMED, None, 0)
    assert support.stock(shop, "JACKET") == (6, 3)
    assert support.types(shop, order_id)[-4:] == [
        "order.backorder_filled", "order.released", "payment.captured", "order.confirmed",
    ]  # fmt: skip
    assert support.events(shop, order_id, type="order.released")[0].payload["reason"] == "awaiting_stock"


def test_the_first_order_placed_is_served_first(shop: Shop) -> None:
    _catalogue(shop, on_hand=0)
    first, second = _order(shop, "JACKET", 2), _order(shop, "JACKET", 2, email="bob@example.com")
    inventory.adjust_stock(shop, "JACKET", count=3, reason="found in the back room", actor=STAFF)
    assert factories.reload(shop, first).status == OrderStatus.CONFIRMED
    assert factories.reload(shop, second).status == OrderStatus.ON_HOLD
    assert support.stock(shop, "JACKET") == (3, 2)


def test_a_catalogue_import_that_brings_stock_fills_backorders_too(shop: Shop) -> None:
    _catalogue(shop, on_hand=0)
    order_id = _order(shop, "JACKET", 1)
    restocked = ProductInput(
        "preorder-jacket", "Preorder-Jacket", [VariantInput("JACKET", 9000, on_hand=5)], backorders=True
    )
    products.save_product(shop, restocked, actor=STAFF, reference="products.csv")
    assert factories.reload(shop, order_id).status == OrderStatus.CONFIRMED


def test_a_returned_item_put_back_on_the_shelf_fills_a_backorder_as_a_receipt_does(shop: Shop) -> None:
    _catalogue(shop, on_hand=1)
    sold = _order(shop, "JACKET", 1)
    factories.ship_all(shop, sold, "1ZJACKET0001")
    factories.deliver(shop, "1ZJACKET0001")
    waiting, later = _order(shop, "JACKET", 1, email="bob@example.com"), _order(shop, "JACKET", 1, email="cy@x.org")
    line = support.line_ids(shop, sold)["JACKET"]
    ret = returns.request_return(shop, sold, [ReturnLineInput(line, 1, "too_large")], actor=support.CUSTOMER)
    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    order = factories.reload(shop, waiting)
    assert (order.status, order.hold_reason, order.lines[0].qty_backordered) == (OrderStatus.CONFIRMED, None, 0)
    assert factories.reload(shop, later).status == OrderStatus.ON_HOLD  # one jacket came back: first come
    assert support.stock(shop, "JACKET") == (1, 1)
    assert support.types(shop, waiting)[-4:] == [
        "order.backorder_filled", "order.released", "payment.captured", "order.confirmed",
    ]  # fmt: skip


def test_a_damaged_return_fills_nothing(shop: Shop) -> None:
    _catalogue(shop, on_hand=1)
    sold = _order(shop, "JACKET", 1)
    factories.ship_all(shop, sold, "1ZJACKET0002")
    factories.deliver(shop, "1ZJACKET0002")
    waiting = _order(shop, "JACKET", 1, email="bob@example.com")
    line = support.line_ids(shop, sold)["JACKET"]
    ret = returns.request_return(shop, sold, [ReturnLineInput(line, 1, "too_large")], actor=support.CUSTOMER)
    item = support.get_return(shop, ret.id).lines[0].id
    return_resolution.receive_return(shop, ret.id, conditions={item: "damaged"}, actor=STAFF)
    assert factories.reload(shop, waiting).status == OrderStatus.ON_HOLD
    assert support.stock(shop, "JACKET") == (0, 0)


def test_staff_cannot_release_an_order_still_waiting_and_cancelling_it_gives_back_only_what_was_reserved(
    shop: Shop,
) -> None:
    _catalogue(shop, on_hand=0)
    order_id = _order(shop, "JACKET", 2)
    with pytest.raises(IllegalTransition, match=r"waits for stock \(2 × JACKET\)"):
        ordering.release_order(shop, order_id, actor=STAFF)
    refunds.cancel_order(shop, order_id, reason="customer changed their mind", actor=MANAGER)
    assert factories.reload(shop, order_id).status == OrderStatus.CANCELLED
    assert support.stock(shop, "JACKET") == (0, 0)
    inventory.receive_stock(shop, "JACKET", 2, reference=None, actor=STAFF)
    assert support.stock(shop, "JACKET") == (2, 0)  # a cancelled order takes nothing
