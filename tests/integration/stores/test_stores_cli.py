"""``flask --app wsgi stores connect|sync``: the connection stored without its secrets, the sync's
progress and summary, and clear messages for what is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from core.events.fact import Actor
from core.models import StoreConnection, Variant
from core.services import store_connections as stores
from core.shop import Shop
from tests.conftest import make_test_app
from tests.integration.stores.catalogs import shopify_products, woo_products
from tests.integration.stores.peers import SHOPIFY_TOKEN, WOO_KEY, WOO_SECRET, Peer, PeerState

FAST = {"sleep": lambda _: None, "timeout": 0.5}


@pytest.fixture
def app(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> Flask:
    for name in ("SHOPIFY_ACCESS_TOKEN", "SHOPIFY_WEBHOOK_SECRET", "WOOCOMMERCE_CONSUMER_KEY",
                 "WOOCOMMERCE_CONSUMER_SECRET", "WOOCOMMERCE_WEBHOOK_SECRET"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return make_test_app(shop, STORE_HTTP_OPTIONS=FAST)  # type: ignore[no-any-return]


@pytest.fixture
def peers() -> Iterator[tuple[Peer, Peer]]:
    products, variations = woo_products()
    with (
        Peer("shopify", PeerState(shopify_products())) as shop_peer,
        Peer("woocommerce", PeerState(products, variations)) as woo,
    ):
        yield shop_peer, woo


def test_connect_stores_the_address_and_never_the_secrets(shop: Shop, app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["stores", "connect", "shopify", "--shop-domain", "Demo.myshopify.com", "--access-token", "shpat_secret_1",
            "--webhook-secret", "whsec_2"]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Set SHOPIFY_ACCESS_TOKEN in the environment" in result.output
    woo = ["stores", "connect", "woocommerce", "--url", "https://shop.example/", "--consumer-key", "ck_1",
           "--consumer-secret", "cs_2", "--webhook-secret", "wh_3"]  # fmt: skip
    assert runner.invoke(args=woo).exit_code == 0
    with shop.db.read() as session:
        rows = [(c.platform, c.domain, c.api_version) for c in session.scalars(select(StoreConnection))]
    assert sorted(rows) == [("shopify", "demo.myshopify.com", "2026-01"), ("woocommerce", "https://shop.example", None)]
    dump = (
        "\n".join(line for line in shop.db.engine.raw_connection().iterdump())
        if shop.db.url.startswith("sqlite")
        else ""
    )
    assert "shpat_secret_1" not in dump
    assert "cs_2" not in dump
    bad = runner.invoke(args=["stores", "connect", "shopify", "--shop-domain", "https://evil.example", "--access-token", "t",
                              "--webhook-secret", "s"])  # fmt: skip
    assert bad.exit_code == 2
    assert "x.myshopify.com" in bad.output


def test_sync_loads_every_connected_store_and_reports_refusals(
    shop: Shop, app: Flask, peers: tuple[Peer, Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    shop_peer, woo_peer = peers
    runner = app.test_cli_runner()
    assert "No store is connected" in runner.invoke(args=["stores", "sync"]).output
    actor = Actor("integration", "test")
    stores.connect(shop, "shopify", shop_peer.url, stores.SHOPIFY_VERSION, actor=actor)
    stores.connect(shop, "woocommerce", woo_peer.url, None, actor=actor)
    missing = runner.invoke(args=["stores", "sync", "--platform", "shopify"])
    assert missing.exit_code == 1
    assert "SHOPIFY_ACCESS_TOKEN is not set" in missing.output
    for name, value in (("SHOPIFY_ACCESS_TOKEN", SHOPIFY_TOKEN), ("WOOCOMMERCE_CONSUMER_KEY", WOO_KEY),
                        ("WOOCOMMERCE_CONSUMER_SECRET", WOO_SECRET)):  # fmt: skip
        monkeypatch.setenv(name, value)
    result = runner.invoke(args=["stores", "sync"])
    assert result.exit_code == 0, result.output
    assert "shopify: 4 products created, 0 updated, 0 unchanged; 2 refused." in result.output
    assert "woocommerce: 2 products created, 0 updated, 0 unchanged; 1 refused." in result.output
    assert "refused 103 mystery: sku: WooCommerce product 103 has no SKU." in result.output
    with shop.db.read() as session:
        assert len(list(session.scalars(select(Variant)))) == 8
    shop_peer.state.faults += ["500"] * 5
    failing = runner.invoke(args=["stores", "sync", "--platform", "shopify"])
    assert failing.exit_code == 1
    assert "Shopify kept failing (HTTP 500) after 5 tries" in failing.output
