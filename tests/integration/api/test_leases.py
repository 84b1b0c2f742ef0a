"""API-key quotas leased in blocks off the shared counter (``portal.api.leases``), on SQLite and PostgreSQL:
however requests fall on the processes, no more than the limit get through, a small limit is counted
hit by hit, and the shared storage is written once per block, not once per request."""

from __future__ import annotations

import random
import time

from limits import parse

from core.db import Database
from portal.api.leases import Leases
from web.limit_storage import DatabaseStorage


class CountingStorage(DatabaseStorage):
    """The database storage, counting its writes."""

    STORAGE_SCHEME = None

    def __init__(self, database: Database) -> None:
        super().__init__(database=database)
        self.writes = 0

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        self.writes += 1
        return super().incr(key, expiry, amount)


def _requests(database: Database, limit: str, count: int, processes: int = 4) -> tuple[int, CountingStorage]:
    """``count`` requests of one key, each to a process chosen at random; how many were allowed."""
    storage, workers, pick = CountingStorage(database), [Leases() for _ in range(processes)], random.Random(7)
    policy = parse(limit)
    allowed = sum(pick.choice(workers).take(storage, policy, "api-key", "1").allowed for _ in range(count))
    return allowed, storage


def test_no_more_than_the_limit_and_one_write_per_block(database: Database) -> None:
    allowed, storage = _requests(database, "640 per minute", 1000)
    assert 620 <= allowed <= 640  # hits leased but unused when the window filled: a few refused early
    assert storage.writes < 1000 // 5


def test_a_small_limit_is_counted_hit_by_hit(database: Database) -> None:
    allowed, storage = _requests(database, "10 per minute", 40)
    assert allowed == 10
    assert storage.writes <= 10 + 4  # then each process learns the window is full, once


def test_what_is_left_and_a_new_window(database: Database) -> None:
    storage, process, policy = CountingStorage(database), Leases(), parse("2 per 1 second")
    taken = [process.take(storage, policy, "api-key", "9") for _ in range(3)]
    assert [(t.allowed, t.remaining) for t in taken] == [(True, 1), (True, 0), (False, 0)]
    assert all(t.reset in (0, 1) for t in taken)
    time.sleep(1.05)
    assert process.take(storage, policy, "api-key", "9").allowed
