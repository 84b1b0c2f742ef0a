"""Twilio status callbacks and inbound SMS: signatures, ordering, STOP / START."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from core.db import Database
from core.models import Order, OutboxMessage, SinkMessage, SmsOptOut, Subscription
from core.payments import FakeGateway
from core.services import subscriptions
from core.shop import Shop
from tests import factories
from tests.integration.notifications.conftest import BASE_URL, deliver, make_app, twilio_config
from tests.integration.notifications.peers import TWILIO_TOKEN, TwilioPeer

STATUS = "/webhooks/twilio/status"

# The signature checks and keyword handling do not depend on the database: SQLite only.


@pytest.fixture
def shop(sqlite_database: Database) -> Shop:
    return Shop(db=sqlite_database, gateway=FakeGateway())


INBOUND = "/webhooks/twilio/sms"


def signed_post(client: FlaskClient, path: str, form: dict[str, str], *, sign_url: str | None = None) -> Any:
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(sign_url or BASE_URL + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


@pytest.fixture
def sent_sms(shop: Shop, placed_order: Order, twilio_peer: TwilioPeer) -> tuple[Flask, OutboxMessage]:
    app = make_app(shop, **twilio_config(twilio_peer))
    deliver(app)
    with shop.db.read() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).one()
    return app, row


def provider_status(shop: Shop, row_id: int) -> str | None:
    with shop.db.read() as session:
        return session.get_one(OutboxMessage, row_id).provider_status


def test_status_moves_forward_only(shop: Shop, sent_sms: tuple[Flask, OutboxMessage]) -> None:
    app, row = sent_sms
    client = app.test_client()
    path = f"{STATUS}?outbox={row.id}"
    seen = []
    for status in ("sent", "delivered", "sent", "delivered", "queued"):  # out of order and repeated
        form = {"MessageSid": row.provider_message_id or "", "MessageStatus": status, "AccountSid": "AC1"}
        response = signed_post(client, path, form, sign_url=BASE_URL + path)
        assert response.status_code == 204
        seen.append(provider_status(shop, row.id))
    assert seen == ["sent", "delivered", "delivered", "delivered", "delivered"]


MUTATIONS = {
    "no signature": lambda form, headers, url: (form, {}, url),
    "wrong signature": lambda form, headers, url: (
        form,
        {"X-Twilio-Signature": "AAAA" + headers["X-Twilio-Signature"][4:]},
        url,
    ),
    "changed field": lambda form, headers, url: (form | {"MessageStatus": "failed", "Body": "START"}, headers, url),
    "extra field": lambda form, headers, url: (form | {"Injected": "1"}, headers, url),
    "other query": lambda form, headers, url: (form, headers, url + ("&" if "?" in url else "?") + "outbox=1"),
    "signed for http": lambda form, headers, url: (form, headers, url),
}


@pytest.mark.parametrize("path", [STATUS, INBOUND])
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutated_requests_are_refused_and_write_nothing(
    shop: Shop, sent_sms: tuple[Flask, OutboxMessage], path: str, mutation: str
) -> None:
    app, row = sent_sms
    url = f"{path}?outbox={row.id}" if path == STATUS else path
    form = {
        "MessageSid": row.provider_message_id or "",
        "MessageStatus": "delivered",
        "From": "+12025550143",
        "Body": "STOP",
    }
    signed_for = ("http://shop.example.com" if mutation == "signed for http" else BASE_URL) + url
    headers = {"X-Twilio-Signature": RequestValidator(TWILIO_TOKEN).compute_signature(signed_for, form)}
    form, headers, url = MUTATIONS[mutation](form, headers, url)

    response = app.test_client().post(url, data=form, headers=headers)

    assert response.status_code == 403
    assert provider_status(shop, row.id) == "queued"
    with shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(SmsOptOut)) == 0


@pytest.mark.parametrize(
    "word", ["STOP", "stop", " Unsubscribe ", "end", "QUIT", "StopAll", "revoke", "OPTOUT", "cancel", "stop."]
)
def test_stop_words_opt_out(shop: Shop, sink_app: Flask, word: str) -> None:
    response = signed_post(sink_app.test_client(), INBOUND, {"From": "+1 (202) 555-0143", "Body": word})
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    with shop.db.read() as session:
        assert session.get_one(SmsOptOut, "+12025550143").opted_out


def test_start_opts_back_in_and_chatter_changes_nothing(shop: Shop, sink_app: Flask) -> None:
    client = sink_app.test_client()
    for body, expected in (("STOP", True), ("thanks!", True), ("unstop", False), ("STOP", True), ("Start", False)):
        signed_post(client, INBOUND, {"From": "+12025550143", "Body": body})
        with shop.db.read() as session:
            assert session.get_one(SmsOptOut, "+12025550143").opted_out is expected, body


def test_after_stop_no_sms_leaves(shop: Shop, catalog: dict[str, int], twilio_peer: TwilioPeer) -> None:
    app = make_app(shop, **twilio_config(twilio_peer))
    signed_post(app.test_client(), INBOUND, {"From": "+12025550143", "Body": "STOP"})
    order = factories.place(shop, phone="+12025550143")
    factories.ship_all(shop, order.id)
    deliver(app)

    assert twilio_peer.received == []
    with shop.db.read() as session:
        channels = set(session.scalars(select(OutboxMessage.channel)))
    assert channels == {"email"}


def _ask(shop: Shop, order: Order, phone: str) -> None:
    subscriptions.subscribe(
        shop, order.id, channel="sms", address=phone, scope="all", consent_text="I agree", consent_source="test"
    )


def _confirmed(shop: Shop, phone: str) -> list[tuple[str | None, str | None]]:
    with shop.db.read() as session:
        found = session.scalars(select(Subscription).where(Subscription.address == phone).order_by(Subscription.id))
        return [(s.confirmed_via, s.confirmed_source) for s in found]


def test_a_reply_of_the_code_or_yes_confirms_the_request_it_answers(
    shop: Shop, sink_app: Flask, catalog: dict[str, int]
) -> None:
    phone = "+14155552671"
    _ask(shop, factories.place(shop), phone)
    deliver(sink_app)
    with shop.db.read() as session:
        [request] = session.scalars(select(SinkMessage).where(SinkMessage.recipient == phone))
    code = re.search(r"Reply YES or (\d{6}) ", request.body_text).group(1)  # type: ignore[union-attr]
    client = sink_app.test_client()

    stranger = signed_post(client, INBOUND, {"From": "+14155550000", "Body": "YES"})
    wrong = signed_post(client, INBOUND, {"From": phone, "Body": "000000" if code != "000000" else "111111"})
    assert b"<Message>" not in stranger.data + wrong.data
    assert _confirmed(shop, phone) == [(None, None)]
    done = signed_post(client, INBOUND, {"From": "+1 (415) 555-2671", "Body": f" {code} ", "MessageSid": "SM42"})
    assert done.status_code == 200
    assert b"<Message>" in done.data
    assert b"confirmed" in done.data
    assert _confirmed(shop, phone) == [("sms", f"SMS reply '{code}' from {phone} (SM42)")]

    _ask(shop, factories.place(shop, email="grace@example.com"), phone)
    signed_post(client, INBOUND, {"From": phone, "Body": "yes"})
    assert [via for via, _ in _confirmed(shop, phone)] == ["sms", "sms"]
    assert b"<Message>" not in signed_post(client, INBOUND, {"From": phone, "Body": "YES"}).data  # nothing left
