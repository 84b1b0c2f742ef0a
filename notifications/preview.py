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
from core.domain.scans import CarrierScan
from core.errors import NotFound, ValidationFailed
from core.events import orders as order_facts
from core.events import returns as return_facts
from core.events import rows
from core.events import shipments as parcel_facts
from core.events.fact import SYSTEM, Act, Fact
from core.models import Event, Order, OutboxMessage, Refund, Return, Shipment
from core.outbox import NOTIFICATION_CODES, ORDER, PARCEL, PARCEL_CODES
from core.shop import Shop
from notifications.preparing import Preparer
from notifications.rendering import CHANNELS, Rendered

SHIPMENT_CODES = {"shipped", "out_for_delivery", "delivered", "delivery_exception", "available_for_pickup"}
RETURN_CODES = {"return_approved", "return_received", "return_refunded"}
# Where staff's optional message to the customer lands (their internal reason never does).
SAMPLE_MESSAGE = "Your message to the customer, if you write one, appears here."


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


def _shipment_fact(session: Session, order: Order, code: str) -> Fact:
    kind = "exchange" if code == "exchange_shipped" else "outbound"
    shipment = _latest(session, Shipment, order.id, kind=kind)
    if shipment is None:
        raise ValidationFailed(f"Order {order.number} has no {kind} shipment to preview this with.", field="code")
    if code in ("shipped", "exchange_shipped"):
        made = parcel_facts.exchange_shipped if kind == "exchange" else parcel_facts.shipment_shipped
        return made(shipment=shipment, items=[[item.order_line_id, item.quantity] for item in shipment.lines])
    status = NOTIFICATION_CODES[code].removeprefix("shipment.")
    reason = "delay" if status == "exception" else None
    scan = CarrierScan(shipment.tracking_number, status, utcnow(), shipment.last_location, None, reason)
    return parcel_facts.SCANNED[NOTIFICATION_CODES[code]](shipment=shipment, scan=scan, stale=False)


def _return_fact(session: Session, order: Order, code: str) -> Fact:
    ret = _latest(session, Return, order.id)
    if ret is None:
        raise ValidationFailed(f"Order {order.number} has no return to preview this with.", field="code")
    if code == "return_approved":
        return return_facts.return_approved(ret=ret)
    if code == "return_received":
        return return_facts.return_received(ret=ret, restocked=[])
    refund = _latest(session, Refund, order.id, return_id=ret.id)
    amount = refund.amount_minor if refund else 0
    return return_facts.return_refunded(ret=ret, amount=amount, fee=0, due=amount, currency=order.currency)


def _sample_fact(session: Session, order: Order, code: str) -> Fact:
    """The event the notification comes from, made by its typed constructor from the order's own rows."""
    if code in SHIPMENT_CODES or code == "exchange_shipped":
        return _shipment_fact(session, order, code)
    if code in RETURN_CODES:
        return _return_fact(session, order, code)
    if code == "on_hold":
        return order_facts.order_held(order=order, reasons=[order.hold_reason or "address_unverified"])
    if code == "cancelled":
        return order_facts.order_cancelled(
            order=order, reason="requested by customer", message=SAMPLE_MESSAGE, refunded_minor=order.total_minor
        )
    if code == "refunded":
        refund = _latest(session, Refund, order.id) or Refund(
            order_id=order.id, amount_minor=order.total_minor, currency=order.currency, reason="goodwill"
        )
        return order_facts.refund_issued(refund=refund, message=SAMPLE_MESSAGE, cancellation=False)
    return order_facts.order_confirmed(order=order)


def _sample_event(session: Session, order: Order, code: str) -> Event:
    """A sample row of the event, as the log would write it (never saved)."""
    now = utcnow()
    return rows.as_model(rows.Rows().row(_sample_fact(session, order, code), Act(SYSTEM, now), None, now))


def event_for(session: Session, order: Order, code: str) -> tuple[Event, bool]:
    """The order's newest real event of the notification's type, else a sample; and whether it is one."""
    real = _latest(session, Event, order.id, type=NOTIFICATION_CODES[code])
    return (real, False) if real is not None else (_sample_event(session, order, code), True)


def _check(code: str, channel: str, level: str) -> None:
    if code not in NOTIFICATION_CODES:
        raise ValidationFailed(f"Unknown notification {code!r}; choose one of {', '.join(sorted(NOTIFICATION_CODES))}.")
    if channel not in CHANNELS:
        raise ValidationFailed("Choose the email or the SMS channel.", field="channel")
    if level == PARCEL and code not in PARCEL_CODES:
        raise ValidationFailed(f"Subscribers never get {code!r}: it is not news of a parcel.", field="code")


def preview(shop: Shop, preparer: Preparer, order_number: str, code: str, channel: str, level: str = ORDER) -> Preview:
    """Render ``code`` for the order with this number, as its customer (``level`` ORDER) or a
    confirmed subscriber (PARCEL) would receive it."""
    _check(code, channel, level)
    with shop.db.read() as session:
        order = session.scalar(
            select(Order).options(selectinload(Order.customer)).where(Order.number == order_number.strip().upper())
        )
        if order is None:
            raise NotFound(f"No order {order_number!r}.")
        event, sample = event_for(session, order, code)
        recipient = order.email if channel == "email" else (order.phone or "+15555550100")
        shared = preparer.context(session, event, order, level)
    row = OutboxMessage(id=0, order_id=order.id, channel=channel, recipient=recipient, template=code, level=level)
    out = preparer.outgoing(row, shared)
    return Preview(order.number, code, channel, recipient, out.rendered, out.headers, sample)
