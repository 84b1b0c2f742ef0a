"""Store tests: an app over ``shop`` (both backends) with webhook secrets and the stores' peers connected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from core.clock import utcnow
from core.integrations.signatures import SCHEMES
from core.models import Order, OutboxMessage, Product, Variant
from core.shop import Shop
from notifications import wiring
from notifications.dispatcher import Stats
from tests import factories
from tests.conftest import make_test_app
from tests.integration.stores.peers import (
    SHOPIFY_TOKEN,
    SHOPIFY_VERSION,
    WOO_KEY,
    WOO_SECRET,
    Peer,
    shopify_peer,
    woo_peer,
)

SECRETS = {"shopify": "shpss_test_secret", "woocommerce": "wc-secret-1234"}


@pytest.fixture
def shopify() -> Iterator[Peer]:
    with shopify_peer() as peer:
        yield peer


@pytest.fixture
def woo() -> Iterator[Peer]:
    with woo_peer() as peer:
        yield peer


@pytest.fixture
def store_app(shop: Shop, shopify: Peer, woo: Peer) -> Flask:
    return make_test_app(  # type: ignore[no-any-return]
        shop,
        SHOPIFY_WEBHOOK_SECRET=SECRETS["shopify"],
        WOOCOMMERCE_WEBHOOK_SECRET=SECRETS["woocommerce"],
        SHOPIFY_ADMIN_URL=shopify.url,
        SHOPIFY_ACCESS_TOKEN=SHOPIFY_TOKEN,
        SHOPIFY_API_VERSION=SHOPIFY_VERSION,
        WOOCOMMERCE_URL=woo.url,
        WOOCOMMERCE_CONSUMER_KEY=WOO_KEY,
        WOOCOMMERCE_CONSUMER_SECRET=WOO_SECRET,
        STORE_TIMEOUT_SECONDS=0.5,
    )


@pytest.fixture
def skus(shop: Shop) -> dict[str, int]:
    """The SKUs the stores' orders name (another feature loads a real catalogue; here the factories do)."""
    ids = factories.make_catalog(shop)
    with shop.db.write() as session:
        ipod = Product(handle="ipod-nano", name="IPod Nano - 8gb")
        session.add(ipod)
        session.flush()
        rows = [
            Variant(product_id=ipod.id, sku=f"IPOD2008{c}", title=c.lower(), price_minor=19900, on_hand=20)
            for c in ("GREEN", "RED", "BLACK")
        ]
        session.add_all(rows)
        session.flush()
        ids.update({v.sku: v.id for v in rows})
    return ids


def post(app: Flask, source: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    raw = json.dumps(body).encode()
    header, _, signer = SCHEMES[source]
    sent = {"Content-Type": "application/json", header: signer(SECRETS[source], raw), **headers}
    answer = app.test_client().post(f"/webhooks/{source}", data=raw, headers=sent)
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
