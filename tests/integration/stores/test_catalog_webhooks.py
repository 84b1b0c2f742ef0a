"""Shopify ``products/*``, WooCommerce ``product.*`` webhooks: verified
as every store webhook, deduplicated by delivery id, saved through the catalogue's writer; a delete
unlists (the rows stay for the orders that name them); a store that is not connected gets a 403 and
nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from core.events.fact import Actor
from core.integrations.signatures import SCHEMES
from core.models import Event, Product, Variant, WebhookDelivery
from core.services import store_connections as stores
from core.shop import Shop
from tests.conftest import make_test_app

SECRETS = {"shopify": "shpss_test_secret", "woocommerce": "wc-secret-1234"}
SHOP_DOMAIN, WOO_URL = "demo.myshopify.com", "https://shop.example"


@pytest.fixture
def client(shop: Shop) -> FlaskClient:
    app = make_test_app(
        shop, SHOPIFY_WEBHOOK_SECRET=SECRETS["shopify"], WOOCOMMERCE_WEBHOOK_SECRET=SECRETS["woocommerce"]
    )
    stores.connect(shop, "shopify", SHOP_DOMAIN, "2026-01", actor=Actor("integration", "test"))
    stores.connect(shop, "woocommerce", WOO_URL, None, actor=Actor("integration", "test"))
    return app.test_client()  # type: ignore[no-any-return]


def _post(client: FlaskClient, source: str, body: dict[str, Any], headers: dict[str, str]) -> TestResponse:
    raw = json.dumps(body).encode()
    header, _, signer = SCHEMES[source]
    sent = {"Content-Type": "application/json", header: signer(SECRETS[source], raw), **headers}
    return client.post(f"/webhooks/{source}", data=raw, headers=sent)


def shopify(
    client: FlaskClient, topic: str, event: str, body: dict[str, Any], domain: str = SHOP_DOMAIN
) -> TestResponse:
    headers = {"X-Shopify-Topic": topic, "X-Shopify-Event-Id": event, "X-Shopify-Shop-Domain": domain}
    return _post(client, "shopify", body, headers)


def woo(
    client: FlaskClient, topic: str, delivery: str, body: dict[str, Any], source: str = WOO_URL + "/"
) -> TestResponse:
    headers = {"X-WC-Webhook-Topic": topic, "X-WC-Webhook-Delivery-ID": delivery, "X-WC-Webhook-Source": source}
    return _post(client, "woocommerce", body, headers)


def tee(price: str = "19.99", **changes: Any) -> dict[str, Any]:
    """Shopify's REST product, as its products/create and products/update webhooks send it."""
    variant = {"id": 642667041472713922, "product_id": 788032119674292922, "sku": "ET-S", "price": price,
               "compare_at_price": "24.99", "option1": "Small", "option2": None, "option3": None, "barcode": "123",
               "grams": 200, "inventory_item_id": 457924702, "inventory_quantity": 75}  # fmt: skip
    return {"id": 788032119674292922, "title": "Example T-Shirt", "handle": "example-t-shirt", "status": "active",
            "options": [{"name": "Size", "values": ["Small"]}], "variants": [variant],
            "image": {"src": "https://cdn.shopify.com/tee.jpg"}} | changes  # fmt: skip


def _variant(shop: Shop, sku: str) -> Variant | None:
    with shop.db.read() as session:
        return session.scalar(select(Variant).where(Variant.sku == sku))


def _count(shop: Shop, model: type) -> int:
    with shop.db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_shopify_create_update_stock_and_delete(shop: Shop, client: FlaskClient) -> None:
    made = shopify(client, "products/create", "e-1", tee())
    assert made.status_code == 200
    assert made.json["status"] == "processed"
    variant = _variant(shop, "ET-S")
    assert variant is not None
    assert (variant.price_minor, variant.compare_at_minor, variant.on_hand) == (1999, 2499, 75)
    assert (variant.title, variant.weight_grams, variant.barcode) == ("Small", 200, "123")

    assert shopify(client, "products/update", "e-2", tee("21.00")).json["status"] == "processed"  # type: ignore[index]
    events = _count(shop, Event)
    again = shopify(client, "products/update", "e-2", tee("99.00"))
    assert again.json["duplicate"] is True
    assert _count(shop, Event) == events
    assert _variant(shop, "ET-S").price_minor == 2100  # type: ignore[union-attr]

    # inventory_levels/update: tests/integration/stores/test_shopify_locations.py (it reads every location)

    assert shopify(client, "products/delete", "e-4", {"id": 788032119674292922}).json["status"] == "processed"  # type: ignore[index]
    with shop.db.read() as session:
        product = session.scalar(select(Product).where(Product.handle == "example-t-shirt"))
        assert product is not None
        assert product.listed is False
        assert len(product.variants) == 1


