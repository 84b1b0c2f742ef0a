"""The blueprint and its template filters (times in the shop's timezone, money)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint

from core.arrival import Arrival, day_word, first_estimate, parcel_arrival
from core.clock import utcnow
from core.money import money_text
from portal.customer import texts
from web.times import shop_time, shop_zone

bp = Blueprint("customer", __name__, template_folder="templates")


def _zone_name() -> str:
    return shop_zone().key


def shop_today() -> date:
    """Today in the shop's time zone: what "today" and "yesterday" on a page are counted from."""
    return shop_time(utcnow()).date()


@bp.app_template_filter("when")
def when(moment: datetime | None) -> str:
    """ "Tue 4 Mar 2025, 3:12 PM EST" in the shop's timezone."""
    if moment is None:
        return ""
    return shop_time(moment).strftime("%a %-d %b %Y, %-I:%M %p %Z")


@bp.app_template_filter("day")
def day(moment: datetime | None) -> str:
    """ "Thursday 6 March 2025" in the shop's timezone."""
    if moment is None:
        return ""
    return shop_time(moment).strftime("%A %-d %B %Y")


@bp.app_template_filter("day_said")
def day_said(day: date) -> str:
    """ "Today, Saturday 5 December 2026", or without the word for a day further away."""
    word = day_word(day, shop_today())
    written = day.strftime("%A %-d %B %Y")
    return f"{word.capitalize()}, {written}" if word else written


@bp.app_template_filter("when_said")
def when_said(moment: datetime | None) -> str:
    """ "Today, 3:12 PM EST" or "Yesterday, …"; other days as ``when``."""
    if moment is None:
        return ""
    local = shop_time(moment)
    word = day_word(local.date(), shop_today())
    return f"{word.capitalize()}, {local:%-I:%M %p %Z}" if word else when(moment)


@bp.app_template_global("arrival_of")
def arrival_of(parcel: Any) -> Arrival | None:
    """When the parcel arrives or arrived, by the one rule (``core.arrival``), seen now."""
    return parcel_arrival(parcel, now=utcnow(), zone_name=_zone_name())


@bp.app_template_global("first_estimate_of")
def first_estimate_of(parcel: Any, shown: Arrival | None) -> date | None:
    return first_estimate(parcel.original_eta, shown, _zone_name())


@bp.app_template_filter("iso")
def iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


@bp.app_template_filter("money")
def money(amount_minor: int, currency: str = "USD") -> str:
    return money_text(int(amount_minor), currency)


@bp.context_processor
def _texts() -> dict[str, object]:
    """Customer-facing wording, available to every portal template."""
    return {"texts": texts}
