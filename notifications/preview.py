"""Previews: what a notification looks like for a real order, through the sending code path.

The newest real event of the notification's type is used when the order has one. Otherwise a
sample event is built from the order's own shipments, returns and refunds (never saved).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.clock import utcnow
from core.errors import NotFound, ValidationFailed
from core.events.catalogue import EXCEPTION_TEXT, HOLD_REASON_TEXT
from core.models import Event, Order, OutboxMessage, Refund, Return, Shipment
from core.money import money_text
from core.outbox import NOTIFICATION_CODES
from core.shop import Shop
from notifications import context as ctx
from notifications.preparing import Preparer
from notifications.rendering import CHANNELS, Rendered

SHIPMENT_CODES = {"shipped", "out_for_delivery", "delivered", "delivery_exception", "available_for_pickup"}
RETURN_CODES = {"return_approved", "return_received", "return_refunded"}


@dataclass(frozen=True)
class Preview:
    order_number: str
    code: str
    channel: str
    recipient: str
    rendered: Rendered
    headers: dict[str, str]
    sample: bool  # True when no real event of this type exists yet


def _latest(session: Session, model: Any, order_id: int, **where: Any) -> Any:
    query = select(model).where(model.order_id == order_id).filter_by(**where).order_by(model.id.desc())
    return session.scalars(query.limit(1)).first()


def _sample_payload(session: Session, order: Order, code: str) -> dict[str, Any]:
    total = money_text(order.total_minor, order.currency)
    if code == "on_hold":
        reason = order.hold_reason or "address_unverified"
        return {"reason": reason, "reason_text": HOLD_REASON_TEXT.get(reason, reason), "customer_action": True}
    if code == "delivery_exception":
        headline, step = EXCEPTION_TEXT["delay"]
        return {"exception_reason": "delay", "exception_text": headline, "next_step": step}
    if code == "cancelled":
        return {"reason": "requested by customer", "refunded_minor": order.total_minor, "refunded_text": total}
    if code in ("refunded", "return_refunded"):
        refund = _latest(session, Refund, order.id)
        amount = money_text(refund.amount_minor, order.currency) if refund else total
        return {"amount_text": amount, "reason": refund.reason if refund else "goodwill"}
    return {"total_text": total}


def _sample_event(session: Session, order: Order, code: str) -> Event:
    event = Event(type=NOTIFICATION_CODES[code], order_id=order.id, occurred_at=utcnow(), payload={})
    if code in SHIPMENT_CODES or code == "exchange_shipped":
        kind = "exchange" if code == "exchange_shipped" else "outbound"
        shipment = _latest(session, Shipment, order.id, kind=kind)
        if shipment is None:
            raise ValidationFailed(f"Order {order.number} has no {kind} shipment to preview this with.", field="code")
        event.shipment_id = shipment.id
    if code in RETURN_CODES:
        ret = _latest(session, Return, order.id)
        if ret is None:
            raise ValidationFailed(f"Order {order.number} has no return to preview this with.", field="code")
        event.return_id = ret.id
    event.payload = _sample_payload(session, order, code)
    return event


def _event(session: Session, order: Order, code: str) -> tuple[Event, bool]:
    real = _latest(session, Event, order.id, type=NOTIFICATION_CODES[code])
    return (real, False) if real is not None else (_sample_event(session, order, code), True)


def _check(code: str, channel: str) -> None:
    if code not in NOTIFICATION_CODES:
        raise ValidationFailed(f"Unknown notification {code!r}; choose one of {', '.join(sorted(NOTIFICATION_CODES))}.")
    if channel not in CHANNELS:
        raise ValidationFailed("Choose the email or the SMS channel.", field="channel")


def preview(shop: Shop, preparer: Preparer, order_number: str, code: str, channel: str) -> Preview:
    """Render ``code`` for the order with this number, as its customer would receive it."""
    _check(code, channel)
    with shop.db.read() as session:
        order = session.scalar(
            select(Order).options(selectinload(Order.customer)).where(Order.number == order_number.strip().upper())
        )
        if order is None:
            raise NotFound(f"No order {order_number!r}.")
        event, sample = _event(session, order, code)
        recipient = order.email if channel == "email" else (order.phone or "+15555550100")
        shared = ctx.event_context(session, event, order, links=preparer.links, branding=preparer.branding)
    row = OutboxMessage(id=0, order_id=order.id, channel=channel, recipient=recipient, template=code)
    out = preparer.outgoing(row, shared)
    return Preview(order.number, code, channel, recipient, out.rendered, out.headers, sample)
