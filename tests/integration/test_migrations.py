"""The migrations: one head, the schema the models describe, and old payment events and webhook bodies brought along."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from core import migrations, replay
from core.db import Base, Database
from core.models import WebhookDelivery

BEFORE = "0002_notifications"  # with 0005_staff_ingest, the two heads 0006 merges


def test_there_is_one_head() -> None:
    heads = ScriptDirectory.from_config(migrations.alembic_config("sqlite://")).get_heads()
    assert heads == ["0022_outbox_without_order"]


def test_the_migrated_schema_is_the_models_schema(empty_url: str) -> None:
    migrations.upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


OLD_HISTORY = """
INSERT INTO customers (id, email, name, created_at) VALUES (1, 'ada@example.com', 'Ada', '2026-01-01 10:00:00');
INSERT INTO orders (id, number, customer_id, email, sms_consent, channel, status, fraud_score, currency, subtotal_minor,
    discount_minor, shipping_minor, tax_minor, total_minor, placed_at, version)
    VALUES (1, 'SL1', 1, 'ada@example.com', false, 'web', 'cancelled', 0, 'USD', 100, 0, 0, 0, 100,
            '2026-01-01 10:00:00', 3);
INSERT INTO payments (id, order_id, gateway, reference, method, status, amount_minor, captured_minor, refunded_minor,
    currency, created_at) VALUES (7, 1, 'card', 'auth_1', 'card', 'voided', 100, 0, 0, 'USD', '2026-01-01 10:00:00');
INSERT INTO events (id, type, order_id, occurred_at, recorded_at, actor_type, visibility, payload, idempotency_key, notify)
VALUES
 (1, 'order.placed', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00', 'customer', 'customer',
  '{"transitions": {"order": ["", "placed"]}}', 'k1', true),
 (2, 'payment.authorized', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00', 'customer', 'internal',
  '{"amount_minor": 100, "reference": "auth_1"}', 'k2', true),
 (3, 'payment.voided', 1, '2026-01-01 11:00:00', '2026-01-01 11:00:00', 'staff', 'internal',
  '{"reference": "auth_1"}', 'k3', true),
 (4, 'order.cancelled', 1, '2026-01-01 11:00:00', '2026-01-01 11:00:00', 'staff', 'customer',
  '{"transitions": {"order": ["placed", "cancelled"]}}', 'k4', true);
"""


def upgrade_through(url: str, old: str, rows: str) -> None:
    """Migrate to ``old``, write ``rows`` as that schema held them, then migrate to the head."""
    migrations.upgrade(url, old)
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in filter(str.strip, rows.split(";")):
            conn.execute(text(statement))
    engine.dispose()
    migrations.upgrade(url)


def test_old_payment_events_name_their_payment_and_replay_rebuilds_it(empty_url: str) -> None:
    migrations.upgrade(empty_url, BEFORE)
    upgrade_through(empty_url, "0005_staff_ingest", OLD_HISTORY)
    database = Database(empty_url)
    with database.read() as session:
        moved = session.execute(text("SELECT id, payment_id FROM events ORDER BY id")).all()
        assert [tuple(row) for row in moved] == [(1, None), (2, 7), (3, 7), (4, None)]
        assert replay.differences(session) == []
    database.dispose()


OLD_OUTBOX = """
INSERT INTO customers (id, email, name, created_at) VALUES (1, 'ada@example.com', 'Ada', '2026-01-01 10:00:00');
INSERT INTO orders (id, number, customer_id, email, sms_consent, channel, status, fraud_score, currency, subtotal_minor,
    discount_minor, shipping_minor, tax_minor, total_minor, placed_at, version)
    VALUES (1, 'SL1', 1, 'ada@example.com', false, 'web', 'confirmed', 0, 'USD', 100, 0, 0, 0, 100,
            '2026-01-01 10:00:00', 1);
INSERT INTO subscriptions (id, order_id, channel, address, scope, consent_text, consent_source, consent_at)
    VALUES (5, 1, 'email', 'fan@example.com', 'all', 'I agree', '/track/1Z from 203.0.113.9', '2026-01-01 10:00:00');
