"""The order page's read path: everything a verified customer may see, addresses masked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.carriers import carrier
from core.clock import as_utc
from core.domain.returns import delivered_times, eligibility
from core.events.catalogue import VISIBLE_TO
from core.lifecycle import PaymentStatus
from core.models import Order, OrderAddress, OrderLine, Payment, Refund, Return, Shipment, ShipmentLine
from core.money import paid_unit_minor
from core.policies import LineEligibility, ReturnPolicy
from core.queries import masking
from core.queries.timeline import EVENTS, TimelineEntry, entries, timeline_select
from core.queries.tracking import SETTLED_SHIPMENT

ORD, L, A = Order.__table__.c, OrderLine.__table__.c, OrderAddress.__table__.c
S, SL = Shipment.__table__.c, ShipmentLine.__table__.c
P, RF, R = Payment.__table__.c, Refund.__table__.c, Return.__table__.c

SETTLED_ORDER = frozenset({"delivered", "closed", "cancelled"})


@dataclass(frozen=True)
class LookupRow:
    order_id: int
    email: str
    phone: str | None


@dataclass(frozen=True)
class LineView:
    id: int
    variant_id: int
    name: str
    variant_title: str
    quantity: int
    unit_price_minor: int
    paid_unit_minor: int
    qty_shipped: int
    qty_delivered: int
    eligibility: LineEligibility
    carried_by: tuple[tuple[str, int], ...]  # (tracking number, quantity)
    replaces: str | None = None  # an exchange's replacement: the item it replaces ("Classic Tee M")

    @property
    def total_minor(self) -> int:
        return self.paid_unit_minor * self.quantity


@dataclass(frozen=True)
class ShipmentView:
    id: int
    kind: str
    carrier_name: str
    carrier_url: str
    tracking_number: str
    status: str
    exception_reason: str | None
    original_eta: datetime | None
    current_eta: datetime | None
    delivered_at: datetime | None
    items: tuple[tuple[str, str, int], ...]  # (name, variant, quantity)
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class OrderView:
    id: int
    number: str
    status: str
    version: int
    placed_at: datetime
    currency: str
    amounts: dict[str, int]  # subtotal, discount, shipping, tax, total
    email_masked: str
    phone_masked: str
    lines: tuple[LineView, ...]
    shipments: tuple[ShipmentView, ...]
    payments: tuple[dict[str, Any], ...]
    refunds: tuple[dict[str, Any], ...]
    returns: tuple[dict[str, Any], ...]
    addresses: tuple[dict[str, str], ...]
    timeline: tuple[TimelineEntry, ...]  # order-level and return events
    locale: str | None = None  # the customer's language tag, if the store or the API gave one

    @property
    def moving(self) -> bool:
        return self.status not in SETTLED_ORDER or any(
            s.status not in SETTLED_SHIPMENT and s.status != "label_created" for s in self.shipments
        )

    @property
    def any_returnable(self) -> bool:
        return any(line.eligibility.eligible for line in self.lines)


def lookup_row(session: Session, number: str) -> LookupRow | None:
    """The contact details a lookup compares against; always one indexed select."""
    row = session.execute(select(ORD.id, ORD.email, ORD.phone).where(ORD.number == number)).first()
    return None if row is None else LookupRow(row[0], row[1], row[2])


def order_locale(session: Session, order_id: int) -> str | None:
    """The customer's language tag on the order, if the store or the API gave one."""
    return session.scalar(select(ORD.locale).where(ORD.id == order_id))


def order_version(session: Session, order_id: int) -> int | None:
    return session.scalar(select(ORD.version).where(ORD.id == order_id))


def _lines(session: Session, order_id: int, policy: ReturnPolicy, now: datetime) -> list[Any]:
    rows = session.execute(select(L).where(L.order_id == order_id).order_by(L.id)).all()
    delivered = delivered_times(session.scalars(select(Shipment).where(Shipment.order_id == order_id)))
    checks = eligibility(rows, delivered, policy, now)  # type: ignore[arg-type]
    return [(row, checks[row.id]) for row in rows]


def _shipments(session: Session, order_id: int, names: dict[int, tuple[str, str]]) -> list[ShipmentView]:
    rows = session.execute(select(S).where(S.order_id == order_id).order_by(S.id)).all()
    items: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for sl in session.execute(select(SL).join(Shipment.__table__).where(S.order_id == order_id).order_by(SL.id)):
        name, title = names.get(sl.order_line_id, ("Item", ""))
        items[sl.shipment_id].append((name, title, sl.quantity))
    events = session.execute(timeline_select(VISIBLE_TO["customer"]).where(EVENTS.c.order_id == order_id))
    by_shipment: dict[int, list[TimelineEntry]] = defaultdict(list)
    for entry in entries(events, carrier_words=True):
        if entry.shipment_id is not None:
            by_shipment[entry.shipment_id].append(entry)
    return [_shipment_view(row, items[row.id], by_shipment[row.id]) for row in rows if row.status != "cancelled"]


