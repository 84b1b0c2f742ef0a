"""Webhook fixtures: an app with known secrets, a catalogue with the fixture SKUs, signed posts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.integrations.signatures import SCHEMES
from core.models import Product, Variant
from core.shop import Shop
from tests import factories
from tests.conftest import make_test_app
from tests.shared_fixtures import FIXTURES

SECRETS = {
    "shopify": "shpss_test_secret",
    "woocommerce": "wc-secret-1234",
    "easypost": "ep-secret-ü",  # non-ASCII: EasyPost normalises the secret to NFKD
    "aftership": "as-secret-5678",
}
PATHS = {source: f"/webhooks/{source}" for source in SECRETS}


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def wh_app(app_shop: Shop) -> Flask:
    return make_test_app(  # type: ignore[no-any-return]
        app_shop, **{f"{source.upper()}_WEBHOOK_SECRET": secret for source, secret in SECRETS.items()}
    )


@pytest.fixture
def wh_client(wh_app: Flask) -> FlaskClient:
    return wh_app.test_client()


@pytest.fixture
def store_catalog(app_shop: Shop) -> dict[str, int]:
    """The demo catalogue plus the SKUs in Shopify's SDK fixture order."""
    ids = factories.make_catalog(app_shop)
    with app_shop.db.write() as session:
        ipod = Product(handle="ipod-nano", name="IPod Nano - 8gb")
        session.add(ipod)
        session.flush()
        rows = [
            Variant(product_id=ipod.id, sku=f"IPOD2008{colour}", title=colour.lower(), price_minor=19900, on_hand=20)
            for colour in ("GREEN", "RED", "BLACK")
        ]
        session.add_all(rows)
        session.flush()
        ids.update({v.sku: v.id for v in rows})
    return ids


Post = Callable[..., TestResponse]


def send_signed(
    client: FlaskClient, source: str, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None,
    *, sign: str = "right",
) -> TestResponse:  # fmt: skip
    """Sign ``body`` for ``source`` as the platform does (or not, or wrongly) and post it with ``headers``."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    header, _, signer = SCHEMES[source]
    sent = {"Content-Type": "application/json", **(headers or {})}
    if sign == "right":
        sent[header] = signer(SECRETS[source], raw)
    elif sign == "wrong":
        sent[header] = signer("not-the-secret", raw)
    return client.post(PATHS[source], data=raw, headers=sent)


@pytest.fixture
def post(wh_client: FlaskClient) -> Post:
    """Sign ``body`` for ``source`` (or not, or wrongly) and post it with ``headers``."""

    def send(
        source: str, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None, *, sign: str = "right"
    ) -> TestResponse:
        return send_signed(wh_client, source, body, headers, sign=sign)

    return send
