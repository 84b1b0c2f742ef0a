"""0024: refunds recorded before the refund lifecycle get the event replay needs, on SQLite and PostgreSQL.

A database at the revision before 0024 holds an order with two refunds as old code left them (event ids made by the database, as the backfill's are): one with
its ``refund.issued`` but no refund move, one with no event at all (the cancellation's). After the
upgrade the first event carries the move, the second refund has the event today's constructor makes,
at the refund's own time, marked ``backfill`` and planning nothing; replaying the log rebuilds both."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import func, select, text

from core import migrations, replay
from core.db import Database
from core.events import orders as facts
from core.models import Event, OutboxMessage
from tests.integration.test_migrations import upgrade_through

BEFORE_0024 = "0019_store_money"
ROWS = """
INSERT INTO customers (id, email, name, created_at) VALUES (1, 'ada@example.com', 'Ada', '2025-03-01 10:00:00');
INSERT INTO orders (id, number, customer_id, email, sms_consent, channel, status, fraud_score, currency, subtotal_minor,
    discount_minor, shipping_minor, tax_minor, total_minor, placed_at, version)
    VALUES (1, 'SL1', 1, 'ada@example.com', false, 'web', 'cancelled', 0, 'USD', 3000, 0, 0, 0, 3000,
            '2025-03-01 10:00:00', 5);
INSERT INTO payments (id, order_id, gateway, reference, method, status, amount_minor, captured_minor, refunded_minor,
    currency, created_at) VALUES (7, 1, 'card', 'auth_1', 'card', 'captured', 3000, 3000, 3000, 'USD',
    '2025-03-01 10:00:00');
INSERT INTO refunds (id, order_id, payment_id, amount_minor, currency, reason, reference, created_at)
VALUES (1, 1, 7, 1000, 'USD', 'late parcel', 'fake_refund_1', '2025-03-02 09:00:00'),
       (2, 1, 7, 2000, 'USD', 'customer asked', 'fake_refund_2', '2025-03-03 12:30:00');
INSERT INTO events (type, order_id, payment_id, occurred_at, recorded_at, actor_type, visibility, payload,
    idempotency_key, notify)
VALUES
 ('order.placed', 1, NULL, '2025-03-01 10:00:00', '2025-03-01 10:00:00', 'customer', 'customer',
  '{"transitions": {"order": ["", "placed"]}}', 'k1', true),
 ('payment.authorized', 1, 7, '2025-03-01 10:00:00', '2025-03-01 10:00:00', 'customer', 'internal',
  '{"amount_minor": 3000, "reference": "auth_1", "transitions": {"payment": ["", "authorized"]}}', 'k2', true),
 ('payment.captured', 1, 7, '2025-03-01 10:00:00', '2025-03-01 10:00:00', 'system', 'internal',
  '{"amount_minor": 3000, "reference": "auth_1", "transitions": {"payment": ["authorized", "captured"]}}', 'k3', true),
 ('refund.issued', 1, NULL, '2025-03-02 09:00:00', '2025-03-02 09:00:00', 'staff', 'customer',
  '{"refund_id": 1, "amount_minor": 1000, "reason": "late parcel", "customer_message": null, "cause": "goodwill",
    "amount_text": "$10.00"}', 'k4', true),
 ('order.cancelled', 1, NULL, '2025-03-03 12:30:00', '2025-03-03 12:30:00', 'staff', 'customer',
  '{"reason": "customer asked", "transitions": {"order": ["placed", "cancelled"]}}', 'k5', true);
"""


def test_refunds_without_their_events_get_them_and_replay_rebuilds_them(empty_url: str) -> None:
    upgrade_through(empty_url, BEFORE_0024, ROWS)
    database = Database(empty_url)
    with database.read() as session:
        assert replay.differences(session) == []
        refunds_replayed = replay.replay(session).statuses["refund"]
        assert refunds_replayed == {1: "succeeded", 2: "succeeded"}
        issued = session.scalars(select(Event).where(Event.type == "refund.issued").order_by(Event.id)).all()
        assert [e.payload["refund_id"] for e in issued] == [1, 2]  # one each: the old one is not doubled
        old, new = issued
        assert old.id == 4
        assert old.payload["transitions"] == {"refund": ["", "succeeded"]}
        assert "backfill" not in old.payload
        made = SimpleNamespace(
            id=2, order_id=1, return_id=None, amount_minor=2000, currency="USD", reason="customer asked"
        )
        expected = facts.refund_issued(refund=made, message=None, cancellation=True).payload  # type: ignore[arg-type]
        assert new.payload == expected | {"transitions": {"refund": ["", "succeeded"]}, "backfill": True}
        assert new.payload["cause"] == "cancellation"  # made at the moment the order was cancelled
        assert new.occurred_at == datetime(2025, 3, 3, 12, 30, tzinfo=UTC)
        assert (new.order_id, new.notify, new.actor_type, new.visibility) == (1, False, "system", "customer")
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # no message, no webhook
        assert session.scalar(text("SELECT version FROM orders WHERE id = 1")) == 6
    database.dispose()
    migrations.upgrade(empty_url)  # at the head already: nothing changes
    migrations.downgrade(empty_url, BEFORE_0024)
    database = Database(empty_url)
    with database.read() as session:
        assert session.scalars(select(Event.id).where(Event.type == "refund.issued")).all() == [4]
    database.dispose()
