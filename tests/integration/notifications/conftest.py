"""Fixtures for the notification tests: real SMTP and Twilio peers, and apps wired to them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from core.models import Order
from core.shop import Shop
from notifications import wiring
from notifications.dispatcher import Stats
from tests import factories
from tests.integration.notifications.peers import (
    TWILIO_FROM,
    TWILIO_SID,
    TWILIO_TOKEN,
    SmtpPeer,
    TwilioPeer,
)

BASE_URL = "https://shop.example.com"


def make_app(shop: Shop, **overrides: Any) -> Flask:
    from wsgi import create_app

    config: dict[str, Any] = {
        "SHOP": shop,
        "DATABASE_URL": shop.db.url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "PUBLIC_BASE_URL": BASE_URL,
        "RATELIMIT_STORAGE_URI": "memory://",
        "NOTIFY_BACKOFF_BASE_SECONDS": 30.0,
    }
    return create_app(config | overrides)


def twilio_config(peer: TwilioPeer) -> dict[str, Any]:
    return {
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_API_BASE_URL": peer.url,
    }


def smtp_config(peer: SmtpPeer) -> dict[str, Any]:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": peer.port}


def deliver(app: Flask) -> Stats:
    """Run the dispatcher the way ``flask notifications work --once`` does."""
    with app.app_context():
        return wiring.build_dispatcher(app).drain()


@pytest.fixture
def smtp_peer() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest.fixture
def twilio_peer() -> Iterator[TwilioPeer]:
    with TwilioPeer() as peer:
        yield peer


@pytest.fixture
def sink_app(shop: Shop) -> Flask:
    """No SMTP server, no Twilio account (only the token that signs inbound webhooks): the embedded default."""
    return make_app(shop, TWILIO_AUTH_TOKEN=TWILIO_TOKEN)


@pytest.fixture
def wired_app(shop: Shop, smtp_peer: SmtpPeer, twilio_peer: TwilioPeer) -> Flask:
    return make_app(shop, **smtp_config(smtp_peer), **twilio_config(twilio_peer))


@pytest.fixture
def placed_order(shop: Shop, catalog: dict[str, int]) -> Order:
    """Ada's order, confirmed, with a phone number and SMS consent (a number Twilio accepts)."""
    return factories.place(shop, phone="+12025550143")
