"""Which events plan which messages, for whom: the rules table, scopes, consent and staleness."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import outbox
from core.clock import utcnow
from core.events.fact import Act, Actor, Fact
from core.events.log import SessionLog
from core.models import Event, Order, OutboxMessage
from core.services import ordering, subscriptions, tracking
from core.services.common import load_order
from core.shop import Shop
from tests import factories

TYPES = ("order.held", "subscription.created")


def append_event(session: Session, code: str, *, order: Order, actor: Actor, **given: Any) -> Event:
    """An event of ``code`` straight into the log (the typed constructors are tested elsewhere)."""
    fact = Fact(code, given.get("payload", {}), order_id=order.id, shipment_id=given.get("shipment_id"))
    act = Act(actor, given.get("occurred_at") or utcnow())
    return SessionLog(session).append(fact, act, None)


def planned(shop: Shop, order_id: int) -> list[tuple[str, str, str]]:
    with shop.db.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.order_id == order_id).order_by(OutboxMessage.id)
        )
        return [(r.template, r.channel, r.recipient) for r in rows]


def test_lifecycle_plans_customer_email_and_sms(shop: Shop, placed_order: Order) -> None:
    factories.ship_all(shop, placed_order.id)
    factories.deliver(shop, "1Z999AA10123456784")

    assert planned(shop, placed_order.id) == [
        ("order_confirmed", "email", "ada@example.com"),
        ("order_confirmed", "sms", "+12025550143"),
        ("shipped", "email", "ada@example.com"),
        ("shipped", "sms", "+12025550143"),
        ("delivered", "email", "ada@example.com"),
        ("delivered", "sms", "+12025550143"),
    ]


def test_no_sms_without_consent_and_nothing_when_staff_say_do_not_notify(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop, sms_consent=False, phone="+12025550143")
    factories.ship_all(shop, order.id)
    tracking.record_scan(shop, tracking.CarrierScan("1Z999AA10123456784", "delivered", utcnow()), notify=False)

    assert planned(shop, order.id) == [
        ("order_confirmed", "email", "ada@example.com"),
        ("shipped", "email", "ada@example.com"),
    ]


def test_hold_notifies_only_when_the_customer_must_act(shop: Shop, catalog: dict[str, int]) -> None:
    review = factories.place(shop, fraud_score=99)
    waiting = factories.place(shop, email="grace@example.com", payment_pending=True, sms_consent=False)

    assert planned(shop, review.id) == []
    assert planned(shop, waiting.id) == [("on_hold", "email", "grace@example.com")]


def test_confirmed_subscriptions_hear_parcel_news_at_the_scope_they_chose(shop: Shop, placed_order: Order) -> None:
    for address, scope in (("fan@example.com", "all"), ("porch@example.com", "delivery"), ("ADA@example.com", "all")):
        factories.subscribe_confirmed(shop, placed_order.id, "email", address, scope=scope)
    ordering.add_note(shop, placed_order.id, text="hi", for_customer=True, actor=factories.STAFF)
    factories.ship_all(shop, placed_order.id)
    with shop.db.write() as session:
        order = load_order(session, placed_order.id)
        append_event(session, "refund.issued", order=order, actor=factories.STAFF, payload={"amount_text": "$5.00"})

    shipped = [(r, level) for t, c, r, level in leveled(shop, placed_order.id) if t == "shipped" and c == "email"]
    refunded = [r for t, c, r in planned(shop, placed_order.id) if t == "refunded" and c == "email"]
    assert shipped == [("ada@example.com", "order"), ("fan@example.com", "parcel"), ("porch@example.com", "parcel")]
    assert refunded == ["ada@example.com"], "money is the order's: its own contact only"


def leveled(shop: Shop, order_id: int) -> list[tuple[str, str, str, str]]:
    with shop.db.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.order_id == order_id).order_by(OutboxMessage.id)
        )
        return [(r.template, r.channel, r.recipient, r.level) for r in rows]


def test_sms_opt_out_and_email_unsubscribe_stop_planning(shop: Shop, placed_order: Order) -> None:
    subscriptions.set_sms_opt_out(shop, "+12025550143", opted_out=True)
    subscriptions.unsubscribe(shop, channel="email", address="ada@example.com", order_id=placed_order.id)
    factories.ship_all(shop, placed_order.id)

    assert [p for p in planned(shop, placed_order.id) if p[0] == "shipped"] == []


def test_stale_and_backfilled_events_never_notify(shop: Shop, placed_order: Order) -> None:
    shipment_id = factories.ship_all(shop, placed_order.id)
    now = utcnow()
    with shop.db.write() as session:
        order = load_order(session, placed_order.id)
        kwargs = {"order": order, "actor": Actor("carrier"), "shipment_id": shipment_id}
        append_event(session, "shipment.delivered", occurred_at=now, **kwargs)
        older = append_event(session, "shipment.out_for_delivery", occurred_at=now - timedelta(hours=2), **kwargs)
        backfill = append_event(
            session, "shipment.exception", payload={"backfill": True, "exception_reason": "delay"}, **kwargs
        )
        imported = append_event(session, "shipment.exception", occurred_at=now - timedelta(days=5), **kwargs)
        stale_ids = {older.id, backfill.id, imported.id}
    with shop.db.read() as session:
        events = set(session.scalars(select(OutboxMessage.event_id).where(OutboxMessage.order_id == placed_order.id)))
    assert not events & stale_ids
    assert [t for t, c, _ in planned(shop, placed_order.id) if c == "email"] == [
        "order_confirmed",
        "shipped",
        "delivered",
    ]


def test_a_confirmation_request_makes_no_older_news_stale(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop, email="grace@example.com", payment_pending=True, sms_consent=False)
    time.sleep(0.05)
    subscriptions.subscribe(
        shop, order.id, channel="email", address="fan@example.com", scope="all", consent_text="x", consent_source="t"
    )
    with shop.db.write() as session:  # the shop's "paid" arrives after the request, dated between hold and request
        held, asked = (session.scalars(select(Event.occurred_at).where(Event.type == t)).one() for t in TYPES)
        paid = load_order(session, order.id)
        append_event(
            session, "order.confirmed", order=paid, actor=factories.STAFF, occurred_at=held + (asked - held) / 2
        )

    assert [t for t, _, r in planned(shop, order.id) if r == "grace@example.com"] == ["on_hold", "order_confirmed"]


def test_every_rule_names_templates_for_both_channels_at_each_level_it_reaches() -> None:
    from notifications.rendering import TEMPLATES

    for rule in outbox.NOTIFICATION_RULES.values():
        folders = [] if rule.requester else [TEMPLATES / rule.notification]
        folders += [TEMPLATES / "_parcel" / rule.notification] if rule.notification in outbox.PARCEL_CODES else []
        assert folders, rule
        for folder in folders:
            for name in ("email.txt.j2", "email.html.j2", "sms.txt.j2"):
                assert (folder / name).is_file(), (folder, name)
