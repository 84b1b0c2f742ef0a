"""Fixed-window hit counters in the database: the rate limiter's shared store when there is no Redis.

Every worker process counts in the same rows, so a limit holds however many workers run. A hit is
one statement (an upsert that starts a new window when the old one has expired, and answers the
count and the window's end), atomic on both backends: PostgreSQL serialises conflicting upserts on
the row, SQLite takes its one write lock for the statement. Times are epoch seconds, as the
``limits`` storage interface speaks them.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select, text

from core.db import Database
from core.models import RateLimitCounter

_HIT = text(
    "INSERT INTO rate_limit_counters (limit_key, hits, expires_at) VALUES (:key, :amount, :ends)"
    " ON CONFLICT (limit_key) DO UPDATE SET"
    " hits = CASE WHEN rate_limit_counters.expires_at <= :now THEN :amount"
    " ELSE rate_limit_counters.hits + :amount END,"
    " expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN :ends"
    " ELSE rate_limit_counters.expires_at END"
    " RETURNING hits, expires_at"
)
_CURRENT = select(RateLimitCounter.hits, RateLimitCounter.expires_at).where(
    RateLimitCounter.limit_key == bindparam("key"), RateLimitCounter.expires_at > bindparam("now")
)
_CLEAR = delete(RateLimitCounter).where(RateLimitCounter.limit_key == bindparam("key"))
_PURGE = delete(RateLimitCounter).where(RateLimitCounter.expires_at <= bindparam("now"))


class Window(NamedTuple):
    """A counter's state: hits in the current window and when that window ends."""

    hits: int
    expires_at: float


def hit(db: Database, key: str, *, seconds: int, amount: int, now: float) -> Window:
    """Count ``amount`` hits on ``key``; a window of ``seconds`` starts if none is running.
    Run on every limited request, so on a bare connection (``Database.run_alone``)."""
    params = {"key": key, "amount": amount, "now": now, "ends": now + seconds}
    ((hits, expires_at),) = db.run_alone(_HIT, params, write=True)
    return Window(int(hits), float(expires_at))


def current(db: Database, key: str, *, now: float) -> Window | None:
    """The running window of ``key``, or None when it has none."""
    rows = db.run_alone(_CURRENT, {"key": key, "now": now}, write=False)
    return Window(int(rows[0][0]), float(rows[0][1])) if rows else None


def clear(db: Database, key: str) -> None:
    db.run_alone(_CLEAR, {"key": key}, write=True)


def clear_all(db: Database) -> int:
    """Forget every counter; the number of counters there were."""
    with db.write() as session:
        count = session.scalar(select(func.count()).select_from(RateLimitCounter)) or 0
        session.execute(delete(RateLimitCounter))
    return count


def purge(db: Database, *, now: float) -> None:
    """Drop the counters whose window has ended (a new hit would start afresh anyway)."""
    db.run_alone(_PURGE, {"now": now}, write=True)
