"""The daily low-stock digest: recorded once a shop day with one outbox row per active member of staff,
delivered by the notification dispatcher through the configured email adapter (an aiosmtpd peer here, the
staff mailbox without one) with its retries and dead letters; nothing at all when nothing is low. A run
repeated, a worker that died and a refused recipient never make a second copy; an outbound webhook
subscribed to the digest hears it, signed."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from email.message import Message

import pytest
from flask import Flask
from sqlalchemy import select, update

from core.clock import utcnow
from core.domain.commands import LineInput
from core.events.fact import Actor
from core.models import Event, OutboxMessage, SinkMessage, StaffUser
from core.services import inventory
from core.services import webhooks as endpoints
from core.services.access import create_staff_user
from core.shop import Shop
from notifications import deadletters, webhook_deliveries, wiring
from tests import factories
from tests.integration.notifications.conftest import deliver, make_app, smtp_config
from tests.integration.notifications.peers import SmtpHandler, SmtpPeer
from tests.integration.notifications.test_outbound_webhooks import _signed_in, verify
from tests.integration.notifications.webhook_peer import WebhookPeer

DAY = date(2026, 12, 5)
MANAGER = Actor("staff", "manager@example.com", role="manager")


class Crash(Exception):
    """The worker dies at a checkpoint (in process: what it had written stays, what it had not is lost)."""


def _staff(shop: Shop) -> None:
    create_staff_user(shop, email="manager@example.com", password="correct horse battery", role="manager")
    create_staff_user(shop, email="picker@example.com", password="correct horse battery", role="staff")


def _low_catalogue(shop: Shop) -> None:
    factories.make_catalog(shop, on_hand=6, reorder_point=5)
    factories.place(shop, lines=[LineInput("MUG-1", 2), LineInput("TEE-S", 1)])  # 4 and 5 left: both low


def _digest_rows(shop: Shop) -> list[OutboxMessage]:
    with shop.db.read() as session:
        query = select(OutboxMessage).where(OutboxMessage.template == "stock_digest").order_by(OutboxMessage.id)
        return list(session.scalars(query))


def _digests(peer: SmtpPeer) -> list[Message]:
    """What the peer received of the digest (the order placed to make stock low has its own emails)."""
    return [m for m in peer.received if m["X-Shiplog-Notification"] == "stock_digest"]


def _lease_ran_out(shop: Shop) -> None:
    """The dead worker's lease ends (instead of waiting for it), and any backoff has passed."""
    with shop.db.write() as session:
        session.execute(update(OutboxMessage).values(locked_until=utcnow(), next_attempt_at=utcnow()))


def test_the_digest_lists_each_low_sku_and_reaches_every_member_of_staff_once_a_day(
    shop: Shop, smtp_peer: SmtpPeer
) -> None:
    _staff(shop)
    _low_catalogue(shop)
    app = make_app(shop, **smtp_config(smtp_peer), SHOP_NAME="Tidewater Goods")
    first = inventory.record_stock_digest(shop, day=DAY)
    assert (first.outcome, first.skus, first.emails) == ("queued", 2, 2)
    rows = _digest_rows(shop)
    assert [(r.recipient, r.order_id, r.level, r.channel, r.status) for r in rows] == [
        ("manager@example.com", None, "staff", "email", "pending"),
        ("picker@example.com", None, "staff", "email", "pending"),
    ]
    with shop.db.read() as session:
        sent = session.scalars(select(Event).where(Event.type == "stock.digest_sent")).one()
    assert {r.event_id for r in rows} == {sent.id}  # written with the event, in its transaction
    assert (sent.payload["skus"], sent.payload["recipients"]) == (["MUG-1", "TEE-S"], 2)
    assert smtp_peer.received == []  # the dispatcher sends it
    deliver(app)
    received = _digests(smtp_peer)
    assert sorted(str(m["To"]) for m in received) == ["manager@example.com", "picker@example.com"]
    message = received[0]
    assert message["Subject"] == "Tidewater Goods: 2 SKUs to reorder (2026-12-05)"
    body = message.get_payload(decode=True).decode()
    assert "- MUG-1  Enamel Mug One size: 4 available (6 on hand, 2 reserved), reorder point 5" in body
    assert "- TEE-S  Classic Tee S: 5 available (6 on hand, 1 reserved), reorder point 5" in body
    assert "TEE-M" not in body
    assert "https://shop.example.com/staff/stock?low=1" in body
    assert smtp_peer.handler.problems() == []
    assert inventory.record_stock_digest(shop, day=DAY).outcome == "already_sent"
    assert deliver(app).handled == 0
    assert len(_digests(smtp_peer)) == 2
    assert len(_digest_rows(shop)) == 2


