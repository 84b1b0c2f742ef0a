"""Shopify ``inventory_levels/update`` for a shop with several locations: the webhook names one location's
level, and the variant's on hand becomes the item's ``available`` summed over every location, read again
from the Admin API (every page) of the connected store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.events.fact import Actor
from core.integrations.signatures import SCHEMES
from core.models import Event, Variant
from core.services import store_connections as stores
from core.shop import Shop
from tests.conftest import make_test_app
from tests.integration.stores.peers import SHOPIFY_TOKEN, VERSION, Peer, PeerState

SECRET = "shpss_locations"
ITEM = 457924702  # the inventory item of ET-S


@pytest.fixture
def peer() -> Iterator[Peer]:
    with Peer("shopify", PeerState([], levels={str(ITEM): [(1, 5), (2, 7)]})) as found:
        yield found


@pytest.fixture
def app(shop: Shop, peer: Peer) -> Flask:
    stores.connect(shop, "shopify", peer.url, VERSION, actor=Actor("integration", "test"))
    return make_test_app(  # type: ignore[no-any-return]
        shop, SHOPIFY_WEBHOOK_SECRET=SECRET, SHOPIFY_ACCESS_TOKEN=SHOPIFY_TOKEN,
        STORE_HTTP_OPTIONS={"sleep": lambda _: None, "timeout": 0.5},
    )  # fmt: skip


def _send(app: Flask, peer: Peer, topic: str, event: str, body: dict[str, Any]) -> str:
    raw = json.dumps(body).encode()
    header, _, signer = SCHEMES["shopify"]
    headers = {"Content-Type": "application/json", header: signer(SECRET, raw), "X-Shopify-Topic": topic,
               "X-Shopify-Event-Id": event, "X-Shopify-Shop-Domain": peer.url}  # fmt: skip
    answer = app.test_client().post("/webhooks/shopify", data=raw, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return str(answer.get_json()["status"])


def _tee(app: Flask, peer: Peer) -> None:
    variant = {"id": 642667041472713922, "sku": "ET-S", "price": "19.99", "option1": "Small",
               "inventory_item_id": ITEM, "inventory_quantity": 12}  # fmt: skip
    body = {"id": 788032119674292922, "title": "Example T-Shirt", "handle": "example-t-shirt", "status": "active",
            "options": [{"name": "Size"}], "variants": [variant]}  # fmt: skip
    assert _send(app, peer, "products/create", "p-1", body) == "processed"


def _level(location: int, available: int, at: str = "2026-12-05T10:00:00Z") -> dict[str, Any]:
    return {"inventory_item_id": ITEM, "location_id": location, "available": available, "updated_at": at}


def _on_hand(shop: Shop) -> int:
    with shop.db.read() as session:
        return session.scalars(select(Variant.on_hand).where(Variant.sku == "ET-S")).one()


def _stock_sets(shop: Shop) -> list[tuple[int, int]]:
    with shop.db.read() as session:
        rows = session.scalars(select(Event).where(Event.type == "stock.set").order_by(Event.id))
        return [(e.payload["before"], e.payload["after"]) for e in rows]


def test_the_stock_is_the_sum_over_both_locations_whichever_one_changed(shop: Shop, app: Flask, peer: Peer) -> None:
    _tee(app, peer)
    peer.state.levels[str(ITEM)] = [(1, 3), (2, 7)]  # the warehouse sold two

    assert _send(app, peer, "inventory_levels/update", "l-1", _level(1, 3)) == "processed"
    assert _on_hand(shop) == 10  # 3 + 7, not location 1's 3

    peer.state.levels[str(ITEM)] = [(1, 3), (2, 1)]  # the shop floor sold six
    assert _send(app, peer, "inventory_levels/update", "l-2", _level(2, 1, "2026-12-05T10:05:00Z")) == "processed"
    assert _on_hand(shop) == 4

    assert _stock_sets(shop)[-2:] == [(12, 10), (10, 4)]
    asked = [r.body for r in peer.state.requests if r.body and "inventoryItem" in r.body["query"]]
    assert [b["variables"]["id"] for b in asked] == [f"gid://shopify/InventoryItem/{ITEM}"] * 2
    assert all(r.headers["X-Shopify-Access-Token"] == SHOPIFY_TOKEN for r in peer.state.requests)
    assert peer.state.problems == []


def test_every_page_of_levels_is_read_and_an_oversold_location_counts_against_the_others(
    shop: Shop, app: Flask, peer: Peer
) -> None:
    _tee(app, peer)
    peer.state.levels[str(ITEM)] = [(1, 4), (2, 6), (3, -2)]  # three locations: two pages of two

    _send(app, peer, "inventory_levels/update", "l-1", _level(3, -2))

    assert _on_hand(shop) == 8
    afters = [
        r.body["variables"]["after"] for r in peer.state.requests if r.body and "inventoryItem" in r.body["query"]
    ]
    assert afters == [None, "cursor-2"]


def test_an_item_not_sold_here_is_ignored_without_asking_shopify(shop: Shop, app: Flask, peer: Peer) -> None:
    level = _level(1, 9) | {"inventory_item_id": 999}

    assert _send(app, peer, "inventory_levels/update", "l-9", level) == "ignored"

    assert peer.state.requests == []


def test_an_older_update_for_a_location_is_ignored(shop: Shop, app: Flask, peer: Peer) -> None:
    _tee(app, peer)
    _send(app, peer, "inventory_levels/update", "l-2", _level(1, 5, "2026-12-05T12:00:00Z"))

    peer.state.levels[str(ITEM)] = [(1, 50), (2, 7)]
    assert _send(app, peer, "inventory_levels/update", "l-1", _level(1, 50, "2026-12-05T11:00:00Z")) == "ignored"
    assert _on_hand(shop) == 12


def test_a_shopify_that_keeps_failing_fails_the_delivery_for_a_retry(shop: Shop, app: Flask, peer: Peer) -> None:
    _tee(app, peer)
    peer.state.faults += ["500"] * 5

    assert _send(app, peer, "inventory_levels/update", "l-1", _level(1, 3)) == "failed"
    assert _on_hand(shop) == 12
