"""What the subscription confirmation page shows: whose request it is (masked) and the parcel's public page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Shipment, Subscription
from core.queries.masking import mask_email, mask_phone


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    channel: str
    address: str  # masked: the link may be forwarded
    tracking_number: str | None  # the parcel followed; None: every parcel of an order
    confirmed: bool
    ended: bool


def subscription_view(session: Session, subscription_id: int) -> SubscriptionView | None:
    row = session.execute(
        select(
            Subscription.channel,
            Subscription.address,
            Shipment.tracking_number,
            Subscription.confirmed_at,
            Subscription.unsubscribed_at,
        )
        .outerjoin(Shipment, Shipment.id == Subscription.shipment_id)
        .where(Subscription.id == subscription_id)
    ).first()
    if row is None:
        return None
    channel, address, number, confirmed_at, ended_at = row
    shown = mask_email(address) if channel == "email" else mask_phone(address)
    return SubscriptionView(subscription_id, channel, shown, number, confirmed_at is not None, ended_at is not None)
