"""Public tracking pages rendered ahead of their first view, by one process that follows the event log.

Most views of a tracking page are a parcel's first view in a web worker, and rendering is most of what
such a view costs (bench/README.md, issue 14 §5). The page carries nothing per visitor, so it is
rendered here after each change of its order, in every language the shop offers (only the order's own
when its locale decides), with the very function a view renders it with (``tracking.shared_page``),
and stored; a view then reads it in the same indexed select that finds the parcel. A page not stored
yet, or stale (a newer order version, or a day word said yesterday), is rendered by the view as before:
the table only ever saves work, it never decides what a page says.

Event ids are read up to those a few seconds old, so a PostgreSQL transaction that took a lower id
and committed later is still seen; one slower than that only costs its parcels a render on view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from flask import Flask

from core.clock import utcnow
from core.models.pages import ANY_LANGUAGE
from core.queries.pages import Parcel, changed_since, newest_event, out_of_date, read_mark, worth_rendering
from core.queries.tracking import TrackingView, tracking_view
from core.services.pages import RenderedPage, store_tracking_pages
from portal.customer.blueprint import forget_day_words, said_a_day_word, shop_today
from portal.customer.tracking import TrackedParcel, shared_page
from web.extensions import shop
from web.i18n import best, offered, use_order_locale

log = logging.getLogger(__name__)
SETTLE = timedelta(seconds=2)  # how old an event must be before the mark passes it (see above)


def render(app: Flask, parcels: Sequence[Parcel]) -> list[RenderedPage]:
    """Each parcel's public page in each language it is read in; a parcel that fails is left to its view."""
    pages: list[RenderedPage] = []
    for parcel in parcels:
        try:
            pages += _pages_of(app, parcel)
        except Exception:  # one bad parcel must not stop the others; its view renders it
            log.exception("tracking page of shipment %s not rendered ahead", parcel.shipment_id)
    return pages


def _pages_of(app: Flask, parcel: Parcel) -> list[RenderedPage]:
    view = tracking_view(shop(app).db.engine, parcel.tracking_number)
    if view is None:
        return []
    with app.app_context():
        languages, decides = offered(), best(view.key.locale, offered())
    if decides:
        return [_page(app, view, decides, ANY_LANGUAGE)]
    return [_page(app, view, language, language) for language in languages]


def _page(app: Flask, view: TrackingView, language: str, stored_as: str) -> RenderedPage:
    with app.test_request_context(f"/track/{view.tracking_number}", headers={"Accept-Language": language}):
        use_order_locale(view.key.locale)
        forget_day_words()
        html = shared_page(TrackedParcel(view))
        dated = said_a_day_word() or view.moving  # a parcel on its way is "late" or not as of today
        return RenderedPage(view.key.shipment_id, stored_as, view.key.version, shop_today() if dated else None, html)


def store(app: Flask, parcels: Sequence[Parcel], mark: int | None = None) -> int:
    pages = render(app, parcels)
    store_tracking_pages(shop(app).db, pages, mark)
    return len(pages)


def catch_up(
    app: Flask, *, batch: int = 500, settle: timedelta = SETTLE, progress: Callable[[int], None] | None = None
) -> int:
    """Render what changed since the mark, then one batch of pages gone out of date; the pages stored."""
    engine, done = shop(app).db.engine, 0
    with app.app_context():
        mark, before = read_mark(engine), utcnow() - settle
        today = shop_today()
    while True:
        changed = changed_since(engine, mark, batch, before)
        if changed.upto == mark:
            break
        done += store(app, changed.parcels, changed.upto)
        mark = changed.upto
        if progress:
            progress(done)
    return done + store(app, out_of_date(engine, today, batch))


def start(app: Flask, recent: timedelta) -> int:
    """A first run on a database with history: mark the log's end, then render the parcels people still
    look at (on their way, or shipped within ``recent``); the pages stored."""
    engine = shop(app).db.engine
    if read_mark(engine):
        return 0
    mark = newest_event(engine)
    parcels = worth_rendering(engine, utcnow() - recent)
    return store(app, parcels, mark)
