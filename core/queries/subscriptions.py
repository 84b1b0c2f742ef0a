"""What the subscription confirmation page shows: whose request it is (masked) and the parcel's public page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Order, Shipment, Subscription
from core.queries.masking import mask_email, mask_phone


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    channel: str
    address: str  # masked: the link may be forwarded
    tracking_number: str | None  # the parcel followed; None: every parcel of an order
    confirmed: bool
    ended: bool
    locale: str | None = None  # the order's: its messages and pages speak it


def subscription_view(session: Session, subscription_id: int) -> SubscriptionView | None:
    row = session.execute(
        select(
            Subscription.channel,
            Subscription.address,
            Shipment.tracking_number,
            Subscription.confirmed_at,
            Subscription.unsubscribed_at,
            Order.locale,
        )
        .join(Order, Order.id == Subscription.order_id)
        .outerjoin(Shipment, Shipment.id == Subscription.shipment_id)
        .where(Subscription.id == subscription_id)
    ).first()
    if row is None:
        return None
    channel, address, number, confirmed_at, ended_at, locale = row
    shown = mask_email(address) if channel == "email" else mask_phone(address)
    confirmed, ended = confirmed_at is not None, ended_at is not None
    return SubscriptionView(subscription_id, channel, shown, number, confirmed, ended, locale)
