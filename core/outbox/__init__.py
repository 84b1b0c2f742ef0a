"""Notification intents, planned in the same transaction as the event that causes them.

``NOTIFICATION_RULES`` is the one table that maps an event type to the customer
notification it triggers, and ``plan`` the one planner: the services, the bulk scan
path and the demo seed all call it, each with an ``Audience`` that answers from where it
keeps its data. Nothing is planned for staff "don't notify" actions (the logs skip those),
for backfilled history, or for a stale event: one older than an event of the same order,
shipment or return that has already been planned.

Who hears, and what they may read (each outbox row's ``level``), is decided here and nowhere else:

* the order's own contact (its email, and its phone with SMS consent) hears every rule, ``order``-level:
  names, items, money and signed order links;
* a subscription (made on a public page, by anyone) is ``parcel``-level: before its address confirms,
  it hears only its confirmation request; after, only news of the parcel it follows, with the parcel's
  public tracking page as the one link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Event, OutboxMessage, SmsOptOut, Subscription

# What a recipient may read: the whole order (its own contact), or one parcel's public status (anyone else).
ORDER, PARCEL = "order", "parcel"


@dataclass(frozen=True)
class NotificationRule:
    notification: str  # template code under notifications/templates/<code>/ (and _parcel/<code>/)
    delivery_update: bool = False  # also sent to "delivery updates only" subscriptions
    only_if: str | None = None  # a payload flag that must be true (e.g. the customer must act)
    status_of: str | None = "order"  # the aggregate whose newer notified status makes this stale
    parcel: bool = False  # news of one parcel: confirmed subscriptions hear it too, parcel-level
    requester: bool = False  # only to the (unconfirmed) subscription the event names: its confirmation request


def _parcel_news(notification: str) -> NotificationRule:
    return NotificationRule(notification, delivery_update=True, status_of="shipment", parcel=True)


NOTIFICATION_RULES: dict[str, NotificationRule] = {
    "order.confirmed": NotificationRule("order_confirmed"),
    "order.held": NotificationRule("on_hold", only_if="customer_action"),
    "shipment.shipped": _parcel_news("shipped"),
    "shipment.out_for_delivery": _parcel_news("out_for_delivery"),
    "shipment.delivered": _parcel_news("delivered"),
    "shipment.exception": _parcel_news("delivery_exception"),
    "shipment.available_for_pickup": _parcel_news("available_for_pickup"),
    "order.cancelled": NotificationRule("cancelled"),
    "refund.issued": NotificationRule("refunded", status_of=None),  # every refund is news, never stale
    "return.approved": NotificationRule("return_approved", status_of="return"),
    "return.received": NotificationRule("return_received", status_of="return"),
    "return.refunded": NotificationRule("return_refunded", status_of="return"),
    "exchange.shipped": _parcel_news("exchange_shipped"),
    "subscription.created": NotificationRule("subscription_confirm", status_of=None, requester=True),
}

# The order's own contact's notifications (order-level; previews show these), by the event type causing each.
NOTIFICATION_CODES: dict[str, str] = {r.notification: code for code, r in NOTIFICATION_RULES.items() if not r.requester}
NEWS = frozenset(NOTIFICATION_CODES.values())  # event types that tell of the order or a parcel
# Notifications with a parcel-level version (templates under _parcel/<code>/): parcel news and the confirmation request.
PARCEL_CODES = frozenset(r.notification for r in NOTIFICATION_RULES.values() if r.parcel or r.requester)
CONFIRMATION = NOTIFICATION_RULES["subscription.created"].notification

# An event recorded this long after it happened is imported history, not news.
BACKFILL_AFTER = timedelta(hours=48)


class Recipient(NamedTuple):
    channel: str
    address: str
    subscription_id: int | None = None
    level: str = PARCEL  # one not named the order's own contact reads parcel-level


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


class Subscriber(Protocol):
    """A subscription, as far as planning reads it (only active ones are handed over)."""

    id: int
    channel: str
    address: str
    scope: str
    shipment_id: int | None
    confirmed_at: datetime | None


class Audience(Protocol):
    """Who may hear of an order's events, and what was already planned for it."""

    def planned(self, event: Logged) -> list[Logged]: ...  # the order's events that have messages
    def recipients(self, order: Addressee, rule: NotificationRule, event: Logged) -> list[Recipient]: ...
    def opted_out(self, phones: set[str]) -> set[str]: ...


