"""Notification intents, planned in the same transaction as the event that causes them.

``NOTIFICATION_RULES`` is the one table that maps an event type to the customer
notification it triggers. Recipients are the order's customer (email, and SMS with
consent) plus every active subscription whose scope covers the notification.
Nothing is planned for staff "don't notify" actions (``append_event`` skips those),
for backfilled history, or for a stale event: one older than an event of the same
order, shipment or return that has already been planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from core.models import Event, Order, OutboxMessage, SmsOptOut, Subscription


@dataclass(frozen=True)
class NotificationRule:
    notification: str  # template code under notifications/templates/<code>/
    delivery_update: bool = False  # also sent to "delivery updates only" subscriptions
    only_if: str | None = None  # a payload flag that must be true (e.g. the customer must act)
    status_of: str | None = "order"  # the aggregate whose newer notified status makes this stale


NOTIFICATION_RULES: dict[str, NotificationRule] = {
    "order.confirmed": NotificationRule("order_confirmed"),
    "order.held": NotificationRule("on_hold", only_if="customer_action"),
    "shipment.shipped": NotificationRule("shipped", delivery_update=True, status_of="shipment"),
    "shipment.out_for_delivery": NotificationRule("out_for_delivery", delivery_update=True, status_of="shipment"),
    "shipment.delivered": NotificationRule("delivered", delivery_update=True, status_of="shipment"),
    "shipment.exception": NotificationRule("delivery_exception", delivery_update=True, status_of="shipment"),
    "shipment.available_for_pickup": NotificationRule(
        "available_for_pickup", delivery_update=True, status_of="shipment"
    ),
    "order.cancelled": NotificationRule("cancelled"),
    "refund.issued": NotificationRule("refunded", status_of=None),  # every refund is news, never stale
    "return.approved": NotificationRule("return_approved", status_of="return"),
    "return.received": NotificationRule("return_received", status_of="return"),
    "return.refunded": NotificationRule("return_refunded", status_of="return"),
    "exchange.shipped": NotificationRule("exchange_shipped", delivery_update=True, status_of="shipment"),
}

NOTIFICATION_CODES: dict[str, str] = {rule.notification: code for code, rule in NOTIFICATION_RULES.items()}

# An event recorded this long after it happened is imported history, not news.
BACKFILL_AFTER = timedelta(hours=48)

Recipient = tuple[str, str, int | None]  # channel, address, subscription id


def _aggregate_filter(event: Event, status_of: str) -> object:
    if status_of == "shipment":
        return Event.shipment_id == event.shipment_id
    if status_of == "return":
        return Event.return_id == event.return_id
    return and_(Event.shipment_id.is_(None), Event.return_id.is_(None))


def is_stale(session: Session, event: Event, rule: NotificationRule) -> bool:
    """True when a newer event of the same aggregate has already been planned (or notified)."""
    payload = event.payload or {}
    if payload.get("backfill") or payload.get("stale"):
        return True
    if event.recorded_at - event.occurred_at > BACKFILL_AFTER:
        return True
    if rule.status_of is None:
        return False
    newer = session.scalar(
        select(OutboxMessage.id)
        .join(Event, Event.id == OutboxMessage.event_id)
        .where(
            OutboxMessage.order_id == event.order_id,
            Event.id != event.id,
            Event.occurred_at > event.occurred_at,
            _aggregate_filter(event, rule.status_of),  # type: ignore[arg-type]
        )
        .limit(1)
    )
    return newer is not None


def customer_email_unsubscribed(session: Session, order: Order) -> bool:
    """Did the order's customer stop this order's emails (via the signed unsubscribe link)?

    ``subscription.ended`` events name the address when the service records it; older ones
    do not, so each unexplained one is matched against the ended subscriptions of others.
    """
    payloads = [
        p
        for p in session.scalars(
            select(Event.payload).where(Event.order_id == order.id, Event.type == "subscription.ended")
        )
        if (p or {}).get("channel") == "email"
    ]
    if any(p.get("address") == order.email for p in payloads):
        return True
    unexplained = sum(1 for p in payloads if "address" not in p)
    if not unexplained:
        return False
    ended_others = session.scalar(
        select(func.count(Subscription.id)).where(
            Subscription.order_id == order.id,
            Subscription.channel == "email",
            Subscription.address != order.email,
            Subscription.unsubscribed_at.is_not(None),
        )
    )
    return unexplained > int(ended_others or 0)


def recipients(session: Session, order: Order, rule: NotificationRule) -> list[Recipient]:
    """Who hears about it: the customer first, then each subscription whose scope covers it."""
    found: list[Recipient] = []
    if not customer_email_unsubscribed(session, order):
        found.append(("email", order.email, None))
    if order.phone and order.sms_consent:
        found.append(("sms", order.phone, None))
    subscriptions = session.scalars(
        select(Subscription)
        .where(Subscription.order_id == order.id, Subscription.unsubscribed_at.is_(None))
        .order_by(Subscription.id)
    )
    for sub in subscriptions:
        if sub.scope == "all" or rule.delivery_update:
            found.append((sub.channel, sub.address, sub.id))
    return found


def opted_out(session: Session, phones: set[str]) -> set[str]:
    """The numbers among ``phones`` that texted STOP (and not START since)."""
    if not phones:
        return set()
    rows = session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones), SmsOptOut.opted_out))
    return set(rows)


def _wanted(session: Session, event: Event) -> NotificationRule | None:
    rule = NOTIFICATION_RULES.get(event.type)
    if rule is None or (rule.only_if and not (event.payload or {}).get(rule.only_if)):
        return None
    return None if is_stale(session, event, rule) else rule


def plan_notifications(session: Session, event: Event, order: Order) -> list[OutboxMessage]:
    """Write one pending outbox row per (event, channel, recipient) the rules call for."""
    rule = _wanted(session, event)
    if rule is None:
        return []
    found = recipients(session, order, rule)
    blocked = opted_out(session, {address for channel, address, _ in found if channel == "sms"})
    seen: set[tuple[str, str]] = set()
    messages = []
    for channel, address, subscription_id in found:
        if (channel, address) in seen or (channel == "sms" and address in blocked):
            continue
        seen.add((channel, address))
        message = OutboxMessage(
            event_id=event.id,
            order_id=order.id,
            subscription_id=subscription_id,
            channel=channel,
            recipient=address,
            template=rule.notification,
            status="pending",
            attempts=0,
            next_attempt_at=event.recorded_at,
            created_at=event.recorded_at,
        )
        session.add(message)
        messages.append(message)
    return messages


def settle_history(session: Session, before: datetime) -> int:
    """Mark pending messages planned before ``before`` as skipped: history counts as notified.

    The demo seed calls this so only the most recent day's messages are sent on first dispatch."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.created_at < before)
        .values(status="skipped", last_error="history: counted as already notified")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
