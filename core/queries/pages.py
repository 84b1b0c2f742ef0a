"""What the renderer of public tracking pages reads: which parcels' pages a change of the log made stale.

Every event raises its order's version, and every page of the order's parcels shows that version's
state, so an event anywhere in an order makes each of the order's parcels due for a new page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, or_, select

from core.models import Event, ReadMark, Shipment, TrackingPage
from core.queries.tracking import SETTLED_SHIPMENT

TRACKING_PAGES = "tracking_pages"  # the renderer's name in ``read_marks``


@dataclass(frozen=True)
class Parcel:
    shipment_id: int
    tracking_number: str


@dataclass(frozen=True)
class Changed:
    parcels: tuple[Parcel, ...]
    upto: int  # the newest event id read: the mark to keep once these pages are stored


def read_mark(engine: Engine, name: str = TRACKING_PAGES) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(ReadMark.event_id).where(ReadMark.name == name)) or 0)


def newest_event(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.max(Event.id))) or 0)


def _parcels(engine: Engine, condition: object, limit: int | None = None) -> tuple[Parcel, ...]:
    query = select(Shipment.id, Shipment.tracking_number).where(condition).order_by(Shipment.id).limit(limit)
    with engine.connect() as connection:
        return tuple(Parcel(*row) for row in connection.execute(query))


def changed_since(engine: Engine, after: int, batch: int, before: datetime) -> Changed:
    """Parcels of the orders that have events after ``after`` recorded before ``before`` (at most
    ``batch`` events read)."""
    newer = (Event.id > after) & (Event.recorded_at < before)
    events = select(Event.id, Event.order_id).where(newer).order_by(Event.id).limit(batch).subquery()
    with engine.connect() as connection:
        upto = connection.scalar(select(func.max(events.c.id)))
    if upto is None:
        return Changed((), after)
    orders = select(events.c.order_id).where(events.c.order_id.is_not(None))
    return Changed(_parcels(engine, Shipment.order_id.in_(orders)), int(upto))


def out_of_date(engine: Engine, today: date, batch: int = 500) -> tuple[Parcel, ...]:
    """Parcels whose page speaks of a day before ``today`` ("tomorrow" said yesterday): due again."""
    stale = select(TrackingPage.shipment_id).where(TrackingPage.valid_on < today)
    return _parcels(engine, Shipment.id.in_(stale), batch)


def worth_rendering(engine: Engine, since: datetime) -> tuple[Parcel, ...]:
    """Parcels people still look at: every one on its way, and any shipped since ``since``."""
    moving = Shipment.status.not_in(sorted(SETTLED_SHIPMENT))
    return _parcels(engine, or_(moving, Shipment.shipped_at >= since))


def by_number(engine: Engine, numbers: Sequence[str]) -> tuple[Parcel, ...]:
    found: list[Parcel] = []
    for start in range(0, len(numbers), 500):
        found += _parcels(engine, Shipment.tracking_number.in_(numbers[start : start + 500]))
    return tuple(found)
