"""Dates, money and numbers as a person reads them: in the shop's time zone and the reader's language.

The one formatting module for pages and messages alike. Every function takes the locale and the
zone it formats for, so a notification worker (no request) and a page (its request's locale) call the
same code. Babel supplies month and day names, separators and currency placement; the patterns below
only choose which parts are shown, per language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from core.clock import utcnow
from core.money import exponent
from web.times import zone as shop_zone_named

# Which parts a moment and a day show, per language; English keeps the wording customers had before.
_MOMENT = {"en": "EEE d MMM y, h:mm a", "es": "EEE, d MMM y, H:mm", "de": "EEE, d. MMM y, HH:mm"}
_DAY = {"en": "EEEE d MMMM y", "es": "EEEE, d 'de' MMMM 'de' y", "de": "EEEE, d. MMMM y"}
_DAY_NO_YEAR = {"en": "EEEE d MMMM", "es": "EEEE, d 'de' MMMM", "de": "EEEE, d. MMMM"}
_TIME = {"en": "h:mm a", "es": "H:mm", "de": "HH:mm"}
_CALENDAR_DATE = {"en": "d MMMM y", "es": "d 'de' MMMM 'de' y", "de": "d. MMMM y"}


@lru_cache(maxsize=64)
def locale(tag: str | None) -> Locale:
    """The Babel locale of a tag ("es-MX", "de_DE"); English for one Babel does not know."""
    try:
        return Locale.parse((tag or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


def zone(name: str | None) -> ZoneInfo:
    """The shop's zone by name, through the one rule staff pages use too (``web.times``)."""
    return shop_zone_named(name or "UTC")


def today(zone_name: str | None) -> date:
    """Today's date in the shop's zone: what "today" and "tomorrow" on a page are counted from."""
    return utcnow().astimezone(zone(zone_name)).date()


def _pattern(table: dict[str, str], where: Locale) -> str:
    return table.get(where.language, table["en"])


def moment(value: datetime | None, tag: str | None, zone_name: str | None) -> str:
    """A point in time with its zone: "Tue 4 Mar 2025, 3:12 PM EST", "Di., 4. März 2025, 15:12 CET".

    The zone is the time zone database's own abbreviation (EST, JST, CET) in every language: CLDR
    names few zones outside a region's own language and would write "+0900" for Tokyo in English."""
    if value is None:
        return ""
    where, local = locale(tag), value.astimezone(zone(zone_name))
    return f"{format_datetime(local, _pattern(_MOMENT, where), tzinfo=local.tzinfo, locale=where)} {local.tzname()}"


def day(value: datetime | None, tag: str | None, zone_name: str | None, *, year: bool = True) -> str:
    """The day a moment falls on in the shop's zone: "Thursday 6 March 2025", "jueves, 6 de marzo"."""
    if value is None:
        return ""
    return calendar_day(value.astimezone(zone(zone_name)).date(), tag, year=year)


def calendar_day(value: date, tag: str | None, *, year: bool = True) -> str:
    """A day already on the shop's calendar (an expected delivery day), as ``day`` writes it."""
    where = locale(tag)
    return format_date(value, _pattern(_DAY if year else _DAY_NO_YEAR, where), locale=where)


def time_of_day(value: datetime, tag: str | None, zone_name: str | None) -> str:
    """The time of a moment with its zone, without the day: "3:12 PM EST", "15:12 CET"."""
    where, local = locale(tag), value.astimezone(zone(zone_name))
    return f"{format_datetime(local, _pattern(_TIME, where), tzinfo=local.tzinfo, locale=where)} {local.tzname()}"


def calendar_date(value: object, tag: str | None) -> str:
    """A date with no time of day (a return window's last day): "6 March 2025", "6. März 2025"."""
    where = locale(tag)
    return format_date(value, _pattern(_CALENDAR_DATE, where), locale=where)  # type: ignore[arg-type]


def money(amount_minor: int, currency: str, tag: str | None) -> str:
    """Integer minor units of ``currency`` (core.money's exponent) as the reader writes money."""
    amount = Decimal(int(amount_minor)).scaleb(-exponent(currency))
    return format_currency(amount, currency.upper(), locale=locale(tag))


def number(value: int | float, tag: str | None) -> str:
    return format_decimal(value, locale=locale(tag))


def language_name(tag: str | None, in_language: str | None = None) -> str:
    """A language in its own words ("Deutsch", "español (México)"), or in ``in_language``'s ("German")."""
    where = locale(tag)
    return where.get_display_name(locale(in_language) if in_language else where) or str(tag)
