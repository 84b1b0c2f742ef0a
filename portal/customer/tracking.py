"""Lookup page and public tracking by tracking number (no personal data), with live updates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from core.errors import DomainError
from core.queries.tracking import Lookup, TrackingKey, TrackingView, tracking_lookup, tracking_view
from core.wording import translatable
from portal.customer import access, forms, subscribing, texts
from portal.customer.blueprint import bp, headline, shop_today
from portal.customer.cache import FragmentCache
from portal.customer.shell import public_page
from web.extensions import limiter, shop
from web.i18n import current_language, use_order_locale, visitor_language
from web.rendering import go, is_htmx, page, render_block


@dataclass
class TrackedParcel:
    """A parcel's public view and its rendered HTML, valid for one order version in one language on one day.

    Every visitor reading the same language gets the same bytes (the public page carries no
    per-visitor token), so the whole page and the polled block are rendered once per version
    and language, and reused.
    """

    view: TrackingView
    page_html: str | None = None
    live_html: str | None = None


def _parcels() -> FragmentCache[TrackedParcel]:
    """One cache per app, so two apps in a process (tests) never share rendered pages."""
    cache = current_app.extensions.get("customer.parcels")
    if cache is None:
        cache = current_app.extensions["customer.parcels"] = FragmentCache()
    return cache  # type: ignore[no-any-return]


@bp.get("/")
def lookup() -> str:
    """Find an order by tracking number, or by order number plus email or phone."""
    return page("customer/lookup.html", errors={}, expired="expired" in request.args)


@bp.get("/track")
@limiter.limit(access.tracking_limit)
def track_search() -> Response | tuple[str, int]:
    """The tracking-number form (GET, so the result page has a shareable address)."""
    number = forms.tracking_number(str(request.args.get("number", ""))[:200])
    if number is None:
        message = gettext("Enter the tracking number from your shipping email: 6 to 64 letters and digits.")
        return page("customer/lookup.html", block="track_form", errors={"tracking": message}), 422
    return go(url_for("customer.track", number=number))


def _lookup(number: str) -> Lookup | None:
    """The key and, if one is current, the page rendered ahead: one indexed select. The page is looked
    for in the visitor's language (or the order's own, which the stored page then speaks)."""
    clean = forms.tracking_number(number[:200])
    found = tracking_lookup(shop().db.engine, clean, visitor_language(), shop_today()) if clean else None
    if found is None:
        access.count_tracking_miss()
    return found


def tracked(key: TrackingKey, number: str) -> TrackedParcel | None:
    """The parcel's view and its rendered HTML for this version, in the order's locale if it has one
    (else the visitor's language), kept for the day: a page says "today" and "yesterday"."""
    use_order_locale(key.locale)
    cache, kept_as = _parcels(), (current_language(), shop_today())
    found = cache.get((key, *kept_as))
    if found is None:
        view = tracking_view(shop().db.engine, number)
        if view is None:  # gone between the two reads
            return None
        found = TrackedParcel(view)
        cache.put((view.key, *kept_as), found)
    return found


def _find(number: str) -> TrackedParcel | None:
    found = _lookup(number)
    return None if found is None else tracked(found.key, forms.tracking_number(number[:200]) or "")


def _parcel(number: str) -> TrackedParcel:
    found = _find(number)
    if found is None:
        message = translatable("We could not find a parcel with that tracking number. Please check it and try again.")
        abort(404, description=gettext(message))
    return found


def _unknown(number: str) -> tuple[str, int]:
    """The tracking form again, with what was typed and what to try next; still a 404."""
    typed = "".join(ch for ch in number.strip()[:64] if ch.isprintable())  # shown back: nothing unprintable
    message = texts.unknown_parcel(typed)
    return page("customer/lookup.html", errors={"tracking": message}, tracking_number=typed, expired=False), 404


def shared_page(parcel: TrackedParcel) -> str:
    """The page every visitor reading its language gets (it carries no per-visitor token), rendered
    once per version: here on a first view, or ahead of it (``portal.customer.ahead``)."""
    if parcel.page_html is None:
        title = gettext("Parcel %(number)s", number=parcel.view.tracking_number)
        parcel.page_html = public_page("customer/track.html", title, parcel=parcel, **_track_context(parcel, None))
    return parcel.page_html


@bp.get("/track/<number>")
def track(number: str) -> str | tuple[str, int]:
    """Public tracking: status, progress, carrier link, estimates and the public timeline."""
    found = _lookup(number)
    personal = is_htmx() or "_flashes" in session  # per-visitor content: render afresh
    if found is not None and found.page is not None and not personal:
        return found.page  # rendered ahead from this version, for today
    parcel = None if found is None else tracked(found.key, forms.tracking_number(number[:200]) or "")
    if parcel is None:
        return _unknown(number)
    if personal:
        return page("customer/track.html", parcel=parcel, **_track_context(parcel, notice=None))
    return shared_page(parcel)


@bp.get("/track/<number>/subscribe")
@limiter.limit(access.tracking_limit)
def track_subscribe_form(number: str) -> str:
    """The subscribe form (with its CSRF token), swapped into the public page or on its own."""
    parcel = _parcel(number)
    context = _track_context(parcel, None) | {"show_form": parcel.view.moving}  # an arrived parcel has no news
    return page("customer/track.html", block="subscribe", parcel=parcel, **context)


@bp.get("/track/<number>/live")
def track_live(number: str) -> str:
    """The polled status block; says so when something new arrived since ``v``."""
    parcel = _parcel(number)
    seen = request.args.get("v", type=int)
    if seen is None or seen >= parcel.view.key.version:  # nothing new: the shared block for this version
        if parcel.live_html is None:
            parcel.live_html = render_block(
                "customer/track.html", "live", parcel=parcel, **_track_context(parcel, None)
            )
        return parcel.live_html
    notice = headline(parcel.view.timeline[-1]) if parcel.view.timeline else gettext("Updated")
    return render_block("customer/track.html", "live", parcel=parcel, **_track_context(parcel, notice=notice))


def _track_context(parcel: TrackedParcel, notice: str | None) -> dict[str, object]:
    return {
        "notice": notice,
        "poll_seconds": access.poll_seconds(),
        "subscribe_url": url_for("customer.track_subscribe", number=parcel.view.tracking_number),
        "consent_text": subscribing.consent(),
    }


@bp.post("/track/<number>/subscribe")
@limiter.limit(access.lookup_limit)
def track_subscribe(number: str) -> Response | tuple[str, int] | str:
    """Ask for this parcel's updates by email and/or SMS: each address confirms first (double opt-in)."""
    parcel = _parcel(number)
    back = url_for("customer.track", number=parcel.view.tracking_number)
    try:
        key = parcel.view.key
        done = subscribing.subscribe_from_form(key.order_id, key.shipment_id, request.path)
    except DomainError as error:
        context = _track_context(parcel, None) | {"sub_errors": {error.field or "email": error.message}}
        context["show_form"] = True
        return page("customer/track.html", block="subscribe", parcel=parcel, form=request.form, **context), 422
    if is_htmx():
        context = _track_context(parcel, None) | {"show_form": True, "done": done}
        return render_block("customer/track.html", "subscribe", parcel=parcel, **context)
    flash(subscribing.confirmation(done), "success")
    return go(back + "#subscribe")
