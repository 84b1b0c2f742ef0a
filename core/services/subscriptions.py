"""Subscriptions with double opt-in and their consent records, unsubscribing, and SMS opt-outs (STOP / START)."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from core import outbox
from core.clock import utcnow
from core.domain import subscriptions as rules
from core.domain.commands import normalise_email
from core.errors import NotFound, ValidationFailed
from core.events import orders as facts
from core.events.fact import CUSTOMER, Act
from core.events.log import SessionLog
from core.lifecycle import record
from core.models import Order, Shipment, SmsOptOut, Subscription
from core.services.common import load_order
from core.shop import Shop
from core.wording import translatable

SCOPES = ("all", "delivery")


def normalise_phone(raw: str, default_region: str = "US") -> str:
    """E.164, or a ``ValidationFailed`` a person can act on."""
    try:
        number = phonenumbers.parse(raw.strip()[:40], default_region)
    except phonenumbers.NumberParseException:
        raise ValidationFailed(translatable("That phone number does not look right."), field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(translatable("That phone number is not a valid number."), field="phone")
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
    shipment_id: int | None = None,
    channel: str,
    address: str,
    scope: str,
    consent_text: str,
    consent_source: str,
) -> Subscription:
    """Ask for updates (of one parcel, or of every parcel of the order) and record the consent given.

    Nothing but the confirmation request is sent until the address confirms (``confirm_by_link``,
    ``confirm_by_reply``); asking again renews an unconfirmed request, and changes nothing once confirmed.
    """
    if scope not in SCOPES:
        raise ValidationFailed("Choose all updates, or delivery updates only.", field="scope")
    normalised = normalise_address(channel, address)
    with shop.db.write() as session:
        order = load_order(session, order_id)  # locked: two requests for one order queue up
        if shipment_id is not None and session.scalar(_parcel_of(order.id, shipment_id)) is None:
            raise NotFound(f"No parcel #{shipment_id} on this order.")
        now = utcnow()
        asked_today = _asked_today(session, channel, normalised, now)
        sub = session.scalar(_subscription(order.id, shipment_id, channel, normalised)) or Subscription(
            order_id=order.id, shipment_id=shipment_id, channel=channel, address=normalised
        )
        if not rules.should_ask(sub, now, asked_today):
            return sub  # confirmed already, or asked very recently: nothing new is sent
        rules.ask(sub, scope=scope, consent_text=consent_text, consent_source=consent_source, now=now)
        session.add(sub)
        session.flush()
        created = facts.subscription_created(
            order_id=order.id, channel=channel, scope=scope, subscription_id=sub.id, shipment_id=shipment_id
        )
        record(SessionLog(session), Act(CUSTOMER, now), created)
        return sub


def _parcel_of(order_id: int, shipment_id: int) -> Select[tuple[int]]:
    return select(Shipment.id).where(Shipment.id == shipment_id, Shipment.order_id == order_id)


def _subscription(order_id: int, shipment_id: int | None, channel: str, address: str) -> Select[tuple[Subscription]]:
    parcel = Subscription.shipment_id.is_(None) if shipment_id is None else Subscription.shipment_id == shipment_id
    return select(Subscription).where(
        Subscription.order_id == order_id, parcel, Subscription.channel == channel, Subscription.address == address
    )


def _asked_today(session: Session, channel: str, address: str, now: datetime) -> int:
    """Unconfirmed requests to this address in the last day, over every order and parcel."""
    query = select(func.count(Subscription.id)).where(
        Subscription.channel == channel,
        Subscription.address == address,
        Subscription.confirmed_at.is_(None),
        Subscription.consent_at > now - timedelta(days=1),
    )
    return int(session.scalar(query) or 0)


def _confirm(session: Session, sub: Subscription, *, via: str, source: str) -> Subscription:
    now = utcnow()
    rules.confirm(sub, via=via, source=source, now=now)
    done = facts.subscription_confirmed(order_id=sub.order_id, channel=sub.channel, subscription_id=sub.id, via=via)
    record(SessionLog(session), Act(CUSTOMER, now), done)
    return sub


def confirm_by_link(shop: Shop, subscription_id: int, *, source: str) -> Subscription:
    """The email's confirmation link was followed (and its page's button pressed). Again: no change."""
    with shop.db.write() as session:
        order_id = session.scalar(select(Subscription.order_id).where(Subscription.id == subscription_id))
        if order_id is None:
            raise NotFound("That request no longer exists.")
        load_order(session, order_id)  # the order first, as every service locks
        sub = session.get_one(Subscription, subscription_id)
        if sub.channel != "email" or sub.unsubscribed_at is not None:
            raise ValidationFailed(
                translatable("This request was withdrawn. Ask again from the tracking page."), field="link"
            )
        if sub.confirmed_at is not None:
            return sub
        if not rules.is_awaiting(sub, utcnow()):
            raise ValidationFailed(
                translatable("This request has expired. Ask again from the tracking page."), field="link"
            )
        return _confirm(session, sub, via="email", source=source)


def confirm_by_reply(shop: Shop, phone: str, *, code: str | None, source: str) -> Subscription | None:
    """A text from ``phone``: YES (``code`` None) confirms its newest open request, a code the request
    that sent it. Only the number asked can confirm: the reply comes from it. None: nothing to confirm."""
    with shop.db.write() as session:
        waiting = session.scalars(
            select(Subscription)
            .where(Subscription.channel == "sms", Subscription.address == phone, Subscription.confirmed_at.is_(None))
            .order_by(Subscription.consent_at.desc(), Subscription.id.desc())
        )
        now = utcnow()
        chosen = next(
            (
                s
                for s in waiting
                if rules.is_awaiting(s, now) and (code is None or hmac.compare_digest(s.confirm_code or "", code))
            ),
            None,
        )
        if chosen is None:
            return None
        load_order(session, chosen.order_id)
        session.refresh(chosen)  # as it is now the order is locked: a reply sent twice confirms once
        if chosen.confirmed_at is not None:
            return chosen
        return _confirm(session, chosen, via="sms", source=source)


def unsubscribe(shop: Shop, *, channel: str, address: str, order_id: int | None) -> int:
    """Stop updates to ``address``: for one order, or for every order when ``order_id`` is None.

    Returns how many subscriptions ended. For the order's own customer email the order stops
    emailing them too. A ``subscription.ended`` event is recorded only when something stopped:
    the same link followed again (mail clients and scanners repeat one-click POSTs) records nothing."""
    if channel not in ("email", "sms"):
        raise ValidationFailed("Choose email or SMS.", field="channel")
    try:
        address = normalise_address(channel, address)
    except ValidationFailed:
        address = address.strip().lower()  # stored addresses are normalised; this one just matches nothing
    with shop.db.write() as session:
        # Locked, so repeats sent at once queue up and each sees what the one before it stopped.
        order = (
            session.scalar(select(Order).where(Order.id == order_id).with_for_update())
            if order_id is not None
            else None
        )
        query = update(Subscription).where(
            Subscription.channel == channel, Subscription.address == address, Subscription.unsubscribed_at.is_(None)
        )
        if order_id is not None:
            query = query.where(Subscription.order_id == order_id)
        ended = int(session.execute(query.values(unsubscribed_at=utcnow())).rowcount)
        if order is not None and (ended or _customer_still_emailed(session, order, channel, address)):
            stopped = facts.subscription_ended(order_id=order.id, channel=channel, address=address)
            record(SessionLog(session), Act(CUSTOMER, utcnow()), stopped)
        return ended


def _customer_still_emailed(session: Session, order: Order, channel: str, address: str) -> bool:
    return channel == "email" and address == order.email and not outbox.customer_email_unsubscribed(session, order)


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
