"""Keep public pages rendered ahead (``core.models.pages``): the one writer of their rows and read marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.db import Database
from core.models import ReadMark, TrackingPage
from core.queries.pages import TRACKING_PAGES


@dataclass(frozen=True)
class RenderedPage:
    shipment_id: int
    language: str  # a language code, or ``ANY_LANGUAGE`` when the order's locale decides
    version: int
    valid_on: date | None
    html: str


def store_tracking_pages(db: Database, pages: Sequence[RenderedPage], mark: int | None = None) -> None:
    """Replace the stored pages of these parcels (every language: which languages an order's page is
    made in can change with its locale) and, if given, move the renderer's read mark, in one transaction."""
    now = utcnow()
    with db.write() as session:
        shipment_ids = sorted({page.shipment_id for page in pages})
        for start in range(0, len(shipment_ids), 500):
            chunk = shipment_ids[start : start + 500]
            session.execute(delete(TrackingPage).where(TrackingPage.shipment_id.in_(chunk)))
        session.add_all(TrackingPage(**vars(page), rendered_at=now) for page in pages)
        if mark is not None:
            _move_mark(session, TRACKING_PAGES, mark, now)


def _move_mark(session: Session, name: str, event_id: int, now: datetime) -> None:
    found = session.scalar(select(ReadMark).where(ReadMark.name == name))
    if found is None:
        session.add(ReadMark(name=name, event_id=event_id, updated_at=now))
    elif event_id > found.event_id:
        found.event_id, found.updated_at = event_id, now
