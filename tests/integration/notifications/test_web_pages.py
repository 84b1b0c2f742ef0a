"""Unsubscribe pages (RFC 8058), the staff mailbox, previews, undelivered messages, and the CLI preview."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.models import Event, Order, OutboxMessage, SinkMessage
from core.payments import FakeGateway
from core.services.access import create_staff_user
from core.shop import Shop
from notifications import deadletters
from tests import factories
from tests.integration.notifications.conftest import deliver

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

# Pages and links do not depend on the database: SQLite only.


@pytest.fixture
def shop(sqlite_database: Database) -> Shop:
    return Shop(db=sqlite_database, gateway=FakeGateway())


@pytest.fixture
def staff(sink_app: Flask, shop: Shop) -> FlaskClient:
    client = sink_app.test_client()
    create_staff_user(shop, email="ops@example.com", password=PASSWORD, role="staff")
    found = TOKEN.search(client.get("/staff/login").get_data(as_text=True))
    assert found
    response = client.post(
        "/staff/login", data={"email": "ops@example.com", "password": PASSWORD, "csrf_token": found.group(1)}
    )
    assert response.status_code == 302
    return client


def sink(shop: Shop) -> list[SinkMessage]:
    with shop.db.read() as session:
        return list(session.scalars(select(SinkMessage).order_by(SinkMessage.id)))


def unsubscribe_path(message: SinkMessage) -> str:
    return message.headers["List-Unsubscribe"].strip("<>").removeprefix("https://shop.example.com")


def test_get_confirms_and_one_click_post_unsubscribes(shop: Shop, sink_app: Flask, placed_order: Order) -> None:
    deliver(sink_app)
    path = unsubscribe_path(next(m for m in sink(shop) if m.channel == "email"))
    client = sink_app.test_client()

    page = client.get(path)
    assert page.status_code == 200
    assert "Stop these updates?" in page.get_data(as_text=True)
    factories.ship_all(shop, placed_order.id)  # a GET (a link scanner) changes nothing
    deliver(sink_app)
    assert [m.subject for m in sink(shop) if m.channel == "email"][-1] == f"Order {placed_order.number} has shipped"

    done = client.post(path, data={"List-Unsubscribe": "One-Click"})  # RFC 8058: no CSRF token, no cookie
    assert done.status_code == 200
    assert "You are unsubscribed" in done.get_data(as_text=True)
    factories.deliver(shop, "1Z999AA10123456784")
    deliver(sink_app)
    with shop.db.read() as session:
        delivered = session.scalars(select(OutboxMessage.channel).where(OutboxMessage.template == "delivered")).all()
    assert delivered == ["sms"]  # the email stopped; SMS has its own STOP


def test_the_same_unsubscribe_posted_five_times_writes_one_ended_event(
    shop: Shop, sink_app: Flask, placed_order: Order
) -> None:
    factories.subscribe_confirmed(shop, placed_order.id, "email", "fan@example.net")
    factories.ship_all(shop, placed_order.id)
    deliver(sink_app)
    client = sink_app.test_client()
    for address in ("ada@example.com", "fan@example.net"):  # the order's own email, then a subscriber's
        path = unsubscribe_path(next(m for m in sink(shop) if m.recipient == address))
        for _ in range(5):  # mail clients and scanners repeat one-click POSTs
            response = client.post(path, data={"List-Unsubscribe": "One-Click"})
            assert response.status_code == 200
            assert "You are unsubscribed" in response.get_data(as_text=True)
    with shop.db.read() as session:
        ended = session.scalars(select(Event.payload).where(Event.type == "subscription.ended").order_by(Event.id))
        assert [p["address"] for p in ended] == ["ada@example.com", "fan@example.net"]


def test_tampered_unsubscribe_link_is_a_clear_404(sink_app: Flask) -> None:
    response = sink_app.test_client().post("/unsubscribe/not-a-token", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_mailbox_lists_and_shows_messages_safely(
    shop: Shop, sink_app: Flask, staff: FlaskClient, placed_order: Order
) -> None:
    deliver(sink_app)
    email = next(m for m in sink(shop) if m.channel == "email")

    listing = staff.get("/staff/mailbox").get_data(as_text=True)
    page = staff.get(f"/staff/mailbox/{email.id}").get_data(as_text=True)
    body = staff.get(f"/staff/mailbox/{email.id}/body")
    sms_only = staff.get("/staff/mailbox?channel=sms").get_data(as_text=True)

    assert f"Order {placed_order.number} is confirmed" in listing
    assert 'data-total="2"' in listing
    assert f'src="/staff/mailbox/{email.id}/body"' in page
    assert 'sandbox=""' in page
    assert "List-Unsubscribe-Post" in page
    assert "View your order:" in page
    assert body.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert "script-src" not in body.headers["Content-Security-Policy"]
    assert "<h1" in body.get_data(as_text=True)
    assert 'data-total="1"' in sms_only
    assert "is confirmed. https://shop.example.com/" in sms_only


def test_staff_pages_need_a_sign_in(sink_app: Flask) -> None:
    for path in ("/staff/mailbox", "/staff/mailbox/1", "/staff/notifications/preview", "/staff/notifications/dead"):
        assert sink_app.test_client().get(path).status_code == 302, path


def test_preview_renders_a_real_order_through_the_sending_path(
    shop: Shop, sink_app: Flask, staff: FlaskClient, placed_order: Order
) -> None:
    factories.ship_all(shop, placed_order.id)
    email = staff.get(f"/staff/notifications/preview?order={placed_order.number}&code=shipped&channel=email")
    sms = staff.get(f"/staff/notifications/preview?order={placed_order.number.lower()}&code=shipped&channel=sms")
    frame = staff.get(f"/staff/notifications/preview/body?order={placed_order.number}&code=shipped")
    missing = staff.get("/staff/notifications/preview?order=SL0&code=shipped&channel=email")
    no_return = staff.get(f"/staff/notifications/preview?order={placed_order.number}&code=return_approved&channel=sms")

    assert "1Z999AA10123456784" in email.get_data(as_text=True)
    assert "sample" not in email.get_data(as_text=True)
    assert "1 segment" in sms.get_data(as_text=True)
    assert "Track on UPS" in frame.get_data(as_text=True)
    assert missing.status_code == 404
    assert no_return.status_code == 422


def test_deadletters_list_and_retry_only_the_chosen(shop: Shop, sink_app: Flask, placed_order: Order) -> None:
    with shop.db.write() as session:  # two messages that exhausted their attempts earlier
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            row.status, row.last_error = "dead", f"{row.channel} provider said no"
    listed = deadletters.list_dead(shop, 10)

    assert [(d.id, d.channel, d.last_error) for d in listed] == [
        (rows[1].id, "sms", "sms provider said no"),
        (rows[0].id, "email", "email provider said no"),
    ]
    assert deadletters.retry_dead(shop, [rows[0].id]) == 1
    deliver(sink_app)
    assert [m.channel for m in sink(shop)] == ["email"]
    assert [d.id for d in deadletters.list_dead(shop)] == [rows[1].id]
    assert deadletters.retry_dead(shop) == 1


def test_cli_preview(sink_app: Flask, placed_order: Order) -> None:
    runner = sink_app.test_cli_runner()
    email = runner.invoke(
        args=["notifications", "preview", "--order", placed_order.number, "--code", "order_confirmed"]
    )
    sms = runner.invoke(
        args=[
            "notifications",
            "preview",
            "--order",
            placed_order.number,
            "--code",
            "order_confirmed",
            "--channel",
            "sms",
        ]
    )
    sample = runner.invoke(args=["notifications", "preview", "--order", placed_order.number, "--code", "cancelled"])
    missing = runner.invoke(args=["notifications", "preview", "--order", "SL1", "--code", "shipped"])

    assert email.exit_code == 0
    assert f"Subject: Order {placed_order.number} is confirmed" in email.output
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in email.output
    assert "STOP to opt out" in sms.output
    assert "1 segment(s)" in sms.output
    assert "[sample:" in sample.output
    assert missing.exit_code != 0
    assert "No order 'SL1'" in missing.output
