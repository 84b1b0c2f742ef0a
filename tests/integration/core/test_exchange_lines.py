"""An exchange sends its replacement as an order line of its own: the parcel lists what it really holds
(issue 14: "1 × Pullover Hoodie M" in a parcel that held an L), and the replacement can go back in turn."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import utcnow
from core.domain.commands import ReturnLineInput
from core.models import Order, OrderLine
from core.queries.orders import order_view
from core.services import fulfilment, return_resolution, returns
from core.shop import Shop
from tests import factories
from tests.integration.core import support

CUSTOMER, STAFF = support.CUSTOMER, support.STAFF
SWAP = "1ZSWAP0001"


def _exchanged(shop: Shop, order: Order, catalog: dict[str, int]) -> int:
    """One TEE-M of two sent back for an L; the L's parcel packed. Returns that parcel's id."""
    tee = support.line_ids(shop, order.id)["TEE-M"]
    item = ReturnLineInput(tee, 1, "too_small", resolution="exchange", exchange_variant_id=catalog["TEE-L"])
    ret = returns.request_return(shop, order.id, [item], actor=CUSTOMER)
    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    return_resolution.resolve_return(shop, ret.id, actor=STAFF, exchange_tracking=SWAP)
    exchanged = support.events(shop, return_id=ret.id, type="return.exchanged")[0]
    return int(exchanged.payload["shipment_id"])


def _lines(shop: Shop, order_id: int) -> list[OrderLine]:
    with shop.db.read() as session:
        return list(session.scalars(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)))


def test_the_exchange_parcel_carries_a_replacement_line_of_the_new_variant(
    shop: Shop, delivered_order: Order, catalog: dict[str, int]
) -> None:
    parcel = support.shipment(shop, _exchanged(shop, delivered_order, catalog))
    tee_m, mug, tee_l = _lines(shop, delivered_order.id)
    assert (tee_l.sku, tee_l.name, tee_l.variant_title, tee_l.quantity) == ("TEE-L", "Classic Tee", "L", 1)
    assert (tee_l.replaces_line_id, tee_l.unit_price_minor, tee_l.discount_minor) == (tee_m.id, 2500, 0)
    assert [(i.order_line_id, i.variant_id, i.quantity) for i in parcel.lines] == [(tee_l.id, catalog["TEE-L"], 1)]
    assert (tee_m.qty_returned, mug.replaces_line_id) == (1, None)
    with shop.db.read() as session:
        view = order_view(session, delivered_order.id, shop.return_policy, utcnow())
    assert view is not None
    exchange = next(s for s in view.shipments if s.kind == "exchange")
    assert exchange.items == (("Classic Tee", "L", 1),)
    assert next(line for line in view.lines if line.id == tee_l.id).replaces == "Classic Tee M"


def test_the_replacement_ships_and_arrives_without_moving_the_order_and_can_go_back(
    shop: Shop, delivered_order: Order, catalog: dict[str, int]
) -> None:
    parcel_id = _exchanged(shop, delivered_order, catalog)
    fulfilment.ship_shipment(shop, parcel_id, actor=STAFF)
    factories.deliver(shop, SWAP)
    tee_l = _lines(shop, delivered_order.id)[-1]
    assert (tee_l.qty_shipped, tee_l.qty_delivered) == (1, 1)
    assert support.order(shop, delivered_order.id).status == "delivered"
    assert support.stock(shop, "TEE-L") == (49, 0)

    with shop.db.read() as session:
        view = order_view(session, delivered_order.id, shop.return_policy, utcnow())
    assert view is not None
    again = next(line for line in view.lines if line.id == tee_l.id)
    assert again.eligibility.eligible, again.eligibility.message
    assert again.carried_by == ((SWAP, 1),)
    ret = returns.request_return(shop, delivered_order.id, [ReturnLineInput(tee_l.id, 1, "too_large")], actor=CUSTOMER)
    return_resolution.receive_return(shop, ret.id, actor=STAFF)
    return_resolution.resolve_return(shop, ret.id, actor=STAFF)
    assert [r.amount_minor for r in support.refunds(shop, delivered_order.id)] == [2500]  # what the M cost
    assert support.stock(shop, "TEE-L") == (50, 0)  # the L went back on the shelf
