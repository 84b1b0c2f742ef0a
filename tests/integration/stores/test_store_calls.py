"""WooCommerce refunds (no idempotency key: a reference in meta, looked up before a retry), cancellations
made in the store from Shiplog, and refunds the stores report deduplicated against Shiplog's own."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from sqlalchemy import select

from core import replay
from core.models import Order, Refund
from core.services import refunds
from core.services import store_connections as stores
from core.shop import Shop
from tests import factories
from tests.conftest import make_test_app
from tests.integration.stores import payloads
from tests.integration.stores.conftest import (
    CONNECTOR,
    deliver,
    due_now,
    post,
    refund_here,
    store_rows,
    the_order,
)
from tests.integration.stores.money_peers import SHOPIFY_VERSION, Peer, shopify_peer
from tests.integration.webhooks.conftest import SECRETS


def _refunds(shop: Shop) -> list[Refund]:
    with shop.db.read() as session:
        return list(session.scalars(select(Refund).order_by(Refund.id)))


def _consistent(shop: Shop) -> None:
    with shop.db.read() as session:
        assert replay.differences(session) == []


def test_a_woocommerce_refund_that_timed_out_is_found_not_made_twice(
    shop: Shop, woo_placed: Order, store_app: Flask, woo: Peer
) -> None:
    made = refund_here(shop, woo_placed, 1250, "one tee short")
    woo.state.stall_next, woo.state.stall_seconds = 1, 1.0  # WooCommerce makes it, but answers too late

    deliver(store_app)
    assert (store_rows(shop)[0].status, _refunds(shop)[0].status) == ("pending", "pending")
    time.sleep(1.0)  # meanwhile WooCommerce finished making it
    due_now(shop)
    deliver(store_app)

    assert len(woo.state.made) == 1  # the retry looked first (GET .../refunds) and found it
    [posted] = [r for r in woo.state.requests if r["method"] == "POST"]
    assert posted["path"] == "/wp-json/wc/v3/orders/727/refunds"
    assert posted["body"]["amount"] == "12.50"
    assert posted["body"]["api_refund"] is True
    assert posted["body"]["meta_data"] == [{"key": "_shiplog_reference", "value": made.reference}]
    assert [r["method"] for r in woo.state.requests] == ["POST", "GET"]
    assert (_refunds(shop)[0].status, _refunds(shop)[0].store_ref) == ("succeeded", "900")
    assert woo.state.problems == []
    _consistent(shop)


def test_a_woocommerce_refusal_is_a_failed_refund(shop: Shop, woo_placed: Order, store_app: Flask, woo: Peer) -> None:
    refund_here(shop, woo_placed, 100)
    woo.state.refuse = True

    deliver(store_app)

    [refund] = _refunds(shop)
    assert refund.status == "failed"
    assert "Invalid refund amount." in (refund.failure or "")


def test_a_shopify_order_cancelled_here_is_cancelled_in_shopify_with_its_refund(
    shop: Shop, shopify_placed: Order, store_app: Flask, shopify: Peer
) -> None:
    refunds.cancel_order(shop, shopify_placed.id, reason="customer asked", actor=factories.MANAGER)
    [pending] = _refunds(shop)
    assert (pending.status, pending.amount_minor) == ("pending", 7288)
    shopify.state.fail_next = 1

    deliver(store_app)
    due_now(shop)
    deliver(store_app)

    [cancel] = [r for r in shopify.state.requests if "orderCancel" in r["query"]]
    assert cancel["variables"]["orderId"] == "gid://shopify/Order/5600000001042"
    assert (cancel["variables"]["refund"], cancel["variables"]["restock"]) == (True, True)
    assert [row.template for row in store_rows(shop)] == ["cancel"]  # the cancellation's refund rides with it
    assert _refunds(shop)[0].status == "succeeded"

    # Shopify's own webhooks follow: the cancellation and the refund its job made are not counted again.
    cancelled = payloads.shopify_order(cancelled_at="2026-12-02T09:00:00Z", updated_at="2026-12-02T09:00:01Z")
    cancelled["refunds"] = [payloads.shopify_refund(700, "72.88")]
    assert (
        post(store_app, "shopify", cancelled, payloads.shopify_headers("orders/cancelled", "k2"))["status"] == "ignored"
    )
    assert len(_refunds(shop)) == 1
    assert len(store_rows(shop)) == 1  # nothing asked of Shopify again
    _consistent(shop)


def test_refunds_made_in_shopify_are_recorded_once_and_ours_are_not_counted_twice(
    shop: Shop, shopify_placed: Order, store_app: Flask, shopify: Peer
) -> None:
    ours = refund_here(shop, shopify_placed, 1000, "scratch")
    deliver(store_app)

    echo = payloads.shopify_refund(800, "10.00", note=f"scratch [{ours.reference}]")
    assert post(store_app, "shopify", echo, payloads.shopify_headers("refunds/create", "d2"))["status"] == "ignored"
    theirs = payloads.shopify_refund(555, "3.00", note="refunded at the counter")
    assert post(store_app, "shopify", theirs, payloads.shopify_headers("refunds/create", "d3"))["status"] == "processed"
    assert post(store_app, "shopify", theirs, payloads.shopify_headers("refunds/create", "d4"))["status"] == "ignored"

    made = _refunds(shop)
    assert [(r.amount_minor, r.status, r.store_ref) for r in made] == [
        (1000, "succeeded", "gid://shopify/Refund/800"),
        (300, "succeeded", "555"),
    ]
    assert len(store_rows(shop)) == 1  # the store's own refund is never sent back to it
    assert the_order(shop, "shopify").payments[0].refunded_minor == 1300
    _consistent(shop)


def test_a_refund_made_in_woocommerce_arrives_with_order_updated(
    shop: Shop, woo_placed: Order, store_app: Flask
) -> None:
    updated = payloads.woo_order(
        date_modified_gmt="2026-12-02T10:00:00", refunds=[{"id": 41, "reason": "", "total": "-5.00"}]
    )

    assert post(store_app, "woocommerce", updated, payloads.woo_headers("order.updated", "u2"))["status"] == "processed"
    assert [(r.amount_minor, r.store_ref) for r in _refunds(shop)] == [(500, "41")]


def test_a_woocommerce_order_cancelled_here_is_refunded_and_cancelled_in_woocommerce(
    shop: Shop, woo_placed: Order, store_app: Flask, woo: Peer
) -> None:
    refunds.cancel_order(shop, woo_placed.id, reason="out of stock", actor=factories.MANAGER)

    deliver(store_app)

    assert [(r["method"], r["path"]) for r in woo.state.requests] == [
        ("POST", "/wp-json/wc/v3/orders/727/refunds"),
        ("PUT", "/wp-json/wc/v3/orders/727"),
    ]
    assert woo.state.requests[0]["body"]["amount"] == "78.19"
    assert woo.state.requests[1]["body"] == {"status": "cancelled"}
    assert [(r.status, r.store_ref) for r in _refunds(shop)] == [("succeeded", "900")]
    assert woo.state.problems == []
    _consistent(shop)


def test_a_call_to_a_store_that_is_not_connected_stops_saying_so(
    shop: Shop, skus: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOPIFY_ACCESS_TOKEN", raising=False)
    app = make_test_app(shop, SHOPIFY_WEBHOOK_SECRET=SECRETS["shopify"])  # no connection, no Admin API credentials
    post(app, "shopify", payloads.shopify_order(), payloads.shopify_headers("orders/create", "n1"))
    made = refund_here(shop, the_order(shop, "shopify"), 500)

    deliver(app)

    [row] = store_rows(shop)
    assert (row.status, row.last_error) == (
        "dead", "No shopify store is connected: run `flask --app wsgi stores connect shopify`."
    )  # fmt: skip
    assert _refunds(shop)[0].id == made.id
    assert _refunds(shop)[0].status == "pending"  # nothing was refunded: it waits for staff to connect and retry


def test_a_store_connected_without_its_token_in_the_environment_names_the_variable(
    shop: Shop, skus: dict[str, int], shopify: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOPIFY_ACCESS_TOKEN", raising=False)
    stores.connect(shop, "shopify", shopify.url, SHOPIFY_VERSION, actor=CONNECTOR)
    app = make_test_app(shop, SHOPIFY_WEBHOOK_SECRET=SECRETS["shopify"])
    post(app, "shopify", payloads.shopify_order(), payloads.shopify_headers("orders/create", "n2"))
    refund_here(shop, the_order(shop, "shopify"), 500)

    deliver(app)

    [row] = store_rows(shop)
    assert row.status == "dead"
    assert row.last_error.startswith("SHOPIFY_ACCESS_TOKEN is not set in the environment")
    assert shopify.state.requests == []


def test_the_refund_reaches_the_address_stored_by_stores_connect(
    shop: Shop, store_app: Flask, shopify_placed: Order, shopify: Peer
) -> None:
    """One source: moving the store with ``stores connect`` moves where a running worker sends its calls."""
    refund_here(shop, shopify_placed, 500)
    with shopify_peer() as moved:
        stores.connect(shop, "shopify", moved.url, SHOPIFY_VERSION, actor=CONNECTOR)
        deliver(store_app)
        assert ["refundCreate" in r["query"] for r in moved.state.requests] == [False, True]
        assert moved.state.problems == []
    assert shopify.state.requests == []
    assert [r.status for r in _refunds(shop)] == ["succeeded"]
