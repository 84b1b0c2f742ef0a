"""The sync as an RQ job (Redis): queued once while one waits, run by a worker, one at a time by a lock."""

from __future__ import annotations

import json
from pathlib import Path

from redis import Redis
from rq import Queue, SimpleWorker

from core.shop import Shop
from portal.analytics_sync import LOCK, QUEUE, enqueue_sync, sync_job


def test_a_queued_sync_publishes_the_store_and_is_queued_once(story_shop: Shop, redis_url: str, tmp_path: Path) -> None:
    job = enqueue_sync(story_shop.db.url, str(tmp_path), redis_url)
    assert job is not None
    assert enqueue_sync(story_shop.db.url, str(tmp_path), redis_url) is None  # one is already waiting
    connection = Redis.from_url(redis_url)
    SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=True)
    pointer = json.loads((tmp_path / "current.json").read_text())
    job.refresh()
    assert job.return_value()["event_id"] == pointer["event_id"] > 0
    assert (tmp_path / pointer["file"]).is_file()


def test_a_sync_finding_the_lock_taken_does_nothing(story_shop: Shop, redis_url: str, tmp_path: Path) -> None:
    held = Redis.from_url(redis_url).lock(LOCK, timeout=60)
    assert held.acquire(blocking=False)
    try:
        assert sync_job(story_shop.db.url, str(tmp_path), redis_url) == {"skipped": "another sync is running"}
        assert not (tmp_path / "current.json").exists()
    finally:
        held.release()
