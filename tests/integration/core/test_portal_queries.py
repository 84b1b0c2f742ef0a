"""The portal's read path gives the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from core.clock import utcnow
from core.domain.commands import ReturnLineInput
from core.events.fact import Actor
from core.queries import returns as return_queries
from core.queries.orders import lookup_row, order_view
from core.queries.tracking import tracking_key, tracking_view
from core.services import tracking
from core.services.returns import request_return
from core.shop import Shop
from tests import factories

NUMBER = "1ZQUERY000000001"


def test_tracking_view_on_each_backend(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)
    factories.ship_all(shop, order.id, tracking_number=NUMBER)
    tracking.record_scan(shop, tracking.CarrierScan(NUMBER, "exception", utcnow(), "Hub", exception_reason="delay"))
    key = tracking_key(shop.db.engine, NUMBER)
    view = tracking_view(shop.db.engine, NUMBER)
    assert key is not None
    assert view is not None
    assert view.key == key
    assert (view.status, view.exception_reason, view.carrier_name, view.item_count) == ("exception", "delay", "UPS", 3)
    assert [e.code for e in view.timeline] == ["shipment.shipped", "shipment.exception"]
    assert view.timeline[-1].text == "Running late"
    assert view.timeline[-1].occurred_at.tzinfo is not None
    assert view.current_eta is not None
    assert view.current_eta.tzinfo is not None
    assert tracking_view(shop.db.engine, "NOPE") is None


def test_public_timeline_in_source_time_order_on_each_backend(shop: Shop, catalog: dict[str, int]) -> None:
    """The page's one select aggregates the events in no order: they are sorted by source time, and a
    scan that arrives late takes its place (the customer-level ``shipment.created`` stays out)."""
    order = factories.place(shop)
    factories.ship_all(shop, order.id, tracking_number=NUMBER)
    now = utcnow()
    tracking.record_scan(shop, tracking.CarrierScan(NUMBER, "in_transit", now + timedelta(hours=2), "Second hub"))
    tracking.record_scan(shop, tracking.CarrierScan(NUMBER, "in_transit", now + timedelta(hours=1), "First hub"))
    view = tracking_view(shop.db.engine, NUMBER)
    assert view is not None
    assert [e.code for e in view.timeline] == ["shipment.shipped", "shipment.in_transit", "shipment.in_transit"]
    assert [e.location for e in view.timeline[1:]] == ["First hub", "Second hub"]
    assert [e.occurred_at for e in view.timeline] == sorted(e.occurred_at for e in view.timeline)
    assert all(e.shipment_id == view.key.shipment_id for e in view.timeline)


def test_order_and_return_views_on_each_backend(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)
    factories.ship_all(shop, order.id, tracking_number=NUMBER)
    factories.deliver(shop, NUMBER)
    tee = factories.reload(shop, order.id).lines[0]
    ret = request_return(
        shop, order.id, [ReturnLineInput(tee.id, 1, "too_small", "exchange", catalog["TEE-L"])],
        client_token="t" * 32, actor=Actor("customer"),
    )  # fmt: skip
    with shop.db.read() as session:
        found = lookup_row(session, order.number)
        view = order_view(session, order.id, shop.return_policy, utcnow())
        options = return_queries.exchange_options(session, order.id)
        status = return_queries.return_view(session, order.id, ret.rma)
        assert return_queries.rma_for_token(session, order.id, "t" * 32) == ret.rma
        assert return_queries.return_view(session, order.id + 1, ret.rma) is None
    assert found is not None
    assert found.email == "ada@example.com"
    assert view is not None
    assert view.lines[0].carried_by == ((NUMBER, 2),)
    assert [line.eligibility.code for line in view.lines] == ["eligible", "final_sale"]
    assert view.addresses[0]["name"] == "A•• L••••••"
    assert [o.title for o in options[tee.id]] == ["S", "L"]
    assert status is not None
    assert status.lines[0].exchange_title == "L"
    assert [e.code for e in status.timeline] == ["return.requested", "return.approved"]
