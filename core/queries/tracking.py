"""The public tracking page's read path: one shipment by tracking number, no personal data.

A page asks for the key first (one indexed select: is a page made for this order version
still current?); only a first view reads the parcel, its item count and its public events, all
in one row of one indexed select. Statements are compiled once per dialect and run without an
ORM session (see ``core.queries.compiled``). No customer, address or money column is ever read
here, so none can leak into the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, func, select

from core.carriers import carrier
from core.events.catalogue import VISIBLE_TO
from core.models import Order, Shipment, ShipmentLine, TrackingPage
from core.models.pages import ANY_LANGUAGE
from core.queries.compiled import CompiledQuery, aware, parsed
from core.queries.timeline import EVENTS, TimelineEntry, entries, visible_to

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
_P = TrackingPage.__table__.c
# The key and, when one was rendered ahead for the order's language or the visitor's, the stored page:
# a first view that finds a current page costs this one indexed select and no rendering.
_LOOKUP = CompiledQuery(
    select(_S.id, _S.order_id, ORDERS.c.version, ORDERS.c.locale, _P.html, _P.version, _P.valid_on)
    .join(ORDERS, ORDERS.c.id == _S.order_id)
    .outerjoin(TrackingPage, (_P.shipment_id == _S.id) & _P.language.in_([ANY_LANGUAGE, bindparam("language")]))
    .where(_S.tracking_number == bindparam("number"))
    .limit(1)
)
_ITEMS = (
    select(func.coalesce(func.sum(SHIPMENT_LINES.c.quantity), 0))
    .where(SHIPMENT_LINES.c.shipment_id == _S.id)
    .scalar_subquery()
)
_E = EVENTS.c
# The parcel's public events as one JSON array of [type, occurred_at, payload, return_id, id] rows, so
# the whole page is one row of one indexed select: every round trip to SQLite lets go of the GIL,
# and with the worker's other threads waiting each is a thread switch (bench/README.md, issue 14 §5).
# The aggregate keeps no order: the rows are sorted in Python.
_EVENTS_JSON = {
    "sqlite": func.json_group_array(func.json_array(_E.type, _E.occurred_at, func.json(_E.payload), _E.return_id, _E.id)),
    "postgresql": func.json_agg(func.json_build_array(_E.type, _E.occurred_at, _E.payload, _E.return_id, _E.id)),
}  # fmt: skip


def _page(events_json: Any) -> CompiledQuery:
    public = select(events_json).where(_E.shipment_id == _S.id, visible_to(VISIBLE_TO["public"]))
    return CompiledQuery(
        select(
            _S.id, _S.order_id, ORDERS.c.version, ORDERS.c.locale, _S.tracking_number, _S.carrier, _S.service, _S.kind, _S.status,
            _S.exception_reason, _S.original_eta, _S.current_eta, _S.last_location, _S.shipped_at,
            _S.delivered_at, _ITEMS, public.scalar_subquery(),
        )
        .join(ORDERS, ORDERS.c.id == _S.order_id)
        .where(_S.tracking_number == bindparam("number"))
    )  # fmt: skip


_PAGE = {dialect: _page(events_json) for dialect, events_json in _EVENTS_JSON.items()}


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


def _view(row: Sequence[Any]) -> TrackingView:
    (sid, order_id, version, locale, tracking_number, code, service, kind, status, reason, original_eta, current_eta,
     location, shipped_at, delivered_at, items, events) = row  # fmt: skip
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
        timeline=tuple(entries(_timeline_rows(sid, events), carrier_words=False)),
    )


def _timeline_rows(sid: int, events: Any) -> list[tuple[Any, ...]]:
    """The aggregated events as ``timeline_select`` rows, oldest first by source time (then id)."""
    found = [
        (aware(occurred_at), event_id, code, payload, return_id)
        for code, occurred_at, payload, return_id, event_id in parsed(events) or ()
    ]
    found.sort(key=lambda event: event[:2])
    return [(code, occurred_at, payload, sid, return_id) for occurred_at, _, code, payload, return_id in found]


def tracking_key(engine: Engine, number: str) -> TrackingKey | None:
    """(shipment, order, version) for a normalised tracking number: one indexed lookup."""
    rows = _KEY.rows(engine, number=number)
    return TrackingKey(*rows[0]) if rows else None


@dataclass(frozen=True)
class Lookup:
    """A tracking number's key, and the page rendered ahead for it if that page is still current."""

    key: TrackingKey
    page: str | None


def tracking_lookup(engine: Engine, number: str, language: str, today: date) -> Lookup | None:
    """One indexed select: the key, and the stored page if it was rendered from the order's current
    version for today (or for any day: ``valid_on`` null) in the order's language or ``language``."""
    rows = _LOOKUP.rows(engine, number=number, language=language)
    if not rows:
        return None
    sid, order_id, version, locale, html, page_version, valid_on = rows[0]
    current = html is not None and page_version == version and (valid_on is None or str(valid_on) == today.isoformat())
    return Lookup(TrackingKey(sid, order_id, version, locale), html if current else None)


def tracking_view(engine: Engine, number: str) -> TrackingView | None:
    """The public view of the parcel with this (normalised) tracking number, or None: one select."""
    rows = _PAGE[engine.dialect.name].rows(engine, number=number)
    return _view(rows[0]) if rows else None
