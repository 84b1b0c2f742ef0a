"""Times for people: the shop's time zone (its ``timezone`` setting, ``SHOP_TIMEZONE`` by default), with the zone named.

Storage is aware UTC (``core.clock``); every page a person reads shows the shop's local time. Staff
pages, the mailbox and the dashboard all format a moment through ``stamp`` ("5 Dec 2026, 14:03 CET"),
so a staff member reads the same clock as the customer they are talking to.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

from core.clock import zone
from web.shop_settings import settings

STAMP = "%-d %b %Y, %H:%M %Z"  # a back office's dense, 24-hour clock, always with the year and zone


def shop_zone() -> ZoneInfo:
    return zone(settings().timezone)


def shop_time(moment: datetime) -> datetime:
    """``moment`` (aware) on the shop's clock."""
    return moment.astimezone(shop_zone())


def stamp(moment: datetime | None) -> str:
    """ "5 Dec 2026, 14:03 CET" on the shop's clock; "" for no moment."""
    return "" if moment is None else shop_time(moment).strftime(STAMP)


def time_tag(moment: datetime | None) -> Markup:
    """``stamp`` in a ``<time>`` element whose tooltip gives the same moment in UTC (carriers' logs use it)."""
    if moment is None:
        return Markup("—")
    utc = moment.astimezone(zone("UTC")).strftime("%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(moment.isoformat(), utc, escape(stamp(moment)))


def install(app: Flask) -> None:
    app.add_template_filter(stamp, "stamp")
    app.add_template_filter(time_tag, "time_tag")
    app.add_template_global(lambda: str(shop_zone()), "shop_zone_name")
