"""Store tests: an app over ``shop`` (both backends) with webhook secrets and the stores' peers connected."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from core.clock import utcnow
from core.events.fact import Actor
from core.models import Order, OutboxMessage, Refund
from core.services import refunds
from core.services import store_connections as stores
from core.shop import Shop
from notifications import wiring
from notifications.dispatcher import Stats
from tests import factories
from tests.conftest import make_test_app
from tests.integration.stores import payloads
from tests.integration.stores.money_peers import (
    SHOPIFY_TOKEN,
    SHOPIFY_VERSION,
    WOO_KEY,
    WOO_SECRET,
    Peer,
    self_signed,
    shopify_peer,
    woo_peer,
)
from tests.integration.webhooks.conftest import SECRETS, send_signed

CONNECTOR = Actor("integration", "test")


@pytest.fixture
def shopify() -> Iterator[Peer]:
    with shopify_peer() as peer:
        yield peer


@pytest.fixture(scope="session")
def peer_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ssl.SSLContext]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def woo(peer_certificate: tuple[Path, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch) -> Iterator[Peer]:
    """The WooCommerce peer over HTTPS; the client trusts its certificate as it would a real site's CA."""
    cert, context = peer_certificate
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    with woo_peer(context) as peer:
        yield peer


def connect_peers(shop: Shop, shopify: Peer, woo: Peer) -> None:
    """Both stores connected as ``stores connect`` does: their addresses (the peers) stored, nothing else."""
    stores.connect(shop, "shopify", shopify.url, SHOPIFY_VERSION, actor=CONNECTOR)
    stores.connect(shop, "woocommerce", woo.url, None, actor=CONNECTOR)


@pytest.fixture
def store_app(shop: Shop, shopify: Peer, woo: Peer) -> Flask:
    """The stores connected (``stores connect``), their credentials in the configuration: the one source of
    every store call."""
    connect_peers(shop, shopify, woo)
    return make_test_app(  # type: ignore[no-any-return]
        shop,
        SHOPIFY_WEBHOOK_SECRET=SECRETS["shopify"],
        WOOCOMMERCE_WEBHOOK_SECRET=SECRETS["woocommerce"],
        SHOPIFY_ACCESS_TOKEN=SHOPIFY_TOKEN,
        WOOCOMMERCE_CONSUMER_KEY=WOO_KEY,
        WOOCOMMERCE_CONSUMER_SECRET=WOO_SECRET,
        STORE_TIMEOUT_SECONDS=0.5,
        STORE_HTTP_OPTIONS={"sleep": lambda _: None, "timeout": 0.5},
    )


@pytest.fixture
def skus(shop: Shop) -> dict[str, int]:
    """The SKUs the stores' orders name (another feature loads a real catalogue; here the factories do)."""
    return factories.make_catalog(shop)


def post(app: Flask, source: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """A signed webhook delivery, answered 200 (the outcome is in the answer's ``status``)."""
    answer = send_signed(app.test_client(), source, body, headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()  # type: ignore[no-any-return]


def deliver(app: Flask) -> Stats:
    """The worker's run (``flask notifications work --once``): messages and store calls alike."""
    with app.app_context():
        return wiring.build_dispatcher(app).drain()


def store_rows(shop: Shop) -> list[OutboxMessage]:
    with shop.db.read() as session:
        return list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "store").order_by(OutboxMessage.id))
        )


def due_now(shop: Shop) -> None:
    """The retry's backoff has passed."""
    with shop.db.write() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.status == "pending").values(next_attempt_at=utcnow()))


def crashed_before_recording(shop: Shop, row_id: int) -> None:
    """A worker that called the store and died before writing down the answer: the lease runs out."""
    with shop.db.write() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id).values(status="pending", next_attempt_at=utcnow())
        )


def the_order(shop: Shop, channel: str) -> Order:
    with shop.db.read() as session:
        order = session.scalars(select(Order).where(Order.channel == channel)).one()
        _ = order.lines, order.payments
        return order


@pytest.fixture
def shopify_placed(shop: Shop, skus: dict[str, int], store_app: Flask) -> Order:
    """Shopify's #1042 (``payloads.shopify_order``), received by its signed ``orders/create``."""
    post(store_app, "shopify", payloads.shopify_order(), payloads.shopify_headers("orders/create", "placed"))
    return the_order(shop, "shopify")


@pytest.fixture
def woo_placed(shop: Shop, skus: dict[str, int], store_app: Flask) -> Order:
    """WooCommerce's order 727 (``payloads.woo_order``), received by its signed ``order.created``."""
    post(store_app, "woocommerce", payloads.woo_order(), payloads.woo_headers("order.created", "placed"))
    return the_order(shop, "woocommerce")


def refund_here(shop: Shop, order: Order, amount_minor: int, reason: str = "goodwill") -> Refund:
    """A manager refunds part of ``order`` in Shiplog."""
    return refunds.refund_order(shop, order.id, amount_minor=amount_minor, reason=reason, actor=factories.MANAGER)
