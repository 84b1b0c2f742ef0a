"""``database://``: a storage for Flask-Limiter (the ``limits`` library's ``Storage`` interface) that
keeps the counters in the app's own database, SQLite or PostgreSQL (``core.counters``).

Without Redis, ``memory://`` counts in each worker process: with four gunicorn workers a "20 per
minute" limit lets up to 80 through. Counting in the database holds the limit across workers and
hosts with nothing more to run. Only the fixed-window strategy is supported (Flask-Limiter's
default); a hit is one upsert.
"""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

from limits.storage import Storage
from sqlalchemy.exc import SQLAlchemyError

from core import counters
from core.db import Database
from web.extensions import shop

PURGE_EVERY_SECONDS = 60.0


class DatabaseStorage(Storage):
    """Counters in ``database`` or, by default, in the running app's Shop database, looked up per call:
    the Limiter object is shared by every app of the process, each with its own database."""

    STORAGE_SCHEME: ClassVar[list[str] | None] = ["database"]

    def __init__(
        self, uri: str | None = None, wrap_exceptions: bool = False, database: Database | None = None, **options: Any
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._database = database
        # A window's end never moves while it runs, so the end a hit answered is known until then;
        # and the count a hit answered is what the limiter reads back at once for the "remaining"
        # headers (``get_window_stats`` right after ``hit``). Both are kept from the hit's own
        # answer, so a limited request costs one statement, not three.
        self._ends: dict[tuple[Database, str], float] = {}
        self._last = threading.local()
        self._lock = threading.Lock()
        self._purged_at = time.time()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def _db(self) -> Database:
        return self._database if self._database is not None else shop().db

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now, db = time.time(), self._db()
        window = counters.hit(db, key, seconds=expiry, amount=amount, now=now)
        self._ends[db, key] = window.expires_at
        self._last.hit = (db, key, window)
        if now - self._purged_at > PURGE_EVERY_SECONDS:
            self._purge(now)
        return window.hits

    def get(self, key: str) -> int:
        now, db, last = time.time(), self._db(), getattr(self._last, "hit", None)
        self._last.hit = None  # answered once: a later read asks the database
        if last is not None and last[:2] == (db, key) and last[2].expires_at > now:
            return int(last[2].hits)
        window = counters.current(db, key, now=now)
        return 0 if window is None else window.hits

    def get_expiry(self, key: str) -> float:
        now, db = time.time(), self._db()
        known = self._ends.get((db, key))
        if known is not None and known > now:
            return known
        window = counters.current(db, key, now=now)
        return now if window is None else window.expires_at

    def check(self) -> bool:
        try:
            counters.current(self._db(), "health-check", now=time.time())
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        self._ends.clear()
        self._last.hit = None
        return counters.clear_all(self._db())

    def clear(self, key: str) -> None:
        self._ends.pop((self._db(), key), None)
        self._last.hit = None
        counters.clear(self._db(), key)

    def _purge(self, now: float) -> None:
        """At most once a minute per process: ended windows' rows go, and so do their known ends."""
        with self._lock:
            if now - self._purged_at <= PURGE_EVERY_SECONDS:
                return
            self._purged_at = now
            self._ends = {key: end for key, end in self._ends.items() if end > now}
        counters.purge(self._db(), now=now)