def _shipment_view(row: Any, items: list[tuple[str, str, int]], timeline: list[TimelineEntry]) -> ShipmentView:
    known = carrier(row.carrier)
    return ShipmentView(
        id=row.id,
        kind=row.kind,
        carrier_name=known.name,
        carrier_url=known.tracking_link(row.tracking_number) if known.tracking_url else "",
        tracking_number=row.tracking_number,
        status=row.status,
        exception_reason=row.exception_reason,
        original_eta=_aware(row.original_eta),
        current_eta=_aware(row.current_eta),
        delivered_at=_aware(row.delivered_at),
        items=tuple(items),
        timeline=tuple(timeline),
    )


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _money_rows(session: Session, order_id: int) -> tuple[tuple[dict[str, Any], ...], ...]:
    payments = session.execute(
        select(P.method, P.card_last4, P.status, P.amount_minor, P.captured_minor, P.refunded_minor, P.currency)
        # A payment that holds or took money: one refused, expired or voided paid for nothing.
        .where(P.order_id == order_id, P.status.in_((PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED)))
        .order_by(P.id)
    )
    refunds = session.execute(
        # Not the refund's reason: it is staff's own words, never the customer's to read.
        select(RF.amount_minor, RF.currency, RF.created_at).where(RF.order_id == order_id).order_by(RF.id)
    )
    returns = session.execute(
        select(R.id, R.rma, R.status, R.created_at).where(R.order_id == order_id).order_by(R.id.desc())
    )
    return (
        tuple(dict(row._mapping) for row in payments),
        tuple(dict(row._mapping) | {"created_at": as_utc(row.created_at)} for row in refunds),
        tuple(dict(row._mapping) | {"created_at": as_utc(row.created_at)} for row in returns),
    )


def _addresses(session: Session, order_id: int) -> tuple[dict[str, str], ...]:
    rows = session.execute(select(A).where(A.order_id == order_id).order_by(A.id))
    return tuple(
        {
            "kind": row.kind,
            "name": masking.mask_name(row.name),
            "street": masking.mask_street(row.line1),
            "city": row.city,
            "region": row.region or "",
            "postal_code": masking.mask_postal(row.postal_code),
            "country": row.country,
        }
        for row in rows
    )


def _order_timeline(session: Session, order_id: int) -> tuple[TimelineEntry, ...]:
    events = session.execute(
        timeline_select(VISIBLE_TO["customer"]).where(EVENTS.c.order_id == order_id, EVENTS.c.shipment_id.is_(None))
    )
    return tuple(entries(events, carrier_words=False))


def order_view(session: Session, order_id: int, policy: ReturnPolicy, now: datetime) -> OrderView | None:
    """Everything the order page shows, in a handful of Core selects."""
    order = session.execute(select(ORD).where(ORD.id == order_id)).first()
    if order is None:
        return None
    lines = _lines(session, order_id, policy, now)
    names = {row.id: (row.name, row.variant_title) for row, _ in lines}
    shipments = _shipments(session, order_id, names)
    carried = _carriers_by_line(session, order_id)
    payments, refunds, returns = _money_rows(session, order_id)
    return OrderView(
        id=order.id,
        number=order.number,
        status=order.status,
        version=order.version,
        placed_at=as_utc(order.placed_at),
        currency=order.currency,
        locale=order.locale,
        amounts={
            "subtotal": order.subtotal_minor,
            "discount": order.discount_minor,
            "shipping": order.shipping_minor,
            "tax": order.tax_minor,
            "total": order.total_minor,
        },
        email_masked=masking.mask_email(order.email),
        phone_masked=masking.mask_phone(order.phone),
        lines=tuple(_line_view(row, check, carried.get(row.id, []), names) for row, check in lines),
        shipments=tuple(shipments),
        payments=payments,
        refunds=refunds,
        returns=returns,
        addresses=_addresses(session, order_id),
        timeline=_order_timeline(session, order_id),
    )


def _carriers_by_line(session: Session, order_id: int) -> dict[int, list[tuple[str, int]]]:
    rows = session.execute(
        select(SL.order_line_id, S.tracking_number, SL.quantity)
        .join(Shipment.__table__, S.id == SL.shipment_id)
        .where(S.order_id == order_id, S.status != "cancelled")
        .order_by(SL.id)
    )
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for line_id, number, quantity in rows:
        found[line_id].append((number, quantity))
    return found


def _line_view(
    row: Any, check: LineEligibility, carried: list[tuple[str, int]], names: dict[int, tuple[str, str]]
) -> LineView:
    paid_unit = paid_unit_minor(row.unit_price_minor, row.quantity, row.discount_minor)
    replaced = names.get(row.replaces_line_id) if row.replaces_line_id is not None else None
    return LineView(
        id=row.id,
        variant_id=row.variant_id,
        name=row.name,
        variant_title=row.variant_title,
        quantity=row.quantity,
        unit_price_minor=row.unit_price_minor,
        paid_unit_minor=paid_unit,
        qty_shipped=row.qty_shipped,
        qty_delivered=row.qty_delivered,
        eligibility=check,
        carried_by=tuple(carried),
        replaces=" ".join(replaced) if replaced else None,
    )
