"""Email through flask-mail to a real SMTP server (aiosmtpd): success, 451 retry, 550 dead, retry command."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from core.models import Order, OutboxMessage
from core.shop import Shop
from notifications import deadletters
from tests.integration.notifications.conftest import deliver, make_app, smtp_config
from tests.integration.notifications.peers import SmtpHandler, SmtpPeer


def email_rows(shop: Shop) -> list[OutboxMessage]:
    with shop.db.read() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")))


def test_email_arrives_with_unsubscribe_headers(shop: Shop, placed_order: Order, smtp_peer: SmtpPeer) -> None:
    app = make_app(shop, **smtp_config(smtp_peer))
    stats = deliver(app)

    assert stats.counts["sent"] == 2  # email over SMTP, SMS to the sink
    [received] = smtp_peer.received
    [row] = email_rows(shop)
    assert received["To"] == "ada@example.com"
    assert received["Subject"] == f"Order {placed_order.number} is confirmed"
    assert received["Message-ID"] == f"<outbox-{row.id}@example.com>"
    assert received["List-Unsubscribe"].startswith("<https://shop.example.com/unsubscribe/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in received.walk()
        if not part.is_multipart()
    }
    assert "View your order: https://shop.example.com/orders/" in parts["text/plain"]
    assert "<h1" in parts["text/html"]
    assert "#1f4f82" in parts["text/html"]
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 1, received["Message-ID"])


def test_451_is_retried_later_with_backoff(shop: Shop, placed_order: Order) -> None:
    with SmtpPeer(SmtpHandler(rcpt_reply="451 4.7.1 Greylisted, try again")) as peer:
        app = make_app(shop, **smtp_config(peer))
        stats = deliver(app)
    [row] = email_rows(shop)

    assert stats.counts["pending"] == 1
    assert peer.received == []
    assert (row.status, row.attempts) == ("pending", 1)
    assert "451" in (row.last_error or "")
    assert (row.next_attempt_at - row.created_at).total_seconds() >= 15  # half of the 30 s first step at least


def test_550_is_dead_at_once_and_retry_requeues_it(shop: Shop, placed_order: Order) -> None:
    with SmtpPeer(SmtpHandler(rcpt_reply="550 5.1.1 No such user")) as peer:
        deliver(make_app(shop, **smtp_config(peer)))
    [row] = email_rows(shop)
    dead = deadletters.list_dead(shop)

    assert (row.status, row.attempts) == ("dead", 1)
    assert [(d.id, d.order_number, d.template) for d in dead] == [(row.id, placed_order.number, "order_confirmed")]
    assert "550" in (dead[0].last_error or "")

    with SmtpPeer() as peer:
        app = make_app(shop, **smtp_config(peer))
        result = app.test_cli_runner().invoke(args=["notifications", "retry"])
        deliver(app)
    assert "1 dead message queued again" in result.output
    assert [m["To"] for m in peer.received] == ["ada@example.com"]
    assert email_rows(shop)[0].status == "sent"


def test_unreachable_server_is_transient_until_the_last_attempt(shop: Shop, placed_order: Order) -> None:
    from tests.integration.notifications.peers import free_port

    app = make_app(
        shop, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), NOTIFY_MAX_ATTEMPTS=2, NOTIFY_BACKOFF_BASE_SECONDS=0.0
    )
    stats = deliver(app)  # attempt 1 fails, is due again at once (zero backoff), attempt 2 is the last
    [row] = email_rows(shop)

    assert stats.counts["pending"] == 1
    assert stats.counts["dead"] == 1
    assert (row.status, row.attempts) == ("dead", 2)
    assert "connection" in (row.last_error or "").lower()


def test_mixed_batch_uses_one_connection_and_keeps_going(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer
) -> None:
    from tests import factories

    for n in range(5):
        factories.place(shop, email=f"buyer{n}@example.com", sms_consent=False)
    app: Flask = make_app(shop, **smtp_config(smtp_peer))
    deliver(app)

    assert sorted(m["To"] for m in smtp_peer.received) == [f"buyer{n}@example.com" for n in range(5)]
