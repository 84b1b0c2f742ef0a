"""The public tracking page's read path: one shipment by tracking number, no personal data.

Two indexed selects (the shipment with its order's ``version``, then its public events),
compiled once and run without an ORM session (see ``core.queries.compiled``). No
customer, address or money column is ever read here, so none can leak into the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select

from core.carriers import carrier
from core.events.catalogue import VISIBLE_TO
from core.models import Order, Shipment, ShipmentLine
from core.queries.compiled import CompiledQuery, aware
from core.queries.timeline import EVENTS, TimelineEntry, entries, timeline_select

SHIPMENTS = Shipment.__table__
ORDERS = Order.__table__
SHIPMENT_LINES = ShipmentLine.__table__

# A parcel in one of these will not change any more: pages stop polling.
SETTLED_SHIPMENT = frozenset({"delivered", "cancelled"})

_S = SHIPMENTS.c
_KEY = CompiledQuery(
    select(_S.id, _S.order_id, ORDERS.c.version, ORDERS.c.locale)
    .join(ORDERS, ORDERS.c.id == _S.order_id)
    .where(_S.tracking_number == bindparam("number"))
)
_ITEMS = (
    select(func.coalesce(func.sum(SHIPMENT_LINES.c.quantity), 0))
    .where(SHIPMENT_LINES.c.shipment_id == _S.id)
    .scalar_subquery()
)
_SHIPMENT = CompiledQuery(
    select(
        _S.id, _S.order_id, ORDERS.c.version, ORDERS.c.locale, _S.tracking_number, _S.carrier, _S.service, _S.kind, _S.status,
        _S.exception_reason, _S.original_eta, _S.current_eta, _S.last_location, _S.shipped_at, _S.delivered_at,
        _ITEMS,
    )
    .join(ORDERS, ORDERS.c.id == _S.order_id)
    .where(_S.tracking_number == bindparam("number"))
)  # fmt: skip
_PUBLIC_EVENTS = CompiledQuery(timeline_select(VISIBLE_TO["public"]).where(EVENTS.c.shipment_id == bindparam("sid")))


@dataclass(frozen=True)
class TrackingKey:
    """Enough to decide whether a cached page is still current."""

    shipment_id: int
    order_id: int
    version: int
    locale: str | None = None  # the order's language tag: the page speaks it (not personal data)


@dataclass(frozen=True)
class TrackingView:
    key: TrackingKey
    tracking_number: str
    carrier_code: str
    carrier_name: str
    carrier_url: str
    service: str
    kind: str  # outbound | exchange
    status: str
    exception_reason: str | None
    original_eta: datetime | None
    current_eta: datetime | None
    last_location: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    item_count: int
    timeline: tuple[TimelineEntry, ...]

    @property
    def moving(self) -> bool:
        return self.status not in SETTLED_SHIPMENT


def tracking_key(engine: Engine, number: str) -> TrackingKey | None:
    """(shipment, order, version) for a normalised tracking number: one indexed lookup."""
    rows = _KEY.rows(engine, number=number)
    return TrackingKey(*rows[0]) if rows else None


def find_parcel(engine: Engine, number: str) -> TrackingView | None:
    """The parcel's own row (one indexed select), without its timeline yet.

    Its ``key`` tells a caller whether a page cached for this order version is current;
    only when it is not does the caller need ``with_timeline``.
    """
    rows = _SHIPMENT.rows(engine, number=number)
    if not rows:
        return None
    (sid, order_id, version, locale, tracking_number, code, service, kind, status, reason, original_eta, current_eta,
     location, shipped_at, delivered_at, items) = rows[0]  # fmt: skip
    known = carrier(code)
    return TrackingView(
        key=TrackingKey(sid, order_id, version, locale),
        tracking_number=tracking_number,
        carrier_code=known.code,
        carrier_name=known.name,
        carrier_url=known.tracking_link(tracking_number) if known.tracking_url else "",
        service=service,
        kind=kind,
        status=status,
        exception_reason=reason,
        original_eta=aware(original_eta),
        current_eta=aware(current_eta),
        last_location=location,
        shipped_at=aware(shipped_at),
        delivered_at=aware(delivered_at),
        item_count=int(items or 0),
        timeline=(),
    )


def with_timeline(engine: Engine, parcel: TrackingView) -> TrackingView:
    """The parcel with its public events (the second and last select)."""
    rows = _PUBLIC_EVENTS.rows(engine, sid=parcel.key.shipment_id)
    return replace(parcel, timeline=tuple(entries(rows, carrier_words=False)))


def tracking_view(engine: Engine, number: str) -> TrackingView | None:
    """The public view of the parcel with this (normalised) tracking number, or None."""
    parcel = find_parcel(engine, number)
    return None if parcel is None else with_timeline(engine, parcel)
