"""The embedded default: no SMTP or Twilio credentials, every message lands in the local sink once."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.models import Order, OutboxMessage, SinkMessage
from core.shop import Shop
from notifications import store
from tests import factories
from tests.integration.notifications.conftest import deliver


def test_sink_receives_each_message_exactly_once(shop: Shop, sink_app: Flask, placed_order: Order) -> None:
    factories.ship_all(shop, placed_order.id)

    first = deliver(sink_app)
    again = deliver(sink_app)

    assert first.counts == {"sent": 4}
    assert again.handled == 0
    with shop.db.read() as session:
        sink = list(session.scalars(select(SinkMessage).order_by(SinkMessage.outbox_id)))
        outbox_rows = list(session.scalars(select(OutboxMessage)))
    assert [(m.channel, m.subject) for m in sink] == [
        ("email", f"Order {placed_order.number} is confirmed"),
        ("sms", None),
        ("email", f"Order {placed_order.number} has shipped"),
        ("sms", None),
    ]
    assert {r.status for r in outbox_rows} == {"sent"}
    shipped_email = sink[2]
    assert "1 x Enamel Mug (One size)" in shipped_email.body_text
    assert "2 x Classic Tee (M)" in shipped_email.body_text
    assert "Track it: https://shop.example.com/track/1Z999AA10123456784" in shipped_email.body_text
    assert shipped_email.headers["Reply-To"] == "support@example.com"  # the hold email says "reply to this email"
    assert shipped_email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "STOP to opt out" in sink[3].body_text
    assert "https://shop.example.com/orders/" in sink[3].body_text


def test_a_second_delivery_of_the_same_row_stores_nothing_new(shop: Shop, sink_app: Flask, placed_order: Order) -> None:
    with sink_app.app_context():
        from notifications import wiring

        dispatcher = wiring.build_dispatcher(sink_app)
        claims = store.claim(shop.db, 10, 60)
        prepared = dispatcher.preparer.prepare(claims)
        sender = dispatcher.senders["email"]
        email = next(p.outgoing for p in prepared if p.outgoing and p.outgoing.channel == "email")
        with sender.batch() as batch:
            results = [batch.send(email), batch.send(email)]  # a crash-and-retry, replayed
    with shop.db.read() as session:
        stored = session.scalar(select(func.count(SinkMessage.id)).where(SinkMessage.outbox_id == email.outbox_id))
    assert [r.ok for r in results] == [True, True]
    assert stored == 1


@pytest.mark.parametrize("workers", [4])
def test_concurrent_claims_never_overlap(shop: Shop, placed_order: Order, workers: int) -> None:
    for n in range(12):
        factories.place(shop, email=f"buyer{n}@example.com")
    won: list[list[int]] = []
    lock = threading.Lock()

    def grab() -> None:
        mine: list[int] = []
        while batch := store.claim(shop.db, 3, 60):
            mine.extend(c.id for c in batch)
        with lock:
            won.append(mine)

    threads = [threading.Thread(target=grab) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = [row_id for mine in won for row_id in mine]
    with shop.db.read() as session:
        total = session.scalar(select(func.count(OutboxMessage.id)))
    assert len(every) == len(set(every)) == total == 26
