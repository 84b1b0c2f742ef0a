"""An order from capture to delivery, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from core import replay
from core.models import Event, Variant
from core.shop import Shop
from tests import factories


def test_capture_ship_deliver_records_every_step(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)
    factories.ship_all(shop, order.id)
    factories.deliver(shop, "1Z999AA10123456784")

    delivered = factories.reload(shop, order.id)
    assert delivered.status == "delivered"
    with shop.db.read() as session:
        types = list(session.scalars(select(Event.type).where(Event.order_id == order.id).order_by(Event.id)))
        tee = session.get_one(Variant, catalog["TEE-M"])
        assert replay.differences(session) == []
    assert types == [
        "order.placed",
        "payment.authorized",
        "payment.captured",
        "order.confirmed",
        "shipment.created",
        "shipment.shipped",
        "shipment.delivered",
    ]
    assert (tee.on_hand, tee.reserved) == (48, 0)
