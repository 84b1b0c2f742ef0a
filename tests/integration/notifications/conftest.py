"""Fixtures for the notification tests: real SMTP and Twilio peers, and apps wired to them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from core.models import Order, OutboxMessage
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


def report(app: Flask, status_callback: str, sid: str, status: str = "sent") -> int:
    """Twilio's signed status callback to the URL a send gave it; returns the HTTP status."""
    parts = urlsplit(status_callback)
    form = {"MessageSid": sid, "MessageStatus": status}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(status_callback, form)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    return app.test_client().post(path, data=form, headers={"X-Twilio-Signature": signature}).status_code


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


def crowd(shop: Shop, order: Order, emails: int, texts: int) -> None:
    """More recipients of the order's confirmation, interleaved so every batch holds both channels.

    Outbox rows written directly: these tests are about delivery, not about who is planned to hear."""
    with shop.db.write() as session:
        planned = {row.channel: row for row in session.scalars(select(OutboxMessage))}
        email, sms = planned["email"], planned["sms"]
        rows = []
        for n in range(max(emails, texts)):
            rows += [(email, f"fan{n}@example.com")] if n < emails else []
            rows += [(sms, f"+1202{3000000 + n:07d}")] if n < texts else []
        session.add_all(
            OutboxMessage(
                event_id=row.event_id,
                order_id=row.order_id,
                channel=row.channel,
                level=row.level,
                recipient=recipient,
                template=row.template,
                status="pending",
                attempts=0,
                next_attempt_at=row.next_attempt_at,
                created_at=row.created_at,
            )
            for row, recipient in rows
        )
