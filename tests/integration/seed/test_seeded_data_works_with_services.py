"""The seeded demo is live data: the real services carry on from where the generator stopped."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import replay
from core.clock import utcnow
from core.domain.scans import CarrierScan
from core.errors import NotEligible
from core.events.fact import Actor
from core.models import Order, OrderLine, Shipment, Variant
from core.seed.demo import DEMO_EMAIL
from core.services import returns, tracking
from core.shop import Shop
from tests.integration.seed.conftest import seed_small

CUSTOMER = Actor("customer")


def _demo_order(shop: Shop, story_sku: str) -> tuple[int, dict[str, int]]:
    with shop.db.read() as session:
        order_id = session.scalar(
            select(Order.id).join(OrderLine).where(Order.email == DEMO_EMAIL, OrderLine.sku == story_sku)
        )
        lines = dict(
            session.execute(select(OrderLine.sku, OrderLine.id).where(OrderLine.order_id == order_id)).tuples().all()
        )
    assert order_id is not None
    return order_id, lines


def test_carrier_delivers_the_parcel_out_for_delivery(shop: Shop) -> None:
    seed_small(shop, orders=40)
    order_id, _ = _demo_order(shop, "SNK-WHITE-9")
    with shop.db.read() as session:
        parcel = session.scalar(
            select(Shipment).where(Shipment.order_id == order_id, Shipment.status == "out_for_delivery")
        )
    assert parcel is not None
    tracking.record_scan(
        shop, CarrierScan(parcel.tracking_number, "delivered", utcnow(), "Springfield, IL", external_id="x1")
    )
    with shop.db.read() as session:
        assert session.get_one(Order, order_id).status == "delivered"
        assert replay.differences(session) == []


def test_customer_returns_the_sweater_but_not_the_final_sale_mugs(shop: Shop) -> None:
    seed_small(shop, orders=40)
    order_id, lines = _demo_order(shop, "MER-CHARCO-L")
    with pytest.raises(NotEligible, match="Final sale"):
        returns.request_return(
            shop, order_id, [returns.ReturnLineInput(lines["MUG-WHITE-ONESIZ"], 1, "changed_mind")], actor=CUSTOMER
        )
    with shop.db.read() as session:
        larger = session.scalar(select(Variant.id).where(Variant.sku == "MER-CHARCO-XL"))
    item = returns.ReturnLineInput(lines["MER-CHARCO-L"], 1, "too_small", "exchange", larger)
    made = returns.request_return(shop, order_id, [item], actor=CUSTOMER)
    assert made.status == "approved"
    with shop.db.read() as session:
        assert replay.differences(session) == []
