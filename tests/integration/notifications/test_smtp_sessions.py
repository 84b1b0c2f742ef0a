"""SMTP connections kept from batch to batch, checked before reuse; one event to many recipients over real SMTP."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from core.models import Order, SinkMessage
from core.shop import Shop
from notifications import smtp, wiring
from notifications.adapters import Outgoing
from notifications.preview import preview
from notifications.rendering import Rendered
from notifications.smtp import SmtpEmail
from tests import factories
from tests.integration.notifications.conftest import deliver, make_app, smtp_config
from tests.integration.notifications.peers import SmtpPeer


def _outgoing(outbox_id: int, recipient: str) -> Outgoing:
    rendered = Rendered("email", "Hello", "Hello there\n", None)
    return Outgoing(outbox_id, "email", recipient, rendered, message_id=f"<outbox-{outbox_id}@example.com>")


@pytest.fixture
def sender(shop: Shop, smtp_peer: SmtpPeer) -> Iterator[SmtpEmail]:
    app = make_app(shop, **smtp_config(smtp_peer))
    with app.app_context():
        email = wiring.build_senders(app, shop)["email"]
        assert isinstance(email, SmtpEmail)
        yield email
        email.close()


def test_batches_one_after_another_share_one_connection(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer
) -> None:
    for n in range(5):
        factories.place(shop, email=f"buyer{n}@example.com", sms_consent=False)
    stats = deliver(make_app(shop, **smtp_config(smtp_peer), NOTIFY_BATCH_SIZE=2))  # three batches

    assert stats.counts["sent"] == 5
    assert smtp_peer.handler.connections == 1


def test_a_connection_dropped_while_kept_is_replaced_before_sending(sender: SmtpEmail, smtp_peer: SmtpPeer) -> None:
    with sender.batch() as session:
        assert session.send(_outgoing(1, "ada@example.com")).ok
    [kept] = sender._idle
    assert kept.connection is not None
    assert kept.connection.host is not None
    kept.connection.host.sock.shutdown(socket.SHUT_RDWR)  # as if the server had hung up on an idle client

    with sender.batch() as session:
        delivery = session.send(_outgoing(2, "bob@example.com"))

    assert delivery.ok
    assert [m["To"] for m in smtp_peer.received] == ["ada@example.com", "bob@example.com"]
    assert smtp_peer.handler.connections == 2


def test_a_connection_kept_too_long_is_closed_not_reused(
    sender: SmtpEmail, smtp_peer: SmtpPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtp, "IDLE_SECONDS", 0.05)
    with sender.batch() as session:
        assert session.send(_outgoing(1, "ada@example.com")).ok
    time.sleep(0.1)
    with sender.batch() as session:
        assert session.send(_outgoing(2, "bob@example.com")).ok

    assert smtp_peer.handler.connections == 2


def test_drain_closes_the_connections_it_kept(shop: Shop, placed_order: Order, smtp_peer: SmtpPeer) -> None:
    app = make_app(shop, **smtp_config(smtp_peer))
    with app.app_context():
        dispatcher = wiring.build_dispatcher(app)
        dispatcher.drain()
        email = dispatcher.senders["email"]
        assert isinstance(email, SmtpEmail)
        assert email._idle == []
    assert len(smtp_peer.received) == 1


def _subscribe_fans(shop: Shop, order: Order, count: int) -> None:
    for n in range(count):
        factories.subscribe_confirmed(shop, order.id, "email", f"fan{n}@example.com")


def test_every_recipient_of_one_event_gets_their_own_link_and_ids(
    shop: Shop, placed_order: Order, smtp_peer: SmtpPeer
) -> None:
    _subscribe_fans(shop, placed_order, 30)
    deliver(make_app(shop, **smtp_config(smtp_peer)))  # the order confirmation (fans confirmed: no requests)
    factories.ship_all(shop, placed_order.id)
    stats = deliver(make_app(shop, **smtp_config(smtp_peer)))

    assert stats.counts["sent"] == 32  # the customer's email and SMS (to the sink), and 30 fans' emails in two lanes
    assert smtp_peer.handler.problems() == []  # each To matches its envelope, each body carries its own link
    shipped = [m for m in smtp_peer.received if m["X-Shiplog-Notification"] == "shipped"]
    assert len({m["List-Unsubscribe"] for m in shipped}) == len(shipped) == 31


def test_the_preview_is_the_email_the_customer_got(sink_app: Flask, shop: Shop, placed_order: Order) -> None:
    factories.ship_all(shop, placed_order.id)
    deliver(sink_app)
    with sink_app.app_context():
        shown = preview(shop, wiring.preparer_for_app(), placed_order.number, "shipped", "email")
    with shop.db.read() as session:
        [sent] = session.scalars(select(SinkMessage).where(SinkMessage.subject == shown.rendered.subject))

    def same(text: str | None, link: str) -> str:
        """The message apart from when its links were signed: each token carries the second
        it was made, and sending and previewing may fall in different seconds."""
        unsigned = (text or "").replace(link.strip("<>"), "<the unsubscribe link>")
        return re.sub(r"/orders/[A-Za-z0-9_.-]+", "/orders/<signed order token>", unsigned)

    sent_link, shown_link = sent.headers["List-Unsubscribe"], shown.headers["List-Unsubscribe"]
    assert same(sent.body_text, sent_link) == same(shown.rendered.text, shown_link)
    assert same(sent.body_html, sent_link) == same(shown.rendered.html, shown_link)
    assert shown_link.strip("<>") in shown.rendered.text