def same_aggregate(one: Logged, other: Logged, status_of: str) -> bool:
    """Are both about the same shipment, the same return, or (``order``) the order itself?"""
    if status_of == "shipment":
        return one.shipment_id == other.shipment_id
    if status_of == "return":
        return one.return_id == other.return_id
    return other.shipment_id is None and other.return_id is None


def is_stale(event: Logged, rule: NotificationRule, planned: list[Logged]) -> bool:
    """True when a newer event of the same aggregate already has its messages."""
    if rule.status_of is None:
        return False
    return any(
        other.id != event.id
        and other.occurred_at > event.occurred_at
        and same_aggregate(event, other, rule.status_of)
        and other.type in NEWS  # a confirmation request tells of nothing, so it makes nothing stale
        for other in planned
    )


def customer_recipients(order: Addressee, rule: NotificationRule, *, email_stopped: bool) -> list[Recipient]:
    """The order's own contact, order-level: by email unless they stopped it, by SMS only with consent."""
    if rule.requester:
        return []
    found = [] if email_stopped else [Recipient("email", order.email, None, ORDER)]
    if order.phone and order.sms_consent:
        found.append(Recipient("sms", order.phone, None, ORDER))
    return found


def hears(sub: Subscriber, rule: NotificationRule, event: Logged) -> bool:
    """Does an active subscription hear of ``event``? Unconfirmed, only its own confirmation request;
    confirmed, only news of the parcel it follows (of every parcel, when made on the order page)."""
    if rule.requester:
        return sub.id == event.payload.get("subscription_id") and sub.confirmed_at is None
    return (
        rule.parcel
        and sub.confirmed_at is not None
        and (sub.scope == "all" or rule.delivery_update)
        and sub.shipment_id in (None, event.shipment_id)
    )


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


def message(event: Logged, order_id: int | None, recipient: Recipient, template: str) -> dict[str, Any]:
    """One outbox row's columns (``OutboxMessage``), pending from the moment the event was recorded."""
    return {
        "event_id": event.id,
        "order_id": order_id,
        "subscription_id": recipient.subscription_id,
        "channel": recipient.channel,
        "recipient": recipient.address,
        "template": template,
        "level": recipient.level,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": event.recorded_at,
        "created_at": event.recorded_at,
    }


def plan(audience: Audience, event: Logged, order: Addressee) -> list[dict[str, Any]]:
    """One message per (event, channel, recipient) the rules call for; the caller writes them."""
    rule = rule_for(event.type, event.payload)
    if rule is None or is_backfill(event) or is_stale(event, rule, audience.planned(event)):
        return []
    found = audience.recipients(order, rule, event)
    blocked = audience.opted_out({r.address for r in found if r.channel == "sms"})
    seen: set[tuple[str, str]] = set()
    messages = []
    for recipient in found:  # the order's own contact first: one address gets one copy, theirs
        key = (recipient.channel, recipient.address)
        if key in seen or (recipient.channel == "sms" and recipient.address in blocked):
            continue
        seen.add(key)
        messages.append(message(event, order.id, recipient, rule.notification))
    return messages


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

    def planned(self, event: Logged) -> list[Logged]:
        """The order's events newer than ``event`` that already have messages (few per order)."""
        query = (
            select(Event)
            .where(
                Event.order_id == event.order_id,
                Event.occurred_at > event.occurred_at,
                Event.id.in_(select(OutboxMessage.event_id).where(OutboxMessage.order_id == event.order_id)),
            )
            .order_by(Event.id)
        )
        return list(self.session.scalars(query))

    def recipients(self, order: Addressee, rule: NotificationRule, event: Logged) -> list[Recipient]:
        """The order's own contact first, then the active subscriptions the rule reaches."""
        stopped = not rule.requester and customer_email_unsubscribed(self.session, order)
        found = customer_recipients(order, rule, email_stopped=stopped)
        if not (rule.parcel or rule.requester):
            return found
        subscriptions = self.session.scalars(
            select(Subscription)
            .where(Subscription.order_id == order.id, Subscription.unsubscribed_at.is_(None))
            .order_by(Subscription.id)
        )
        return found + [Recipient(s.channel, s.address, s.id, PARCEL) for s in subscriptions if hears(s, rule, event)]

    def opted_out(self, phones: set[str]) -> set[str]:
        return opted_out(self.session, phones)


def plan_in_session(session: Session, event: Logged, order: Addressee) -> list[OutboxMessage]:
    """Plan ``event``'s messages and add their rows to the session."""
    messages = [OutboxMessage(**fields) for fields in plan(SessionAudience(session), event, order)]
    session.add_all(messages)
    return messages