def test_nothing_low_sends_nothing_and_without_a_server_it_goes_to_the_mailbox(shop: Shop) -> None:
    _staff(shop)
    factories.make_catalog(shop, on_hand=50, reorder_point=5)
    app: Flask = make_app(shop)
    assert inventory.record_stock_digest(shop, day=DAY).outcome == "nothing_low"
    assert _digest_rows(shop) == []
    factories.place(shop, lines=[LineInput("TEE-L", 45)])
    assert inventory.record_stock_digest(shop, day=DAY).outcome == "queued"
    deliver(app)
    with shop.db.read() as session:
        stored = list(session.scalars(select(SinkMessage).where(SinkMessage.recipient.like("%@example.com"))))
    assert sorted((m.recipient, m.subject) for m in stored if m.subject and "reorder" in m.subject) == [
        ("manager@example.com", "Shiplog Demo Store: 1 SKU to reorder (2026-12-05)"),
        ("picker@example.com", "Shiplog Demo Store: 1 SKU to reorder (2026-12-05)"),
    ]


def test_a_worker_that_died_and_a_second_run_send_each_copy_once(shop: Shop, smtp_peer: SmtpPeer) -> None:
    _staff(shop)
    _low_catalogue(shop)
    app = make_app(shop, **smtp_config(smtp_peer))
    assert inventory.record_stock_digest(shop, day=DAY).outcome == "queued"

    def die(point: str) -> None:
        if point == "after_claim":
            raise Crash(point)

    with app.app_context(), pytest.raises(Crash):
        wiring.build_dispatcher(app, checkpoint=die).drain()  # claimed both, sent none
    assert {r.status for r in _digest_rows(shop)} == {"sending"}
    assert inventory.record_stock_digest(shop, day=DAY).outcome == "already_sent"  # cron runs it again meanwhile
    _lease_ran_out(shop)
    deliver(app)
    assert Counter(str(m["To"]) for m in _digests(smtp_peer)) == {"manager@example.com": 1, "picker@example.com": 1}
    assert smtp_peer.handler.problems() == []  # no Message-ID twice
    assert {(r.status, r.attempts) for r in _digest_rows(shop)} == {("sent", 2)}


def test_the_command_queues_the_shops_day_once(shop: Shop, smtp_peer: SmtpPeer) -> None:
    _staff(shop)
    _low_catalogue(shop)
    app = make_app(shop, **smtp_config(smtp_peer), SHOP_TIMEZONE="Pacific/Kiritimati")  # UTC+14
    first = app.test_cli_runner().invoke(args=["stock", "digest"])
    assert first.exit_code == 0, first.output
    assert "stock digest: queued; 2 SKUs, 2 emails to send." in first.output
    again = app.test_cli_runner().invoke(args=["stock", "digest"])
    assert "stock digest: already sent today; 0 SKUs, 0 emails to send." in again.output
    with shop.db.read() as session:
        (day,) = session.scalars(select(Event.payload["day"].as_string()).where(Event.type == "stock.digest_sent"))
    assert day == (utcnow() + timedelta(hours=14)).date().isoformat()  # the shop's day, not UTC's
    deliver(app)
    assert len(_digests(smtp_peer)) == 2


def test_a_crash_after_sending_to_the_mailbox_stores_each_copy_once(shop: Shop) -> None:
    _staff(shop)
    _low_catalogue(shop)
    app = make_app(shop)
    inventory.record_stock_digest(shop, day=DAY)

    def die(point: str) -> None:
        if point == "after_send":
            raise Crash(point)  # the first copy is in the mailbox; its row does not know yet

    with app.app_context(), pytest.raises(Crash):
        wiring.build_dispatcher(app, checkpoint=die).drain()
    _lease_ran_out(shop)
    deliver(app)
    with shop.db.read() as session:
        stored = Counter(session.scalars(select(SinkMessage.recipient).where(SinkMessage.subject.like("%reorder%"))))
    assert stored == {"manager@example.com": 1, "picker@example.com": 1}
    assert {r.status for r in _digest_rows(shop)} == {"sent"}