def test_a_malformed_product_is_refused_whole(shop: Shop, client: FlaskClient) -> None:
    answer = shopify(client, "products/create", "e-9", tee("-1.00"))
    assert answer.status_code == 200
    assert answer.json["status"] == "failed"
    with shop.db.read() as session:
        delivery = session.scalar(select(WebhookDelivery))
        assert delivery is not None
        assert "price" in (delivery.error or "")
    assert (_count(shop, Product), _count(shop, Variant)) == (0, 0)


def test_a_store_that_is_not_connected_is_refused_and_nothing_is_stored(shop: Shop, client: FlaskClient) -> None:
    answer = shopify(client, "products/create", "e-5", tee(), domain="other.myshopify.com")
    assert answer.status_code == 403
    assert "other.myshopify.com is not connected" in answer.get_data(as_text=True)
    refused = woo(client, "product.created", "d-9", {"id": 1}, source="https://elsewhere.example/")
    assert refused.status_code == 403
    assert (_count(shop, WebhookDelivery), _count(shop, Product)) == (0, 0)


def test_woocommerce_product_created_and_deleted(shop: Shop, client: FlaskClient) -> None:
    cap = {"id": 101, "name": "Canvas Cap", "slug": "canvas-cap", "type": "simple", "status": "publish", "sku": "CAP-1",
           "price": "25.00", "regular_price": "25.00", "sale_price": "", "manage_stock": True, "stock_quantity": 7,
           "images": [{"src": "https://shop.example/cap.jpg"}]}  # fmt: skip
    assert woo(client, "product.created", "d-1", cap).json["status"] == "processed"  # type: ignore[index]
    variant = _variant(shop, "CAP-1")
    assert variant is not None
    assert (variant.price_minor, variant.on_hand, variant.image_url) == (2500, 7, "https://shop.example/cap.jpg")
    assert woo(client, "product.created", "d-1", cap).json["duplicate"] is True  # type: ignore[index]
    assert woo(client, "product.deleted", "d-2", {"id": 101}).json["status"] == "processed"  # type: ignore[index]
    with shop.db.read() as session:
        assert session.scalar(select(Product.listed).where(Product.handle == "canvas-cap")) is False


def test_a_body_of_the_wrong_shape_fails_with_its_reason(shop: Shop, client: FlaskClient) -> None:
    answer = shopify(client, "products/create", "e-7", tee(variants=[{"sku": "X-1", "price": "1.00", "grams": 1,
                                                                          "inventory_quantity": {"a": 1}}]))  # fmt: skip
    assert answer.json["status"] == "failed"  # type: ignore[index]
    with shop.db.read() as session:
        delivery = session.scalar(select(WebhookDelivery))
        assert delivery is not None
        assert (delivery.error or "").startswith("The store's product is malformed")
    assert (_count(shop, Product), _count(shop, Variant)) == (0, 0)


def test_an_update_older_than_one_applied_is_ignored(shop: Shop, client: FlaskClient) -> None:
    shopify(client, "products/create", "e-1", tee(updated_at="2026-12-05T10:00:00Z"))
    newer = shopify(client, "products/update", "e-3", tee("25.00", updated_at="2026-12-05T12:00:00Z"))
    assert newer.json["status"] == "processed"  # type: ignore[index]
    late = shopify(client, "products/update", "e-2", tee("21.00", updated_at="2026-12-05T11:00:00Z"))
    assert late.json["status"] == "ignored"  # type: ignore[index]
    assert _variant(shop, "ET-S").price_minor == 2500  # type: ignore[union-attr]
