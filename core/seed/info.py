"""What a newcomer needs to try the demo: orders to look up, tracking numbers, staff logins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.lifecycle import RETURN_OPEN_STATUSES
from core.models import Order, Return, Shipment, StaffUser
from core.seed.demo import DEMO_EMAIL
from core.seed.run import DEMO_PASSWORD, STAFF_ACCOUNTS
from core.shop import Shop


@dataclass(frozen=True)
class DemoOrder:
    number: str
    email: str
    status: str
    story: str  # one line on what makes it worth a look
    tracking: list[tuple[str, str, str]]  # (tracking number, carrier, status)


@dataclass(frozen=True)
class DemoInfo:
    orders: list[DemoOrder]
    staff: list[tuple[str, str, str]]  # (email, role, password)

    @property
    def tracking_numbers(self) -> list[str]:
        return [number for order in self.orders for number, _, _ in order.tracking]


def _story(order: Order, shipments: list[Shipment], returns: list[Return]) -> str:
    open_return = next((r for r in returns if r.status in RETURN_OPEN_STATUSES), None)
    if open_return is not None:
        return f"return {open_return.rma} is {open_return.status.replace('_', ' ')}"
    if any(s.kind == "exchange" for s in shipments):
        return "exchange: the replacement is " + next(s for s in shipments if s.kind == "exchange").status.replace(
            "_", " "
        )
    if len([s for s in shipments if s.kind == "outbound"]) > 1:
        return "split shipment: " + ", ".join(s.status.replace("_", " ") for s in shipments)
    if order.status == "delivered" and any(line.final_sale for line in order.lines):
        return "delivered: returnable, with a final-sale line"
    return order.status.replace("_", " ")


def _describe(session: Session, order: Order) -> DemoOrder:
    shipments = list(
        session.scalars(
            select(Shipment).where(Shipment.order_id == order.id, Shipment.status != "cancelled").order_by(Shipment.id)
        )
    )
    returns = list(session.scalars(select(Return).where(Return.order_id == order.id).order_by(Return.id)))
    tracking = [(s.tracking_number, s.carrier, s.status) for s in shipments]
    return DemoOrder(order.number, order.email, order.status, _story(order, shipments, returns), tracking)


def _others(session: Session, limit: int) -> list[Order]:
    """The most recent orders of other customers with a parcel on its way."""
    moving = select(Shipment.order_id).where(Shipment.status.in_(("in_transit", "out_for_delivery")))
    query = (
        select(Order)
        .where(Order.email != DEMO_EMAIL, Order.id.in_(moving))
        .order_by(Order.placed_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def demo_info(shop: Shop, others: int = 2) -> DemoInfo:
    with shop.db.read() as session:
        mine = list(session.scalars(select(Order).where(Order.email == DEMO_EMAIL).order_by(Order.placed_at.desc())))
        orders = [_describe(session, order) for order in [*mine, *_others(session, others)]]
        known = dict(session.execute(select(StaffUser.email, StaffUser.role)).tuples().all())
    staff = [(email, known[email], DEMO_PASSWORD) for email, _ in STAFF_ACCOUNTS if email in known]
    return DemoInfo(orders, staff)
