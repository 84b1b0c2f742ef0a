"""The analytics store's refresh as an RQ job: any worker on the ``analytics`` queue may run it,
and a Redis lock makes sure only one runs at a time (the store has one writer).

``enqueue_sync`` is what a scheduler (cron, ``flask analytics enqueue``) calls: it queues a job
only when none is waiting, so a slow sync never piles up a backlog of identical jobs.
"""

from __future__ import annotations

from typing import Any

from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from core.analytics import StoreWriter, parse_filters
from core.db import Database

QUEUE = "analytics"
JOB_ID = "analytics-sync"
LOCK = "shiplog:analytics:sync"
# Longer than a full rebuild of a large store: the lock expires by itself if its holder dies.
LOCK_SECONDS = 3600


def sync_job(
    database_url: str, store: str, redis_url: str, window_days: int = 30, timezone: str = "UTC", currency: str = "USD"
) -> dict[str, Any]:
    """One sync, unless another holds the lock (then it does nothing: that one publishes); the
    dashboard's default view (``window_days``: the shop's return window; ``timezone``: its days) is computed ahead."""
    lock = Redis.from_url(redis_url).lock(LOCK, timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        return {"skipped": "another sync is running"}
    db = Database(database_url)
    warm = lambda: [parse_filters({}, window_days=window_days, timezone=timezone, currency=currency)]  # noqa: E731
    writer = StoreWriter(db, store, warm=warm)
    try:
        version = writer.sync()
        return {"event_id": version.event_id, "as_of": version.as_of.isoformat() if version.as_of else None}
    finally:
        writer.close()
        db.dispose()
        lock.release()


def enqueue_sync(
    database_url: str, store: str, redis_url: str, window_days: int = 30, timezone: str = "UTC", currency: str = "USD"
) -> Job | None:
    """Queue a sync unless one is already waiting; returns the job queued, or None."""
    connection = Redis.from_url(redis_url)
    try:
        waiting = Job.fetch(JOB_ID, connection=connection)
        if waiting.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
            return None
    except NoSuchJobError:
        pass
    queue = Queue(QUEUE, connection=connection)
    return queue.enqueue(
        sync_job,
        database_url,
        store,
        redis_url,
        window_days,
        timezone,
        currency,
        job_id=JOB_ID,
        job_timeout=LOCK_SECONDS,
        result_ttl=600,
    )
