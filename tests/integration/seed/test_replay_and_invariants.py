"""The seeded history keeps every invariant the services keep: replay, quantities, money, stock, outbox."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core import replay
from core.events.catalogue import EVENT_TYPES
from core.lifecycle import RETURN_VOID_STATUSES
from core.models import (
    Event,
    Order,
    OrderLine,
    OutboxMessage,
    Payment,
    Refund,
    Return,
    ReturnLine,
    Shipment,
    ShipmentLine,
    Variant,
)
from core.outbox import NOTIFICATION_RULES
from core.shop import Shop
from tests.integration.seed.conftest import FIXED_NOW

SHIPPED = ("in_transit", "out_for_delivery", "available_for_pickup", "delivered", "exception")
RECEIVED = ("received", "refunded", "exchanged", "closed")


def test_replaying_the_log_rebuilds_every_status(seeded: Shop) -> None:
    with seeded.db.read() as session:
        assert replay.differences(session) == []
        assert session.scalar(select(func.count(Order.id))) == 300


def test_history_has_every_kind_of_story(seeded: Shop) -> None:
    with seeded.db.read() as session:
        orders = Counter(session.scalars(select(Order.status)))
        exceptions = list(session.scalars(select(Event).where(Event.type == "shipment.exception")))
        recovered = session.scalar(
            select(func.count(Shipment.id)).where(
                Shipment.id.in_([e.shipment_id for e in exceptions]), Shipment.status == "delivered"
            )
        )
        returns = Counter(session.scalars(select(Return.status)))
        types = Counter(session.scalars(select(Event.type)))
        split = session.scalar(
            select(func.count()).select_from(
                select(Shipment.order_id)
                .where(Shipment.kind == "outbound")
                .group_by(Shipment.order_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        channels = set(session.scalars(select(Order.channel)))
        carriers = set(session.scalars(select(Shipment.carrier)))
    assert {"closed", "delivered", "cancelled"} <= set(orders)
    assert set(orders) & {"confirmed", "processing", "partially_shipped", "shipped", "partially_delivered"}
    assert sum(returns.values()) >= 12
    assert {"closed", "in_transit", "requested", "approved", "received", "exchanged", "refunded"} & set(returns)
    assert split >= 5
    assert len({e.payload["exception_reason"] for e in exceptions}) >= 2
    assert recovered >= len(exceptions) // 2  # most exceptions recover
    assert types["order.held"] >= 1
    assert types["order.released"] >= 1
    assert types["shipment.exception"] >= 5
    assert types["refund.issued"] >= 10
    assert types["stock.restocked"] >= 3
    assert channels == {"web", "shopify", "woocommerce", "api"}
    assert carriers >= {"usps", "ups", "fedex"}


def _sum_by(session: Session, query: object) -> dict[int, int]:
    return {key: int(value) for key, value in session.execute(query)}  # type: ignore[call-overload]


def test_line_quantities_match_shipments_and_returns(seeded: Shop) -> None:
    with seeded.db.read() as session:
        # Every parcel counts for the lines it carries: an exchange parcel for its replacement lines.
        carried = (
            select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
            .join(Shipment)
            .group_by(ShipmentLine.order_line_id)
        )
        shipped = _sum_by(session, carried.where(Shipment.status.in_(SHIPPED)))
        delivered = _sum_by(session, carried.where(Shipment.status == "delivered"))
        returns = (
            select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
            .join(Return)
            .group_by(ReturnLine.order_line_id)
        )
        returning = _sum_by(session, returns.where(Return.status.not_in(RETURN_VOID_STATUSES)))
        returned = _sum_by(session, returns.where(Return.status.in_(RECEIVED)))
        for line in session.scalars(select(OrderLine)):
            assert line.quantity >= line.qty_shipped >= line.qty_delivered >= line.qty_returning >= line.qty_returned
            assert (line.qty_shipped, line.qty_delivered) == (shipped.get(line.id, 0), delivered.get(line.id, 0))
            assert (line.qty_returning, line.qty_returned) == (returning.get(line.id, 0), returned.get(line.id, 0))


def test_stock_reservations_are_exactly_what_is_still_owed(seeded: Shop) -> None:
    owed: dict[int, int] = defaultdict(int)
    with seeded.db.read() as session:
        for line, status in session.execute(select(OrderLine, Order.status).join(Order)):
            if status != "cancelled" and line.sold:  # a replacement's units are held by its exchange (below)
                owed[line.variant_id] += line.quantity - line.qty_shipped
        sent = set(
            session.scalars(
                select(Shipment.return_id).where(Shipment.kind == "exchange", Shipment.status != "label_created")
            )
        )
        for item, ret in session.execute(select(ReturnLine, Return).join(Return)):
            if item.exchange_variant_id and ret.status not in RETURN_VOID_STATUSES and ret.id not in sent:
                owed[item.exchange_variant_id] += item.quantity
        variants = list(session.scalars(select(Variant)))
        reorders = list(session.scalars(select(Event).where(Event.type == "stock.reorder_needed")))
    for variant in variants:
        assert 0 <= variant.reserved <= variant.on_hand
        assert variant.reserved == owed.get(variant.id, 0), variant.sku
    assert reorders
    assert all(e.payload["available"] < e.payload["reorder_point"] for e in reorders)
    assert any(v.on_hand - v.reserved < v.reorder_point for v in variants)


def test_money_adds_up(seeded: Shop) -> None:
    with seeded.db.read() as session:
        refunded = _sum_by(
            session, select(Refund.payment_id, func.sum(Refund.amount_minor)).group_by(Refund.payment_id)
        )
        for payment, order in session.execute(select(Payment, Order).join(Order)):
            assert payment.amount_minor == order.total_minor
            assert 0 <= payment.refunded_minor <= payment.captured_minor <= payment.amount_minor
            assert payment.refunded_minor == refunded.get(payment.id, 0)
            assert (
                order.total_minor
                == order.subtotal_minor - order.discount_minor + order.shipping_minor + order.tax_minor
            )
            assert (payment.status == "voided") == (order.status == "cancelled" and payment.captured_minor == 0)


def test_event_rows_look_like_the_services_wrote_them(seeded: Shop) -> None:
    with seeded.db.read() as session:
        events = list(session.scalars(select(Event).order_by(Event.id)))
        orders = {o.id: o for o in session.scalars(select(Order))}
        tracking = list(session.scalars(select(Shipment.tracking_number)))
    per_order: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        assert event.visibility == EVENT_TYPES[event.type].visibility.value
        assert event.recorded_at >= event.occurred_at
        if event.order_id is not None:
            per_order[event.order_id].append(event)
    assert len({e.idempotency_key for e in events}) == len(events)
    for order_id, order in orders.items():
        mine = per_order[order_id]
        assert order.version == len(mine)
        assert order.last_event_at == max(e.recorded_at for e in mine)
        assert [e.occurred_at for e in mine] == sorted(e.occurred_at for e in mine)
    assert len(set(tracking)) == len(tracking)
    assert all(6 <= len(n) <= 64 and n.isalnum() and n == n.upper() for n in tracking)


def test_only_the_last_day_waits_for_notifications(seeded: Shop) -> None:
    now = datetime.fromtimestamp(FIXED_NOW, UTC)
    since = now - timedelta(days=1, minutes=5)
    with seeded.db.read() as session:
        messages = list(session.scalars(select(OutboxMessage)))
        events = {e.id: e for e in session.scalars(select(Event).where(Event.recorded_at >= since))}
        orders = {o.id: o for o in session.scalars(select(Order))}
    assert messages
    assert all(m.status == "pending" and m.event_id in events for m in messages)
    planned = Counter(m.event_id for m in messages)
    for event in events.values():
        rule = NOTIFICATION_RULES.get(event.type)
        wanted = rule is not None and event.notify and event.order_id is not None
        wanted = wanted and (rule.only_if is None or bool(event.payload.get(rule.only_if)))
        if event.recorded_at < now - timedelta(days=1) + timedelta(minutes=5):
            continue  # on the edge of the window: either answer is right
        order = orders.get(event.order_id or 0)
        expected = (1 + int(bool(order and order.phone and order.sms_consent))) if wanted else 0
        assert planned.get(event.id, 0) == expected, event.type


def test_foreign_keys_hold(seeded: Shop) -> None:
    if seeded.db.dialect != "sqlite":
        return  # PostgreSQL checked every key on insert
    with seeded.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []


def test_staff_are_named_by_email_and_move_money_only_as_the_default_table_allows(seeded: Shop) -> None:
    """The demo's staff events look like the hub's (the member's email, not a row id), and its refunds and
    cancellations that refund are a manager's, as the default permission table has it."""
    from core.permissions import Permission, PermissionTable, cancel_needs
    from core.seed.run import STAFF_ACCOUNTS

    roles = dict(STAFF_ACCOUNTS)
    table = PermissionTable()
    with seeded.db.read() as session:
        staff_events = list(session.scalars(select(Event).where(Event.actor_type == "staff")))
    assert {e.actor_id for e in staff_events} == set(roles)
    for event in staff_events:
        needs: tuple[Permission, ...] = ()
        if event.type == "refund.issued" and event.payload["cause"] == "goodwill":
            needs = (Permission.REFUND,)
        elif event.type == "order.cancelled":
            needs = cancel_needs(int(event.payload["refunded_minor"]))
        assert all(table.allows(roles[event.actor_id or ""], need) for need in needs), (event.type, event.actor_id)
    kinds = Counter((e.type, e.actor_id) for e in staff_events if e.type in {"refund.issued", "order.cancelled"})
    assert kinds[("refund.issued", "manager@example.com")] > 0
