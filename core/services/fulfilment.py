"""Pick, pack and ship: one or several shipments per order, with partial quantities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.domain import shipping
from core.domain.shipping import Parcel
from core.errors import ValidationFailed
from core.events.fact import Act, Actor
from core.models import Order, Shipment
from core.permissions import Permission
from core.services.card_payments import refusals_recorded
from core.services.common import load_order, load_shipment_and_order
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop


def check_tracking(session: Session, raw: str) -> str:
    """The normalised tracking number, if it is well formed and not already on another parcel."""
    number = shipping.tracking_number(raw)
    if session.scalar(select(Shipment.id).where(Shipment.tracking_number == number)) is not None:
        raise ValidationFailed(f"Tracking number {number} is already used.", field="tracking_number")
    return number


def order_shipments(session: Session, order_id: int) -> list[Shipment]:
    return list(session.scalars(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.id)))


def _pack(unit: SessionUnit, act: Act, order: Order, parcel: Parcel) -> Shipment:
    check_tracking(unit.session, parcel.tracking_number)
    packed = shipping.packed_quantities(order_shipments(unit.session, order.id))
    return shipping.pack(unit, act, order, parcel, packed)


def create_shipment(
    shop: Shop,
    order_id: int,
    *,
    carrier_code: str,
    service: str,
    tracking_number: str,
    lines: dict[int, int] | None = None,
    eta: datetime | None = None,
    actor: Actor,
    notify: bool = True,
) -> Shipment:
    """Pack some or all remaining quantities into a labelled parcel."""
    shop.permissions.require(actor, Permission.SHIPMENT_CREATE)
    with unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        parcel = Parcel(carrier_code, service, tracking_number, lines, eta)
        return _pack(unit, Act(actor, utcnow(), notify), order, parcel)


def ship_shipment(
    shop: Shop, shipment_id: int, *, actor: Actor, notify: bool = True, occurred_at: datetime | None = None
) -> Shipment:
    """Hand a labelled parcel to the carrier."""
    shop.permissions.require(actor, Permission.SHIPMENT_UPDATE)
    with refusals_recorded(shop, actor), unit_of_work(shop) as unit:
        shipment, order = load_shipment_and_order(unit.session, shipment_id)
        shipping.hand_over(unit, Act(actor, occurred_at or utcnow(), notify), order, shipment)
        return shipment


def ship_order(
    shop: Shop,
    order_id: int,
    *,
    carrier_code: str,
    service: str,
    tracking_number: str,
    lines: dict[int, int] | None = None,
    occurred_at: datetime | None = None,
    actor: Actor,
    notify: bool = True,
) -> Shipment:
    """Pack and hand over in one transaction: a store or a CSV says "this left with this number"."""
    shop.permissions.require(actor, Permission.SHIPMENT_CREATE)
    with refusals_recorded(shop, actor), unit_of_work(shop) as unit:
        order = load_order(unit.session, order_id)
        act = Act(actor, utcnow(), notify)
        shipment = _pack(unit, act, order, Parcel(carrier_code, service, tracking_number, lines))
        shipping.hand_over(unit, act.happened(occurred_at or act.at), order, shipment)
        return shipment
