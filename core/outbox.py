"""Notification intents, planned in the same transaction as the event that causes them.

``NOTIFICATION_RULES`` is the one table that maps an event type to the customer
notification it triggers, and ``plan`` the one planner: the services, the bulk scan
path and the demo seed all call it, each with an ``Audience`` that answers from where it
keeps its data. Recipients are the order's customer (email, and SMS with consent) plus
every active subscription whose scope covers the notification. Nothing is planned for
staff "don't notify" actions (the logs skip those), for backfilled history, or for a
stale event: one older than an event of the same order, shipment or return that has
already been planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.models import Event, OutboxMessage, SmsOptOut, Subscription


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


class Logged(Protocol):
    """An event as the planner reads it (an ``Event`` row, or a bulk path's record of one)."""

    id: int
    type: str
    order_id: int | None
    shipment_id: int | None
    return_id: int | None
    occurred_at: datetime
    recorded_at: datetime
    payload: dict[str, Any]


class Addressee(Protocol):
    """The order, as far as planning reads it."""

    id: int
    email: str
    phone: str | None
    sms_consent: bool


class Audience(Protocol):
    """Who may hear of an order's events, and what was already planned for it."""

    def has_newer(self, event: Logged, rule: NotificationRule) -> bool: ...
    def recipients(self, order: Addressee, rule: NotificationRule) -> list[Recipient]: ...
    def opted_out(self, phones: set[str]) -> set[str]: ...


def rule_for(code: str, payload: dict[str, Any]) -> NotificationRule | None:
    rule = NOTIFICATION_RULES.get(code)
    if rule is None or (rule.only_if and not payload.get(rule.only_if)):
        return None
    return rule


def is_backfill(event: Logged) -> bool:
    """Imported or late history, and scans older than one already applied: no message."""
    payload = event.payload
    if payload.get("backfill") or payload.get("stale"):
        return True
    return event.recorded_at - event.occurred_at > BACKFILL_AFTER


def message(event: Logged, order_id: int, recipient: Recipient, template: str) -> dict[str, Any]:
    """One outbox row's columns (``OutboxMessage``), pending from the moment the event was recorded."""
    channel, address, subscription_id = recipient
    return {
        "event_id": event.id,
        "order_id": order_id,
        "subscription_id": subscription_id,
        "channel": channel,
        "recipient": address,
        "template": template,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": event.recorded_at,
        "created_at": event.recorded_at,
    }


def plan(audience: Audience, event: Logged, order: Addressee) -> list[dict[str, Any]]:
    """One message per (event, channel, recipient) the rules call for; the caller writes them."""
    rule = rule_for(event.type, event.payload)
    if rule is None or is_backfill(event) or (rule.status_of is not None and audience.has_newer(event, rule)):
        return []
    found = audience.recipients(order, rule)
    blocked = audience.opted_out({address for channel, address, _ in found if channel == "sms"})
    seen: set[tuple[str, str]] = set()
    messages = []
    for recipient in found:
        channel, address, _ = recipient
        if (channel, address) in seen or (channel == "sms" and address in blocked):
            continue
        seen.add((channel, address))
        messages.append(message(event, order.id, recipient, rule.notification))
    return messages


def _aggregate_filter(event: Logged, status_of: str) -> object:
    if status_of == "shipment":
        return Event.shipment_id == event.shipment_id
    if status_of == "return":
        return Event.return_id == event.return_id
    return and_(Event.shipment_id.is_(None), Event.return_id.is_(None))


def customer_email_unsubscribed(session: Session, order: Addressee) -> bool:
    """Did the order's customer stop this order's emails (via the signed unsubscribe link)?

    ``subscription.ended`` events name the address; rows recorded before they did are matched
    against the ended subscriptions of others, each unexplained one counting once.
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


def opted_out(session: Session, phones: set[str]) -> set[str]:
    """The numbers among ``phones`` that texted STOP (and not START since)."""
    if not phones:
        return set()
    rows = session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones), SmsOptOut.opted_out))
    return set(rows)


class SessionAudience:
    """The audience as the database knows it, inside the event's own transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def has_newer(self, event: Logged, rule: NotificationRule) -> bool:
        newer = self.session.scalar(
            select(OutboxMessage.id)
            .join(Event, Event.id == OutboxMessage.event_id)
            .where(
                OutboxMessage.order_id == event.order_id,
                Event.id != event.id,
                Event.occurred_at > event.occurred_at,
                _aggregate_filter(event, rule.status_of or "order"),  # type: ignore[arg-type]
            )
            .limit(1)
        )
        return newer is not None

    def recipients(self, order: Addressee, rule: NotificationRule) -> list[Recipient]:
        """The customer first, then each subscription whose scope covers the notification."""
        found: list[Recipient] = []
        if not customer_email_unsubscribed(self.session, order):
            found.append(("email", order.email, None))
        if order.phone and order.sms_consent:
            found.append(("sms", order.phone, None))
        subscriptions = self.session.scalars(
            select(Subscription)
            .where(Subscription.order_id == order.id, Subscription.unsubscribed_at.is_(None))
            .order_by(Subscription.id)
        )
        for sub in subscriptions:
            if sub.scope == "all" or rule.delivery_update:
                found.append((sub.channel, sub.address, sub.id))
        return found

    def opted_out(self, phones: set[str]) -> set[str]:
        return opted_out(self.session, phones)


def plan_in_session(session: Session, event: Logged, order: Addressee) -> list[OutboxMessage]:
    """Plan ``event``'s messages and add their rows to the session."""
    messages = [OutboxMessage(**fields) for fields in plan(SessionAudience(session), event, order)]
    session.add_all(messages)
    return messages
