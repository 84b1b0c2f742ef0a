"""Time helpers. Every datetime in Shiplog is timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Attach UTC to a naive datetime (SQLite returns naive values) or convert an aware one."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    """A time zone by name (the shop's, for people); a typo in configuration falls back to UTC rather
    than break every page."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
