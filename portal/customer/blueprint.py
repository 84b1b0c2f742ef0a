"""The blueprint and its template filters: times in the shop's time zone, money and core's wording,
each in the page's language (``web.formats``, ``web.wording``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, g
from flask_babel import get_translations, gettext

from core.arrival import Arrival, day_word, first_estimate, parcel_arrival
from core.clock import utcnow
from core.queries.timeline import TimelineEntry
from portal.customer import texts
from web import formats, wording
from web.i18n import current_language
from web.shop_settings import settings

bp = Blueprint("customer", __name__, template_folder="templates")


def _zone() -> str:
    return settings().timezone


@bp.app_template_filter("when")
def when(moment: datetime | None) -> str:
    """ "Tue 4 Mar 2025, 3:12 PM EST" in the shop's time zone, written for the page's language."""
    return formats.moment(moment, current_language(), _zone())


@bp.app_template_filter("day")
def day(moment: datetime | None) -> str:
    """ "Thursday 6 March 2025" in the shop's time zone."""
    return formats.day(moment, current_language(), _zone())


def shop_today() -> date:
    """Today in the shop's time zone: what "today" and "yesterday" on a page are counted from."""
    return formats.today(_zone())


_DAY_WORD = "customer.said_day_word"


def said_a_day_word() -> bool:
    """Has this request's page said "today", "tomorrow" or "yesterday" (so it is right for today only)?"""
    return bool(g.get(_DAY_WORD))


def forget_day_words() -> None:
    """Count afresh: a renderer makes many pages in one app context, and ``g`` lives as long as it."""
    g.pop(_DAY_WORD, None)


def _relative(word: str, rest: str) -> str:
    """ "Today, …", "Tomorrow, …", "Yesterday, …" in the page's language."""
    setattr(g, _DAY_WORD, True)
    if word == "today":
        return gettext("Today, %(rest)s", rest=rest)
    if word == "tomorrow":
        return gettext("Tomorrow, %(rest)s", rest=rest)
    return gettext("Yesterday, %(rest)s", rest=rest)


@bp.app_template_filter("day_said")
def day_said(value: date) -> str:
    """ "Today, Saturday 5 December 2026", or without the word for a day further away."""
    written = formats.calendar_day(value, current_language())
    word = day_word(value, shop_today())
    return _relative(word, written) if word else written


@bp.app_template_filter("when_said")
def when_said(moment: datetime | None) -> str:
    """ "Today, 3:12 PM EST", "Yesterday, …"; any other day as ``when``."""
    if moment is None:
        return ""
    word = day_word(moment.astimezone(formats.zone(_zone())).date(), shop_today())
    return _relative(word, formats.time_of_day(moment, current_language(), _zone())) if word else when(moment)


@bp.app_template_global("arrival_of")
def arrival_of(parcel: Any) -> Arrival | None:
    """When the parcel arrives or arrived, by the one rule (``core.arrival``), seen now."""
    return parcel_arrival(parcel, now=utcnow(), zone_name=_zone())


@bp.app_template_global("first_estimate_of")
def first_estimate_of(parcel: Any, shown: Arrival | None) -> date | None:
    return first_estimate(parcel.original_eta, shown, _zone())


@bp.app_template_filter("iso")
def iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


@bp.app_template_filter("money")
def money(amount_minor: int, currency: str = "USD") -> str:
    return formats.money(int(amount_minor), currency, current_language())


@bp.app_template_filter("number")
def number(value: int) -> str:
    return formats.number(value, current_language())


@bp.app_template_filter("headline")
def headline(entry: TimelineEntry, currency: str | None = None) -> str:
    """A timeline entry's text in the page's language (its amounts in ``currency``)."""
    return wording.event_text(entry.code, entry.values, get_translations(), current_language(), currency)


@bp.app_template_filter("core_text")
def core_text(message: str | None) -> str:
    """Core's English (a detail, a reason, an eligibility) in the page's language, when the catalogue has it."""
    return wording.text(message, get_translations())


@bp.context_processor
def _texts() -> dict[str, Any]:
    """Customer-facing wording, available to every portal template."""
    return {"texts": texts}
