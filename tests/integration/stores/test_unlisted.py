"""An unlisted product (deleted or archived in the store) is no longer sold: an order Shiplog takes itself
(the API) is refused naming the SKU, with nothing written or charged; a store's order is recorded as the
store sent it, since the store did sell it. On both backends."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select, update

from core.models import Event, Order, Product
from core.services.access import create_api_key
from core.shop import Shop
from tests.integration.api.conftest import order_body
from tests.integration.stores import payloads
from tests.integration.stores.conftest import post, the_order


def _unlist(shop: Shop, handle: str) -> None:
    with shop.db.write() as session:
        session.execute(update(Product).where(Product.handle == handle).values(listed=False))


def _counts(shop: Shop) -> tuple[int, int]:
    with shop.db.read() as session:
        return session.scalar(select(func.count(Order.id))) or 0, session.scalar(select(func.count(Event.id))) or 0


def test_an_api_order_for_an_unlisted_product_is_refused_naming_the_sku(
    shop: Shop, skus: dict[str, int], store_app: Flask
) -> None:
    _unlist(shop, "enamel-mug")
    key = create_api_key(shop, name="checkout", scope="write")[1]
    before = _counts(shop)
    body = order_body(lines=[{"sku": "TEE-M", "quantity": 1}, {"sku": "MUG-1", "quantity": 1}])
    answer = store_app.test_client().post("/api/v1/orders", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {"lines[1].sku": "MUG-1 is no longer sold (its product is unlisted)."}
    assert _counts(shop) == before
    assert shop.gateway.calls == []  # type: ignore[attr-defined]  # nothing authorised, nothing to void
    listed = store_app.test_client().post(
        "/api/v1/orders", json=order_body(), headers={"Authorization": f"Bearer {key}"}
    )
    assert listed.status_code == 201, listed.get_json()


def test_store_orders_for_an_unlisted_product_are_still_recorded(
    shop: Shop, skus: dict[str, int], store_app: Flask
) -> None:
    _unlist(shop, "classic-tee")
    _unlist(shop, "enamel-mug")
    shopify = post(store_app, "shopify", payloads.shopify_order(), payloads.shopify_headers("orders/create", "u1"))
    assert shopify["status"] == "processed"
    assert [line.sku for line in the_order(shop, "shopify").lines] == ["TEE-M", "MUG-1"]
    post(store_app, "woocommerce", payloads.woo_order(), payloads.woo_headers("order.created", "u2"))
    assert [line.sku for line in the_order(shop, "woocommerce").lines] == ["TEE-S"]
