"""``stores sync`` against local Shopify and WooCommerce peers: every page read as the platform
documents it, the exact products, prices and stock saved through the catalogue's writer, a re-run
that changes nothing, retries on 429/throttle/5xx/timeouts, and clear errors for what cannot be fixed
by trying again (401, an unknown currency, a store that keeps failing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from core.events.fact import Actor
from core.integrations import shopify_catalog, store_sync, woo_catalog
from core.integrations.store_http import Client, StoreError
from core.models import Event, Product, StoreVariantLink, Variant
from core.services import store_connections as stores
from core.shop import Shop
from tests.integration.stores.catalogs import shopify_products, woo_products
from tests.integration.stores.peers import SHOPIFY_TOKEN, VERSION, WOO_KEY, WOO_SECRET, Peer, PeerState

ADMIN = Actor("integration", "test")


@pytest.fixture
def shopify_peer() -> Iterator[Peer]:
    with Peer("shopify", PeerState(shopify_products())) as peer:
        yield peer


@pytest.fixture
def woo_peer() -> Iterator[Peer]:
    products, variations = woo_products()
    with Peer("woocommerce", PeerState(products, variations)) as peer:
        yield peer


def _run(shop: Shop, platform: str, store: Client) -> store_sync.SyncReport:
    conn = stores.connection(shop, platform)
    assert conn is not None
    found = stores.StoreAccess(platform, stores.base_url(conn.domain), conn.api_version, {})
    report = store_sync.SyncReport(platform)
    list(store_sync.SYNCS[platform](shop, found, store, report))
    return report


def _shopify(shop: Shop, peer: Peer, token: str = SHOPIFY_TOKEN) -> tuple[store_sync.SyncReport, list[float]]:
    stores.connect(shop, "shopify", peer.url, VERSION, actor=ADMIN)
    slept: list[float] = []
    return _run(shop, "shopify", shopify_catalog.client(token, sleep=slept.append, timeout=0.5)), slept


def _variants(shop: Shop) -> dict[str, tuple[object, ...]]:
    with shop.db.read() as session:
        rows = session.scalars(select(Variant))
        return {v.sku: (v.title, v.price_minor, v.compare_at_minor, v.currency, v.on_hand, v.weight_grams, v.barcode)
                for v in rows}  # fmt: skip


def _counts(shop: Shop) -> tuple[int, int, int, int]:
    with shop.db.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) or 0
                     for m in (Product, Variant, Event, StoreVariantLink))  # type: ignore[return-value]  # fmt: skip


def test_shopify_pages_through_graphql_and_a_rerun_changes_nothing(shop: Shop, shopify_peer: Peer) -> None:
    report, slept = _shopify(shop, shopify_peer)
    assert report.counts == {"created": 4, "updated": 0, "unchanged": 0}
    assert [(r.store_id, r.field) for r in report.refused] == [
        ("gid://shopify/Product/4", "variants[0].price_minor"), ("gid://shopify/Product/6", "")
    ]  # fmt: skip
    assert report.refused[1].message.startswith("The store's product is malformed (")
    posts = shopify_peer.state.requests
    assert [p.body["variables"]["after"] for p in posts] == [None, "cursor-2", "cursor-4"]  # type: ignore[index]
    assert all(p.headers["X-Shopify-Access-Token"] == SHOPIFY_TOKEN for p in posts)
    assert shopify_peer.state.problems == []
    assert slept == []
    assert _variants(shop) == {
        "HS-S-NAVY": ("S / Navy", 4800, 6000, "USD", 8, 225, "0850000000011"),
        "HS-M-NAVY": ("M / Navy", 4800, None, "USD", 3, None, None),
        "RB-1": ("Default Title", 2000, None, "USD", 0, 200, None),
        "EC-1": ("Default Title", 1250, None, "USD", 10, None, None),
        "MT-1": ("Default Title", 3000, None, "USD", 5, None, None),
    }
    with shop.db.read() as session:
        shirt = session.scalar(select(Product).where(Product.handle == "harbour-shirt"))
        assert shirt is not None
        assert (shirt.option_names, shirt.listed) == (["Size", "Color"], True)
        link = session.scalar(select(StoreVariantLink).where(StoreVariantLink.store_variant_id == "11"))
        assert link is not None
        assert (link.store_product_id, link.inventory_item_id) == ("1", "5011")
    before = _counts(shop)
    again, _ = _shopify(shop, shopify_peer)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 4}
    assert len(again.refused) == 2
    assert _counts(shop) == before


def test_shopify_429_and_throttle_are_waited_out(shop: Shop, shopify_peer: Peer) -> None:
    shopify_peer.state.faults += ["429", "throttled", "500", "timeout"]
    report, slept = _shopify(shop, shopify_peer)
    assert report.counts["created"] == 4
    # Retry-After 0.25; THROTTLED: (252 requested - 2 available) / 100 restored per second; then backoff
    assert slept[:2] == [0.25, 2.5]
    assert len(slept) == 4


def test_shopify_wrong_token_is_a_clear_error_and_writes_nothing(shop: Shop, shopify_peer: Peer) -> None:
    with pytest.raises(StoreError, match="refused the credentials"):
        _shopify(shop, shopify_peer, token="shpat_wrong")
    assert _counts(shop)[:2] == (0, 0)


def test_a_store_that_keeps_failing_is_reported_after_retries(shop: Shop, shopify_peer: Peer) -> None:
    shopify_peer.state.faults += ["500"] * 5
    with pytest.raises(StoreError, match="kept failing"):
        _shopify(shop, shopify_peer)
    assert len(shopify_peer.state.requests) == 5
    assert _counts(shop)[:2] == (0, 0)


def test_an_unknown_store_currency_stops_the_sync_before_writing(shop: Shop, shopify_peer: Peer) -> None:
    shopify_peer.state.currency = "XYZ"
    with pytest.raises(StoreError, match="XYZ is not an ISO 4217 currency"):
        _shopify(shop, shopify_peer)
    assert _counts(shop)[:2] == (0, 0)


def test_woocommerce_pages_with_basic_auth_and_loads_variations(shop: Shop, woo_peer: Peer) -> None:
    stores.connect(shop, "woocommerce", woo_peer.url, None, actor=ADMIN)
    store = woo_catalog.client(WOO_KEY, WOO_SECRET, sleep=lambda _: None)
    report = _run(shop, "woocommerce", store)
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert [(r.store_id, r.field) for r in report.refused] == [("103", "sku")]
    listed = [(r.path, r.query) for r in woo_peer.state.requests]
    assert listed == [
        ("/wp-json/wc/v3/data/currencies/current", {}),
        ("/wp-json/wc/v3/products", {"page": "1", "per_page": "100"}),
        ("/wp-json/wc/v3/products/102/variations", {"page": "1", "per_page": "100"}),
        ("/wp-json/wc/v3/products", {"page": "2", "per_page": "100"}),
    ]
    assert _variants(shop) == {
        "CAP-1": ("Default Title", 2000, 2500, "USD", 7, None, None),
        "HOOD-S": ("S", 5500, None, "USD", 2, None, None),
        "HOOD-M": ("M", 5500, None, "USD", 4, None, None),
    }
    before = _counts(shop)
    assert _run(shop, "woocommerce", store).counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert _counts(shop) == before


def test_woocommerce_wrong_keys_are_a_clear_error(shop: Shop, woo_peer: Peer) -> None:
    stores.connect(shop, "woocommerce", woo_peer.url, None, actor=ADMIN)
    with pytest.raises(StoreError, match="refused the credentials"):
        _run(shop, "woocommerce", woo_catalog.client(WOO_KEY, "wrong", sleep=lambda _: None))


def test_a_store_priced_in_another_currency_than_the_shop_is_refused(shop: Shop, woo_peer: Peer) -> None:
    woo_peer.state.currency = "EUR"
    stores.connect(shop, "woocommerce", woo_peer.url, None, actor=ADMIN)
    with pytest.raises(StoreError, match="prices are in EUR but this shop's are in USD"):
        _run(shop, "woocommerce", woo_catalog.client(WOO_KEY, WOO_SECRET, sleep=lambda _: None))
    assert _counts(shop)[:2] == (0, 0)
