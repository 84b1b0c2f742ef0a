"""Read paths for the return flow: exchange choices, the review estimate and the return page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.domain.commands import ReturnLineInput
from core.domain.return_resolution import refund_amount
from core.events.catalogue import VISIBLE_TO
from core.lifecycle import ReturnStatus
from core.models import Order, OrderLine, Return, ReturnLine, Variant
from core.policies import RETURN_REASONS, ReturnPolicy
from core.queries.timeline import EVENTS, TimelineEntry, entries, timeline_select

L, R, RL, V = OrderLine.__table__.c, Return.__table__.c, ReturnLine.__table__.c, Variant.__table__.c

# The customer may cancel until the parcel is on its way back.
CANCELLABLE = frozenset({ReturnStatus.REQUESTED, ReturnStatus.APPROVED})


@dataclass(frozen=True)
class VariantOption:
    id: int
    title: str
    available: int


@dataclass(frozen=True)
class ReturnLineView:
    name: str
    variant_title: str
    quantity: int
    reason: str
    note: str
    resolution: str
    exchange_title: str


@dataclass(frozen=True)
class ReturnView:
    id: int
    order_id: int
    rma: str
    status: str
    created_at: datetime
    customer_note: str
    restocking_fee_minor: int
    return_tracking_number: str
    currency: str
    lines: tuple[ReturnLineView, ...]
    timeline: tuple[TimelineEntry, ...]
    locale: str | None = None  # the order's: the customer's language tag, if known

    @property
    def cancellable(self) -> bool:
        return self.status in CANCELLABLE

    @property
    def has_exchange(self) -> bool:
        return any(line.resolution == "exchange" for line in self.lines)


def exchange_options(session: Session, order_id: int) -> dict[int, list[VariantOption]]:
    """Per order line: the other variants of the same product that are in stock now."""
    mine = select(L.id, L.variant_id, V.product_id).join(Variant.__table__, V.id == L.variant_id)
    lines = session.execute(mine.where(L.order_id == order_id)).all()
    products = {product_id for _, _, product_id in lines}
    variants = session.execute(
        select(V.id, V.product_id, V.title, V.on_hand - V.reserved)
        .where(V.product_id.in_(products), V.on_hand - V.reserved > 0)
        .order_by(V.id)
    ).all()
    by_product: dict[int, list[VariantOption]] = defaultdict(list)
    for variant_id, product_id, title, available in variants:
        by_product[product_id].append(VariantOption(variant_id, title, int(available)))
    return {
        line_id: [option for option in by_product[product_id] if option.id != variant_id]
        for line_id, variant_id, product_id in lines
    }


def estimate_refund(
    session: Session, order_id: int, items: Sequence[ReturnLineInput], policy: ReturnPolicy
) -> tuple[int, int]:
    """(refund, restocking fee) the chosen lines would bring, by the same formula as the real refund."""
    order = session.get_one(Order, order_id)
    draft = [ReturnLine(order_line_id=i.order_line_id, quantity=i.quantity, resolution=i.resolution) for i in items]
    return refund_amount(order, draft, policy)


def return_id_for(session: Session, order_id: int, rma: str) -> int | None:
    """A return of this order by RMA; another order's RMA finds nothing."""
    return session.scalar(select(R.id).where(R.rma == rma, R.order_id == order_id))


def _line_views(session: Session, return_id: int) -> tuple[ReturnLineView, ...]:
    exchange = Variant.__table__.alias("exchange")
    rows = session.execute(
        select(L.name, L.variant_title, RL.quantity, RL.reason, RL.note, RL.resolution, exchange.c.title)
        .join(OrderLine.__table__, L.id == RL.order_line_id)
        .outerjoin(exchange, exchange.c.id == RL.exchange_variant_id)
        .where(RL.return_id == return_id)
        .order_by(RL.id)
    )
    return tuple(
        ReturnLineView(name, title, qty, RETURN_REASONS.get(reason, reason), note or "", resolution, swap or "")
        for name, title, qty, reason, note, resolution, swap in rows
    )


def return_view(session: Session, order_id: int, rma: str) -> ReturnView | None:
    row = session.execute(select(R).where(R.rma == rma, R.order_id == order_id)).first()
    if row is None:
        return None
    events = session.execute(timeline_select(VISIBLE_TO["customer"]).where(EVENTS.c.return_id == row.id))
    currency, locale = session.execute(select(Order.currency, Order.locale).where(Order.id == order_id)).one()
    return ReturnView(
        id=row.id,
        order_id=row.order_id,
        rma=row.rma,
        status=row.status,
        created_at=as_utc(row.created_at),
        customer_note=row.customer_note or "",
        restocking_fee_minor=row.restocking_fee_minor,
        return_tracking_number=row.return_tracking_number or "",
        currency=currency or "USD",
        lines=_line_views(session, row.id),
        timeline=tuple(entries(events, carrier_words=False)),
        locale=locale,
    )


def rma_for_token(session: Session, order_id: int, client_token: str) -> str | None:
    """The RMA a return form's token already created, if it did."""
    return session.scalar(select(R.rma).where(R.order_id == order_id, R.client_token == client_token))


def return_estimate(session: Session, return_id: int, policy: ReturnPolicy) -> tuple[int, int]:
    """(refund, restocking fee) of a recorded return, by the formula its refund will use."""
    ret = session.get_one(Return, return_id)
    return refund_amount(session.get_one(Order, ret.order_id), ret.lines, policy)
