"""Epoch seconds to the text each backend stores for ``UTCDateTime``, fast.

SQLite keeps naive UTC as ``YYYY-MM-DD HH:MM:SS.ffffff`` (what SQLAlchemy writes);
PostgreSQL gets the same text with ``+00:00`` and parses it as ``timestamptz``.
Formatting millions of datetimes is a hot path, so minutes are cached as prefixes.
"""

from __future__ import annotations

from datetime import UTC, datetime

DAY = 86_400
HOUR = 3_600
MINUTE = 60


class Stamps:
    def __init__(self, dialect: str) -> None:
        suffix = "" if dialect == "sqlite" else "+00:00"
        self._seconds = [f"{s:02d}.000000{suffix}" for s in range(60)]
        self._clock = [f" {h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
        self._days: dict[int, str] = {}
        self._minutes: dict[int, str] = {}
        self._recent: dict[int, str] = {}  # an order's rows reuse its event times over and over

    def text(self, t: int) -> str:
        found = self._recent.get(t)
        if found is not None:
            return found
        if len(self._recent) > 200_000:
            self._recent.clear()
        minute, second = divmod(t, 60)
        prefix = self._minutes.get(minute)
        if prefix is None:
            prefix = self._prefix(minute)
        made = self._recent[t] = prefix + self._seconds[second]
        return made

    def _prefix(self, minute: int) -> str:
        day, in_day = divmod(minute, 1440)
        date = self._days.get(day)
        if date is None:
            date = self._days[day] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d")
        prefix = self._minutes[minute] = date + self._clock[in_day]
        return prefix

    def maybe(self, t: int | None) -> str | None:
        return None if t is None else self.text(t)


def iso(t: int) -> str:
    """What ``datetime.isoformat()`` gives for an aware UTC time (used inside payloads)."""
    return datetime.fromtimestamp(t, UTC).isoformat()


def to_datetime(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)
