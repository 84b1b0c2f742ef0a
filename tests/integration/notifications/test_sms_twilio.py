"""SMS through the real twilio SDK to a local Messages API that checks path, auth and form fields."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from core.models import Order, OutboxMessage, SmsOptOut
from core.services import subscriptions
from core.shop import Shop
from tests.integration.notifications.conftest import deliver, make_app, twilio_config
from tests.integration.notifications.peers import TWILIO_FROM, TwilioPeer


def sms_row(shop: Shop) -> OutboxMessage:
    with shop.db.read() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()


def test_sms_is_sent_with_status_callback(shop: Shop, placed_order: Order, twilio_peer: TwilioPeer) -> None:
    deliver(make_app(shop, **twilio_config(twilio_peer)))
    row = sms_row(shop)
    [sent] = twilio_peer.received

    assert twilio_peer.state.problems == []
    assert (sent["To"], sent["From"]) == ("+12025550143", TWILIO_FROM)
    assert sent["Body"].startswith("Shiplog Demo Store: order ")
    assert sent["Body"].endswith("STOP to opt out")
    assert len(sent["Body"]) <= 160
    callback = urlsplit(sent["StatusCallback"])
    assert (callback.scheme, callback.netloc, callback.path) == ("https", "shop.example.com", "/webhooks/twilio/status")
    assert parse_qs(callback.query) == {"outbox": [str(row.id)], "attempt": ["1"]}  # names this send
    assert (row.status, row.provider_message_id, row.provider_status) == ("sent", sent["sid"], "queued")


@pytest.mark.parametrize("mode", ["429", "500"])
def test_rate_limits_and_server_errors_are_retried(
    shop: Shop, placed_order: Order, twilio_peer: TwilioPeer, mode: str
) -> None:
    twilio_peer.state.mode = mode
    deliver(make_app(shop, **twilio_config(twilio_peer)))
    row = sms_row(shop)

    assert (row.status, row.attempts) == ("pending", 1)
    assert f"HTTP {mode}" in (row.last_error or "")


def test_unsubscribed_number_is_dead_at_once_and_recorded_as_opted_out(
    shop: Shop, placed_order: Order, twilio_peer: TwilioPeer
) -> None:
    twilio_peer.state.mode = "21610"
    deliver(make_app(shop, **twilio_config(twilio_peer)))
    row = sms_row(shop)

    assert (row.status, row.attempts) == ("dead", 1)
    assert "21610" in (row.last_error or "")
    with shop.db.read() as session:
        assert session.get_one(SmsOptOut, "+12025550143").opted_out


def test_invalid_number_is_dead_at_once(shop: Shop, placed_order: Order, twilio_peer: TwilioPeer) -> None:
    twilio_peer.state.mode = "21211"
    deliver(make_app(shop, **twilio_config(twilio_peer)))

    assert (sms_row(shop).status, sms_row(shop).attempts) == ("dead", 1)


def test_stop_after_planning_still_blocks_the_send(shop: Shop, placed_order: Order, twilio_peer: TwilioPeer) -> None:
    subscriptions.set_sms_opt_out(shop, "+12025550143", opted_out=True)  # after the row was planned
    deliver(make_app(shop, **twilio_config(twilio_peer)))

    assert twilio_peer.received == []
    assert sms_row(shop).status == "skipped"
