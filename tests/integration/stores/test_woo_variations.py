"""WooCommerce ``product.created|updated`` for a variable product: the body carries only the parent, so its
variations are read through the REST API of the connected store (every page, with its keys) and each is
saved as a variant with its SKU, price and stock. A variation's own webhook reads its parent and siblings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.events.fact import Actor
from core.integrations.signatures import SCHEMES
from core.models import Product, StoreVariantLink, Variant, WebhookDelivery
from core.services import store_connections as stores
from core.shop import Shop
from tests.conftest import make_test_app
from tests.integration.stores.catalogs import woo_products
from tests.integration.stores.peers import WOO_KEY, WOO_SECRET, Peer, PeerState

SECRET = "wc-secret-variations"
FAST = {"sleep": lambda _: None, "timeout": 0.5}


@pytest.fixture
def woo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Peer]:
    for name in ("WOOCOMMERCE_CONSUMER_KEY", "WOOCOMMERCE_CONSUMER_SECRET"):
        monkeypatch.delenv(name, raising=False)
    products, variations = woo_products()
    extra = variations["102"][1] | {"id": 203, "sku": "HOOD-L", "sale_price": "49.00", "stock_quantity": 1,
                                    "attributes": [{"id": 1, "name": "Size", "option": "L"}]}  # fmt: skip
    variations["102"].append(extra)
    with Peer("woocommerce", PeerState(products, variations, variation_page_size=2)) as peer:
        yield peer


def _app(shop: Shop, woo: Peer, secret: str = WOO_SECRET) -> Flask:
    stores.connect(shop, "woocommerce", woo.url, None, actor=Actor("integration", "test"))
    return make_test_app(  # type: ignore[no-any-return]
        shop, WOOCOMMERCE_WEBHOOK_SECRET=SECRET, WOOCOMMERCE_CONSUMER_KEY=WOO_KEY,
        WOOCOMMERCE_CONSUMER_SECRET=secret, STORE_HTTP_OPTIONS=FAST,
    )  # fmt: skip


def _send(app: Flask, woo: Peer, topic: str, delivery: str, body: dict[str, Any]) -> str:
    raw = json.dumps(body).encode()
    header, _, signer = SCHEMES["woocommerce"]
    headers = {"Content-Type": "application/json", header: signer(SECRET, raw), "X-WC-Webhook-Topic": topic,
               "X-WC-Webhook-Delivery-ID": delivery, "X-WC-Webhook-Source": woo.url + "/"}  # fmt: skip
    answer = app.test_client().post("/webhooks/woocommerce", data=raw, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return str(answer.get_json()["status"])


def _hoodie() -> dict[str, Any]:
    return woo_products()[0][1]


def _variants(shop: Shop) -> dict[str, tuple[object, ...]]:
    with shop.db.read() as session:
        return {
            v.sku: (v.title, v.price_minor, v.compare_at_minor, v.on_hand) for v in session.scalars(select(Variant))
        }


def test_a_variable_product_webhook_reads_every_page_of_its_variations(shop: Shop, woo: Peer) -> None:
    app = _app(shop, woo)

    assert _send(app, woo, "product.created", "v1", _hoodie()) == "processed"

    assert _variants(shop) == {
        "HOOD-S": ("S", 5500, None, 2), "HOOD-M": ("M", 5500, None, 4), "HOOD-L": ("L", 4900, 5500, 1),
    }  # fmt: skip
    with shop.db.read() as session:
        [product] = session.scalars(select(Product))
        links = {(link.store_product_id, link.store_variant_id) for link in session.scalars(select(StoreVariantLink))}
    assert (product.handle, product.name) == ("fog-hoodie", "Fog Hoodie")
    assert links == {("102", "201"), ("102", "202"), ("102", "203")}
    asked = [(r.method, r.path, r.query.get("page"), r.query.get("per_page")) for r in woo.state.requests]
    assert asked == [
        ("GET", "/wp-json/wc/v3/products/102/variations", "1", "100"),
        ("GET", "/wp-json/wc/v3/products/102/variations", "2", "100"),
    ]
    assert all(r.headers["Authorization"].startswith("Basic ") for r in woo.state.requests)
    assert woo.state.problems == []


def test_a_variation_webhook_reads_its_parent_and_updates_the_stock(shop: Shop, woo: Peer) -> None:
    app = _app(shop, woo)
    _send(app, woo, "product.created", "v1", _hoodie())
    woo.state.variations["102"][0]["stock_quantity"] = 9
    variation = woo.state.variations["102"][0] | {"type": "variation", "parent_id": 102}

    assert _send(app, woo, "product.updated", "v2", variation) == "processed"

    assert _variants(shop)["HOOD-S"] == ("S", 5500, None, 9)
    assert len(_variants(shop)) == 3  # the variation is a variant of its parent, not a product of its own
    assert ("GET", "/wp-json/wc/v3/products/102") in [(r.method, r.path) for r in woo.state.requests]


def test_keys_the_store_refuses_fail_the_delivery_and_save_nothing(shop: Shop, woo: Peer) -> None:
    app = _app(shop, woo, secret="cs_wrong")

    assert _send(app, woo, "product.created", "v1", _hoodie()) == "failed"

    assert _variants(shop) == {}
    with shop.db.read() as session:
        error = session.scalars(select(WebhookDelivery.error)).one()
    assert "WooCommerce refused the credentials (HTTP 401)" in (error or "")


def test_keys_missing_from_the_environment_fail_the_delivery_naming_them(shop: Shop, woo: Peer) -> None:
    stores.connect(shop, "woocommerce", woo.url, None, actor=Actor("integration", "test"))
    app = make_test_app(shop, WOOCOMMERCE_WEBHOOK_SECRET=SECRET)

    assert _send(app, woo, "product.created", "v1", _hoodie()) == "failed"

    with shop.db.read() as session:
        error = session.scalars(select(WebhookDelivery.error)).one()
    assert "WOOCOMMERCE_CONSUMER_KEY, WOOCOMMERCE_CONSUMER_SECRET are not set in the environment" in (error or "")
    assert woo.state.requests == []


def test_a_variable_product_without_variations_yet_is_ignored(shop: Shop, woo: Peer) -> None:
    app = _app(shop, woo)
    woo.state.variations["104"] = []
    empty = _hoodie() | {"id": 104, "slug": "bare-hoodie", "variations": []}

    assert _send(app, woo, "product.created", "v1", empty) == "ignored"

    assert _variants(shop) == {}
    assert [r.path for r in woo.state.requests] == ["/wp-json/wc/v3/products/104/variations"]