INSERT INTO events (id, type, order_id, occurred_at, recorded_at, actor_type, visibility, payload, idempotency_key, notify)
VALUES (1, 'order.confirmed', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00', 'system', 'customer', '{}', 'k1', true);
INSERT INTO outbox (id, event_id, order_id, subscription_id, channel, recipient, template, status, attempts,
    next_attempt_at, created_at) VALUES
 (1, 1, 1, NULL, 'email', 'ada@example.com', 'order_confirmed', 'sent', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00'),
 (2, 1, 1, 5, 'email', 'fan@example.com', 'order_confirmed', 'dead', 8, '2026-01-01 10:00:00', '2026-01-01 10:00:00');
"""


def test_old_subscriber_messages_become_parcel_level_and_old_subscriptions_wait_for_confirmation(
    empty_url: str,
) -> None:
    upgrade_through(empty_url, "0006_payment_events", OLD_OUTBOX)
    database = Database(empty_url)
    with database.read() as session:
        levels = session.execute(text("SELECT recipient, level FROM outbox ORDER BY id")).all()
        assert [tuple(row) for row in levels] == [("ada@example.com", "order"), ("fan@example.com", "parcel")]
        kept = session.execute(text("SELECT consent_text, confirmed_at, shipment_id FROM subscriptions")).one()
        assert tuple(kept) == ("I agree", None, None)  # never confirmed: it hears nothing until it is
    database.dispose()
    migrations.downgrade(empty_url, "0006_payment_events")  # and back, keeping every row
    migrations.upgrade(empty_url)
    database = Database(empty_url)
    with database.read() as session:
        assert session.execute(text("SELECT id, subscription_id, level FROM outbox ORDER BY id")).all() == [
            (1, None, "order"),
            (2, 5, "parcel"),
        ]
    database.dispose()


OLD_DELIVERY = """
INSERT INTO webhook_deliveries (id, source, delivery_id, topic, headers, body, status, received_at)
VALUES (1, 'shopify', 'ev-1', 'orders/create', '{}', :body, 'failed', '2026-01-01 10:00:00')
"""


def test_old_webhook_bodies_become_their_utf8_bytes_and_back(empty_url: str) -> None:
    body = '{"note": "Grüße 🚚 \\u202e", "id": 1}'
    migrations.upgrade(empty_url, "0006_payment_events")
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text(OLD_DELIVERY), {"body": body})
    engine.dispose()

    migrations.upgrade(empty_url)
    database = Database(empty_url)
    with database.read() as session:
        assert session.get_one(WebhookDelivery, 1).body == body.encode()
    with database.write() as session:  # a raw body the text column could never hold
        session.get_one(WebhookDelivery, 1).body = b'{"note": "a\x00b\xff"}'
    database.dispose()

    migrations.downgrade(empty_url, "0006_payment_events")
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT body FROM webhook_deliveries")).scalar_one() == '{"note": "ab\ufffd"}'
    engine.dispose()


OLD_SENDS = """
INSERT INTO outbox (id, event_id, order_id, channel, recipient, template, level, status, attempts,
    attempts_before_requeue, next_attempt_at, created_at)
    VALUES (9, 4, 1, 'email', 'ada@example.com', 'cancelled', 'order', 'sent', 1, 0, '2026-01-01 11:00:00',
            '2026-01-01 11:00:00');
INSERT INTO send_log (id, outbox_id, attempt, channel, repeat, started_at, outcome)
    VALUES (3, 9, 1, 'email', false, '2026-01-01 11:00:01', 'sent');
INSERT INTO notification_sink (id, outbox_id, channel, sender, recipient, body_text, headers, created_at)
    VALUES (5, 9, 'email', 'shop@example.com', 'ada@example.com', 'Cancelled', '{}', '2026-01-01 11:00:01')
"""
ORDERLESS = """
INSERT INTO outbox (id, event_id, order_id, channel, recipient, template, level, status, attempts,
    attempts_before_requeue, next_attempt_at, created_at)
    VALUES (10, 3, NULL, 'email', 'ops@example.com', 'stock_digest', 'staff', 'sent', 1, 0, '2026-01-02 08:00:00',
            '2026-01-02 08:00:00');
INSERT INTO send_log (id, outbox_id, attempt, channel, repeat, started_at, outcome)
    VALUES (4, 10, 1, 'email', false, '2026-01-02 08:00:01', 'sent');
INSERT INTO notification_sink (id, outbox_id, channel, sender, recipient, body_text, headers, created_at)
    VALUES (6, 10, 'email', 'shop@example.com', 'ops@example.com', 'Digest', '{}', '2026-01-02 08:00:01')
"""


def _sends(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT o.id, o.order_id, s.id, n.id FROM outbox o JOIN send_log s ON s.outbox_id = o.id "
                "LEFT JOIN notification_sink n ON n.outbox_id = o.id ORDER BY o.id"
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in found]


def test_outbox_rows_may_name_no_order_and_what_refers_to_them_is_kept(empty_url: str) -> None:
    upgrade_through(empty_url, "0024_refund_events", OLD_HISTORY + ";" + OLD_SENDS)
    assert _sends(empty_url) == [(9, 1, 3, 5)]  # the table copied (SQLite) keeps its ids and their references
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        for statement in filter(str.strip, ORDERLESS.split(";")):
            conn.execute(text(statement))
    engine.dispose()
    assert _sends(empty_url) == [(9, 1, 3, 5), (10, None, 4, 6)]
    migrations.downgrade(empty_url, "0024_refund_events")  # the older schema cannot hold the row without an order
    assert _sends(empty_url) == [(9, 1, 3, 5)]
    migrations.upgrade(empty_url)
    assert _sends(empty_url) == [(9, 1, 3, 5)]
