"""Stripe fixtures: the local Stripe peer, a shop whose gateway is the real SDK pointed at it, the web
app over that shop (API key, signed-in manager), and signed webhook deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.db import Database
from core.policies import PaymentPolicy
from core.services.access import create_api_key, create_staff_user
from core.shop import Shop
from core.stripe_gateway import StripeGateway
from tests.conftest import make_test_app
from tests.integration.payments.stripe_peer import API_KEY, StripePeer
from tests.integration.staff.conftest import PASSWORD, csrf_token

WEBHOOK_SECRET = "whsec_" + "test0123456789abcdef"


@pytest.fixture
def peer() -> Iterator[StripePeer]:
    with StripePeer() as running:
        yield running


@pytest.fixture
def capture_at() -> str:
    return "confirmation"


@pytest.fixture
def stripe_shop(database: Database, peer: StripePeer, capture_at: str) -> Shop:
    """The real SDK, short timeout and two retries, against the peer (SQLite and PostgreSQL)."""
    gateway = StripeGateway(API_KEY, api_base=peer.url, timeout=1.0, retries=2)
    return Shop(db=database, gateway=gateway, payment_policy=PaymentPolicy(capture_at=capture_at))


@pytest.fixture
def stripe_app(stripe_shop: Shop) -> Flask:
    return make_test_app(stripe_shop, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)


@pytest.fixture
def api(stripe_app: Flask, stripe_shop: Shop) -> Callable[..., TestResponse]:
    """``api("POST", "/orders", json=..., headers=...)`` with a write key."""
    key = create_api_key(stripe_shop, name="checkout", scope="write")[1]
    client = stripe_app.test_client()

    def send(method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        sent = {"Authorization": f"Bearer {key}", **(headers or {})}
        return client.open(f"/api/v1{path}", method=method, headers=sent, **kwargs)

    return send


@pytest.fixture
def manager(stripe_app: Flask, stripe_shop: Shop) -> FlaskClient:
    client = stripe_app.test_client()
    create_staff_user(stripe_shop, email="manager@example.com", password=PASSWORD, role="manager")
    data = {"email": "manager@example.com", "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/staff/login", data=data).status_code == 302
    return client


def signature(body: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """Stripe's scheme: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">."""
    stamp = at if at is not None else int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def event(kind: str, obj: dict[str, Any], event_id: str = "evt_1") -> bytes:
    body = {"id": event_id, "object": "event", "type": kind, "api_version": "2026-01-28", "created": 1, "livemode": False,
            "data": {"object": obj}}  # fmt: skip
    return json.dumps(body).encode()
