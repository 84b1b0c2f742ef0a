"""Scale-out dispatch on RQ: with ``REDIS_URL`` set, batches run in RQ workers.

Each ``flask notifications work`` process claims due rows in the database (the same lease
and fencing token as in-process dispatch), enqueues the claims as one job, and runs an RQ
worker that takes jobs from the shared queue, whoever enqueued them. A job re-checks its
claims before sending, so a job that outlived its lease (or ran twice) sends nothing.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker

from notifications import store, wiring
from notifications.dispatcher import Dispatcher, Stats

JOB_TIMEOUT_SECONDS = 300
# Claimed rows queued as jobs before the worker starts on them: up to ten batches, but their leases
# run meanwhile, so never more than about what one worker sends within a lease.
MAX_CLAIM_AHEAD = 1000


def deliver_job(claims: list[tuple[Any, ...]]) -> dict[str, int]:
    """Runs inside an RQ worker (with the app context of ``flask notifications work``)."""
    # (id, attempt, lease until, attempts before requeue); jobs queued by an older worker lack the last
    parsed = [
        store.Claim(row_id, attempt, datetime.fromisoformat(until), *rest) for row_id, attempt, until, *rest in claims
    ]
    return dict(wiring.dispatcher().deliver(parsed).counts)


class RqDispatch:
    def __init__(self, dispatcher: Dispatcher, redis_url: str, queue_name: str) -> None:
        self.dispatcher = dispatcher
        self.redis = Redis.from_url(redis_url)
        self.queue = Queue(queue_name, connection=self.redis)

    def enqueue_due(self) -> int:
        """Claim one batch and put it on the queue; returns how many rows were claimed."""
        settings = self.dispatcher.settings
        claims = store.claim(self.dispatcher.db, settings.batch_size, settings.lease_seconds)
        if claims:
            payload = [(c.id, c.attempt, c.lease_until.isoformat(), c.attempts_before_requeue) for c in claims]
            self.queue.enqueue(deliver_job, payload, job_timeout=JOB_TIMEOUT_SECONDS, result_ttl=60, failure_ttl=3600)
        return len(claims)

    def _worker(self) -> SimpleWorker:
        # SimpleWorker runs jobs in this process, so they share its app context and connection pools.
        return SimpleWorker([self.queue], connection=self.redis)

    def run(self, stop: threading.Event, *, once: bool = False) -> Stats:
        """Alternate claiming and working until stopped (or, with ``once``, until nothing is due)."""
        total = Stats()
        worker = self._worker()
        while not stop.is_set():
            claimed = 0
            while claimed < min(10 * self.dispatcher.settings.batch_size, MAX_CLAIM_AHEAD):
                got = self.enqueue_due()
                claimed += got
                if got < self.dispatcher.settings.batch_size:
                    break
            total.counts["claimed"] += claimed
            worker.work(burst=True, logging_level="WARNING", with_scheduler=False)
            if once and claimed == 0 and self.queue.count == 0:
                break
            if claimed == 0:
                self.dispatcher.close()  # connections kept between jobs only pay off while jobs follow each other
                stop.wait(self.dispatcher.settings.poll_seconds)
        self.dispatcher.close()
        return total


def queue_info(redis_url: str, queue_name: str) -> dict[str, Any]:
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    return {"queued": queue.count, "failed": queue.failed_job_registry.count}