def test_a_refused_recipient_is_retried_alone_and_a_member_who_left_is_skipped(shop: Shop) -> None:
    _staff(shop)
    create_staff_user(shop, email="gone@example.com", password="correct horse battery", role="staff")
    _low_catalogue(shop)
    assert inventory.record_stock_digest(shop, day=DAY).emails == 3
    with shop.db.write() as session:
        session.execute(update(StaffUser).where(StaffUser.email == "gone@example.com").values(active=False))
    with SmtpPeer(SmtpHandler(rcpt_reply="451 4.3.0 try later")) as peer:
        app = make_app(shop, **smtp_config(peer), NOTIFY_MAX_ATTEMPTS=2)
        deliver(app)
        assert {(r.recipient, r.status) for r in _digest_rows(shop)} == {
            ("gone@example.com", "skipped"), ("manager@example.com", "pending"), ("picker@example.com", "pending"),
        }  # fmt: skip
        peer.handler.rcpt_reply = None
        _lease_ran_out(shop)
        deliver(app)
        assert sorted(str(m["To"]) for m in _digests(peer)) == ["manager@example.com", "picker@example.com"]
    assert {r.status for r in _digest_rows(shop) if r.recipient != "gone@example.com"} == {"sent"}


def test_a_digest_that_cannot_be_delivered_is_an_undelivered_message_without_an_order(shop: Shop) -> None:
    _staff(shop)
    _low_catalogue(shop)
    inventory.record_stock_digest(shop, day=DAY)
    with SmtpPeer(SmtpHandler(rcpt_reply="550 5.1.1 no such user")) as peer:
        app = make_app(shop, **smtp_config(peer))
        deliver(app)
    dead = [(m.recipient, m.order_id, m.order_number, m.event_type) for m in deadletters.list_dead(shop)]
    assert dead[:2] == [
        ("picker@example.com", None, None, "stock.digest_sent"),
        ("manager@example.com", None, None, "stock.digest_sent"),
    ]
    assert dead[2][3] == "order.confirmed"
    assert dead[2][2].startswith("SL")
    html = _signed_in(app, shop, "manager").get("/staff/notifications/dead").get_data(as_text=True)
    assert html.count("no order") == 2
    assert "stock_digest (stock.digest_sent)" in html
    assert dead[2][2] in html


def test_an_endpoint_subscribed_to_the_digest_and_stock_events_hears_them_signed(shop: Shop) -> None:
    _staff(shop)
    factories.make_catalog(shop, on_hand=6, reorder_point=5)
    with WebhookPeer() as receiver:
        _, secret = endpoints.add_endpoint(
            shop, url=receiver.url, event_types=["stock.digest_sent", "stock.received"], actor=MANAGER
        )
        inventory.receive_stock(shop, "TEE-S", 1, reference="PO-7", actor=MANAGER)
        factories.place(shop, lines=[LineInput("MUG-1", 2)])  # order events: not subscribed
        inventory.record_stock_digest(shop, day=DAY)
        deliver(make_app(shop))
        got = [(r.headers, json.loads(r.body), r.body) for r in receiver.received]
        digest_delivery = int(got[-1][0]["Shiplog-Delivery"])
        assert webhook_deliveries.replay(shop, digest_delivery)  # staff's replay: sent again, same delivery id
        deliver(make_app(shop))
        replayed = receiver.received[2:]
    assert [json.loads(r.body)["type"] for r in replayed] == ["stock.digest_sent"]
    assert replayed[0].headers["Shiplog-Delivery"] == str(digest_delivery)
    assert verify(secret, replayed[0].headers["Shiplog-Signature"], replayed[0].body)
    assert [body["type"] for _, body, _ in got] == ["stock.received", "stock.digest_sent"]
    for headers, body, raw in got:
        assert verify(secret, headers["Shiplog-Signature"], raw)
        assert headers["Shiplog-Event"] == body["type"]
        assert body["order_number"] is None
    received, digest = got[0][1], got[1][1]
    assert (received["payload"]["sku"], received["payload"]["delta"], received["payload"]["reference"]) == (
        "TEE-S", 1, "PO-7",
    )  # fmt: skip
    assert [line["sku"] for line in digest["payload"]["lines"]] == ["MUG-1"]
    with shop.db.read() as session:
        query = select(OutboxMessage.order_id, OutboxMessage.status, OutboxMessage.level)
        rows = session.execute(query.where(OutboxMessage.channel == "webhook")).all()
    assert [tuple(r) for r in rows] == [(None, "sent", "order"), (None, "sent", "order")]
    html = _signed_in(make_app(shop), shop, "staff").get("/staff/outbound-webhooks/").get_data(as_text=True)
    assert html.count("no order") == 2
    assert "stock.digest_sent" in html
    assert ">sent<" in html
