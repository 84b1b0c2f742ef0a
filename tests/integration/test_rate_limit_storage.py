"""``database://``, Flask-Limiter's storage in the app's own database: fixed windows that start, count
and end as the ``limits`` library expects, and hits that are counted exactly once each when many
connections hit one key at the same moment, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select

from core import counters
from core.db import Database
from core.models import RateLimitCounter
from web.limit_storage import DatabaseStorage


def test_a_window_counts_until_it_ends_and_then_starts_again(database: Database) -> None:
    first = counters.hit(database, "k", seconds=60, amount=1, now=1000.0)
    second = counters.hit(database, "k", seconds=60, amount=2, now=1030.0)
    after = counters.hit(database, "k", seconds=60, amount=1, now=1060.0)
    assert (first, second, after) == ((1, 1060.0), (3, 1060.0), (1, 1120.0))
    assert counters.current(database, "k", now=1100.0) == (1, 1120.0)
    assert counters.current(database, "k", now=1120.0) is None


def test_the_limiter_allows_the_limit_and_reports_the_window(database: Database) -> None:
    storage = storage_from_string("database://", database=database)
    assert isinstance(storage, DatabaseStorage)
    strategy, limit = FixedWindowRateLimiter(storage), parse("3 per minute")
    started = time.time()
    assert [strategy.hit(limit, "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert strategy.hit(limit, "10.0.0.2")  # another address has its own counter
    stats = strategy.get_window_stats(limit, "10.0.0.1")
    assert stats.remaining == 0
    assert started + 59 <= stats.reset_time <= time.time() + 60
    assert not strategy.test(limit, "10.0.0.1")
    strategy.clear(limit, "10.0.0.1")
    assert strategy.hit(limit, "10.0.0.1")
    assert storage.check()
    assert storage.reset() == 2
    assert strategy.get_window_stats(limit, "10.0.0.2").remaining == 3


def test_ended_windows_are_purged(database: Database) -> None:
    counters.hit(database, "old", seconds=1, amount=1, now=1000.0)
    counters.hit(database, "live", seconds=60, amount=1, now=1000.0)
    counters.purge(database, now=1001.0)
    with database.read() as session:
        assert list(session.scalars(select(RateLimitCounter.limit_key))) == ["live"]


def test_simultaneous_hits_on_one_key_are_each_counted_once(database: Database) -> None:
    """Eight connections from four engines (as four worker processes would have) hit one key 200 times:
    the counts they are answered are exactly 1 to 200, so no two hits ever saw the same count."""
    engines = [Database(database.url) for _ in range(4)]
    now = time.time()

    def hit(i: int) -> int:
        return counters.hit(engines[i % 4], "shared", seconds=60, amount=1, now=now).hits

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answered = list(pool.map(hit, range(200)))
    finally:
        for engine in engines:
            engine.dispose()
    assert sorted(answered) == list(range(1, 201))
    with database.read() as session:
        assert session.scalar(select(func.sum(RateLimitCounter.hits))) == 200


def test_the_count_a_hit_answered_is_read_back_once_then_the_database_is_asked(database: Database) -> None:
    mine, another_worker = DatabaseStorage(database=database), DatabaseStorage(database=database)
    assert mine.incr("k", 60) == 1
    assert another_worker.incr("k", 60) == 2
    assert mine.get("k") == 1  # the headers of my request: what my hit left
    assert mine.get("k") == 2
    assert mine.get_expiry("k") == another_worker.get_expiry("k")


def test_a_counter_is_never_bumped_inside_a_sqlite_unit_of_work(sqlite_database: Database) -> None:
    """The unit holds SQLite's write lock: a second connection would wait for it until timing out."""
    with pytest.raises(RuntimeError), sqlite_database.unit_of_work():
        counters.hit(sqlite_database, "k", seconds=60, amount=1, now=1000.0)
