"""Update subscriptions, their consent records, and SMS opt-outs (STOP / START)."""

from __future__ import annotations

import phonenumbers
from sqlalchemy import select, update

from core.clock import utcnow
from core.domain.commands import normalise_email
from core.errors import ValidationFailed
from core.events import orders as facts
from core.events.fact import CUSTOMER, Act
from core.events.log import SessionLog
from core.lifecycle import record
from core.models import Order, SmsOptOut, Subscription
from core.services.common import load_order
from core.shop import Shop

SCOPES = ("all", "delivery")


def normalise_phone(raw: str, default_region: str = "US") -> str:
    """E.164, or a ``ValidationFailed`` a person can act on."""
    try:
        number = phonenumbers.parse(raw.strip()[:40], default_region)
    except phonenumbers.NumberParseException:
        raise ValidationFailed("That phone number does not look right.", field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed("That phone number is not a valid number.", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_address(channel: str, raw: str) -> str:
    if channel == "email":
        return normalise_email(raw)
    if channel == "sms":
        return normalise_phone(raw)
    raise ValidationFailed("Choose email or SMS.", field="channel")


def subscribe(
    shop: Shop,
    order_id: int,
    *,
    channel: str,
    address: str,
    scope: str,
    consent_text: str,
    consent_source: str,
) -> Subscription:
    """Record a subscription and the consent given; subscribing again renews it."""
    if scope not in SCOPES:
        raise ValidationFailed("Choose all updates, or delivery updates only.", field="scope")
    normalised = normalise_address(channel, address)
    with shop.db.write() as session:
        order = load_order(session, order_id)
        sub = session.scalar(
            select(Subscription).where(
                Subscription.order_id == order.id, Subscription.channel == channel, Subscription.address == normalised
            )
        )
        if sub is None:
            sub = Subscription(order_id=order.id, channel=channel, address=normalised)
            session.add(sub)
        sub.scope, sub.consent_text, sub.consent_source = scope, consent_text[:2000], consent_source[:300]
        sub.consent_at, sub.unsubscribed_at = utcnow(), None
        session.flush()
        created = facts.subscription_created(order_id=order.id, channel=channel, scope=scope, subscription_id=sub.id)
        record(SessionLog(session), Act(CUSTOMER, utcnow()), created)
        return sub


def unsubscribe(shop: Shop, *, channel: str, address: str, order_id: int | None) -> int:
    """Stop updates to ``address``: for one order, or for every order when ``order_id`` is None.

    Returns how many subscriptions ended. For the order's own customer email the order
    stops emailing them too (recorded as an ended subscription event)."""
    if channel not in ("email", "sms"):
        raise ValidationFailed("Choose email or SMS.", field="channel")
    try:
        address = normalise_address(channel, address)
    except ValidationFailed:
        address = address.strip().lower()  # stored addresses are normalised; this one just matches nothing
    with shop.db.write() as session:
        query = update(Subscription).where(
            Subscription.channel == channel, Subscription.address == address, Subscription.unsubscribed_at.is_(None)
        )
        if order_id is not None:
            query = query.where(Subscription.order_id == order_id)
        ended = session.execute(query.values(unsubscribed_at=utcnow())).rowcount
        order = session.get(Order, order_id) if order_id is not None else None
        if order is not None:
            stopped = facts.subscription_ended(order_id=order.id, channel=channel, address=address)
            record(SessionLog(session), Act(CUSTOMER, utcnow()), stopped)
        return int(ended)


def set_sms_opt_out(shop: Shop, phone: str, *, opted_out: bool) -> None:
    """STOP (``opted_out=True``) or START for a phone number, across every order."""
    with shop.db.write() as session:
        row = session.get(SmsOptOut, phone)
        if row is None:
            row = SmsOptOut(phone=phone)
            session.add(row)
        row.opted_out, row.changed_at = opted_out, utcnow()


def is_opted_out(shop: Shop, phone: str) -> bool:
    with shop.db.read() as session:
        return bool(session.scalar(select(SmsOptOut.opted_out).where(SmsOptOut.phone == phone)))
