"""Notification intents, planned in the same transaction as the event that causes them.

``NOTIFICATION_RULES`` is the table that maps an event type to the customer
notification it triggers and the subscription scope that receives it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Event, Order, OutboxMessage, SmsOptOut, Subscription


@dataclass(frozen=True)
class NotificationRule:
    notification: str  # template code
    delivery_update: bool = False  # also sent to "delivery only" subscriptions


NOTIFICATION_RULES: dict[str, NotificationRule] = {
    "order.confirmed": NotificationRule("order_confirmed"),
    "shipment.shipped": NotificationRule("shipped"),
    "shipment.out_for_delivery": NotificationRule("out_for_delivery", delivery_update=True),
    "shipment.delivered": NotificationRule("delivered", delivery_update=True),
    "shipment.exception": NotificationRule("delivery_exception"),
    "shipment.available_for_pickup": NotificationRule("available_for_pickup", delivery_update=True),
    "order.cancelled": NotificationRule("cancelled"),
    "refund.issued": NotificationRule("refunded"),
    "return.approved": NotificationRule("return_approved"),
    "return.received": NotificationRule("return_received"),
    "return.refunded": NotificationRule("return_refunded"),
    "exchange.shipped": NotificationRule("exchange_shipped"),
}


def _recipients(session: Session, order: Order, rule: NotificationRule) -> list[tuple[str, str, int | None]]:
    found: list[tuple[str, str, int | None]] = [("email", order.email, None)]
    if order.phone and order.sms_consent:
        found.append(("sms", order.phone, None))
    subscriptions = session.scalars(
        select(Subscription).where(Subscription.order_id == order.id, Subscription.unsubscribed_at.is_(None))
    )
    for sub in subscriptions:
        if sub.scope == "all" or rule.delivery_update:
            found.append((sub.channel, sub.address, sub.id))
    return found


def _opted_out(session: Session, phones: set[str]) -> set[str]:
    if not phones:
        return set()
    rows = session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones), SmsOptOut.opted_out))
    return set(rows)


def plan_notifications(session: Session, event: Event, order: Order) -> list[OutboxMessage]:
    """Write one pending outbox row per (event, channel, recipient) the rules call for."""
    rule = NOTIFICATION_RULES.get(event.type)
    if rule is None or event.payload.get("backfill"):
        return []
    recipients = _recipients(session, order, rule)
    blocked = _opted_out(session, {addr for channel, addr, _ in recipients if channel == "sms"})
    seen: set[tuple[str, str]] = set()
    messages = []
    for channel, address, subscription_id in recipients:
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
            next_attempt_at=event.recorded_at,
            created_at=event.recorded_at,
        )
        session.add(message)
        messages.append(message)
    return messages
