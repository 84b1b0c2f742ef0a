"""What each webhook does once stored: create, pay, cancel, ship, track; older updates ignored;
failures kept with their reason; the WooCommerce ping; reprocessing from the CLI."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from core.models import Event, Order, Shipment, WebhookDelivery
from core.shop import Shop
from tests.integration.webhooks import payloads
from tests.integration.webhooks.conftest import Post


def _order(shop: Shop, channel: str) -> Order | None:
    with shop.db.read() as session:
        return session.scalar(select(Order).where(Order.channel == channel))


def _delivery(shop: Shop) -> WebhookDelivery:
    with shop.db.read() as session:
        return session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()  # type: ignore[return-value]


def test_shopify_fixture_order_with_engraving_is_held_for_customisation(
    app_shop: Shop, store_catalog: dict[str, int], post: Post
) -> None:
    from tests.integration.webhooks.conftest import fixture

    order = payloads.consistent(fixture("shopify-order.json")["order"])  # authorized, a "custom engraving" note
    assert post("shopify", order, payloads.shopify_headers("orders/create", "ev-raw")).status_code == 200
    placed = _order(app_shop, "shopify")
    assert placed is not None
    assert placed.number == "1001"
    assert (placed.status, placed.hold_reason) == ("on_hold", "customisation")
    assert placed.total_minor == 3 * 19900 + 1194  # Shopify's prices and tax, free shipping


def test_shopify_older_update_is_ignored(app_shop: Shop, store_catalog: dict[str, int], post: Post) -> None:
    post(
        "shopify",
        payloads.shopify_order(financial_status="pending", updated_at="2025-01-10T10:00:00Z"),
        payloads.shopify_headers("orders/create", "e1"),
    )
    newer = payloads.shopify_order(cancelled_at="2025-01-10T12:00:00Z", updated_at="2025-01-10T12:00:00Z")
    older = payloads.shopify_order(financial_status="paid", updated_at="2025-01-10T11:00:00Z")

    assert post("shopify", newer, payloads.shopify_headers("orders/updated", "e3")).get_json()["status"] == "processed"
    assert post("shopify", older, payloads.shopify_headers("orders/updated", "e2")).get_json()["status"] == "ignored"

    order = _order(app_shop, "shopify")
    assert order is not None
    assert order.status == "cancelled"


def test_shopify_pending_then_paid_confirms(app_shop: Shop, store_catalog: dict[str, int], post: Post) -> None:
    post(
        "shopify",
        payloads.shopify_order(financial_status="pending", updated_at="2025-01-10T10:00:00Z"),
        payloads.shopify_headers("orders/create", "p1"),
    )
    assert _order(app_shop, "shopify").hold_reason == "payment_pending"  # type: ignore[union-attr]
    paid = payloads.shopify_order(financial_status="paid", updated_at="2025-01-10T10:05:00Z")
    assert post("shopify", paid, payloads.shopify_headers("orders/updated", "p2")).get_json()["status"] == "processed"
    assert _order(app_shop, "shopify").status == "confirmed"  # type: ignore[union-attr]


def test_shopify_fulfillment_ships_then_updates_track(
    app_shop: Shop, store_catalog: dict[str, int], post: Post
) -> None:
    post("shopify", payloads.shopify_order(), payloads.shopify_headers("orders/create", "f0"))
    created = payloads.shopify_fulfillment()
    assert (
        post("shopify", created, payloads.shopify_headers("fulfillments/create", "f1")).get_json()["status"]
        == "processed"
    )
    update = payloads.shopify_fulfillment(shipment_status="out_for_delivery", updated_at=payloads.soon())
    assert (
        post("shopify", update, payloads.shopify_headers("fulfillments/update", "f2")).get_json()["status"]
        == "processed"
    )
    with app_shop.db.read() as session:
        shipment = session.scalar(select(Shipment).where(Shipment.tracking_number == "1Z2345AB"))
        assert shipment is not None
        assert (shipment.carrier, shipment.status) == ("ups", "out_for_delivery")
        assert [line.quantity for line in shipment.lines] == [1]  # only the fulfilled line item
    assert _order(app_shop, "shopify").status == "partially_shipped"  # type: ignore[union-attr]


def test_processing_failure_is_stored_with_its_reason_and_still_2xx(
    app_shop: Shop, store_catalog: dict[str, int], post: Post
) -> None:
    order = payloads.woo_order(line_items=[{"id": 1, "sku": "UNKNOWN-SKU", "quantity": 1}])
    response = post("woocommerce", order, payloads.woo_headers("order.created", "bad-1"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "failed"
    delivery = _delivery(app_shop)
    assert delivery.status == "failed"
    assert "UNKNOWN-SKU" in (delivery.error or "")


def test_failed_delivery_is_reprocessed_from_the_cli(
    wh_app: Flask, app_shop: Shop, store_catalog: dict[str, int], post: Post
) -> None:
    post("easypost", payloads.easypost_event("1ZLATER00001", "in_transit"))  # shipment not created yet
    assert _delivery(app_shop).status == "failed"
    from core.services import fulfilment
    from tests import factories

    order = factories.place(app_shop, phone=None, sms_consent=False)
    fulfilment.ship_order(
        app_shop, order.id, carrier_code="ups", service="Ground", tracking_number="1ZLATER00001", actor=factories.STAFF
    )
    result = wh_app.test_cli_runner().invoke(args=["webhooks", "process", "--retry-failed"])
    assert result.exit_code == 0
    assert "1 processed" in result.output
    assert _delivery(app_shop).status == "processed"


def test_woocommerce_ping_gets_200_and_writes_nothing(app_shop: Shop, wh_client, store_catalog: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    response = wh_client.post("/webhooks/woocommerce", data={"webhook_id": "12"})
    assert response.status_code == 200
    with app_shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert session.scalar(select(func.count()).select_from(Event)) == 0


def test_woocommerce_cancellation_cancels(app_shop: Shop, store_catalog: dict[str, int], post: Post) -> None:
    post("woocommerce", payloads.woo_order(), payloads.woo_headers("order.created", "w1"))
    cancelled = payloads.woo_order(status="cancelled", date_modified_gmt="2025-01-11T09:00:00")
    assert (
        post("woocommerce", cancelled, payloads.woo_headers("order.updated", "w2")).get_json()["status"] == "processed"
    )
    assert _order(app_shop, "woocommerce").status == "cancelled"  # type: ignore[union-attr]


def test_aftership_exception_maps_subtag_to_reason(app_shop: Shop, store_catalog: dict[str, int], post: Post) -> None:
    from tests import factories

    order = factories.place(app_shop, phone=None, sms_consent=False)
    factories.ship_all(app_shop, order.id, tracking_number="1ZAFTER00001")
    post("aftership", payloads.aftership_update("1ZAFTER00001", "Exception", "Exception_013"))
    with app_shop.db.read() as session:
        shipment = session.scalar(select(Shipment).where(Shipment.tracking_number == "1ZAFTER00001"))
    assert shipment is not None
    assert (shipment.status, shipment.exception_reason) == ("exception", "lost")
