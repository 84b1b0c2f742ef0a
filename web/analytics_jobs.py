"""The analytics views on an RQ queue (``ANALYTICS_VIEWS=queue``): a worker's request queues a job
that answers every waiting request and stays a few seconds for the next, so a manager clicking
through filters meets a running job instead of a new one per click."""

from __future__ import annotations

import threading
from collections.abc import Callable

from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from core.analytics.views import serve

QUEUE = "analytics"
JOB_ID = "analytics-views"
IDLE_SECONDS = 5.0
_LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


def views_job(store: str) -> None:
    serve(store, threading.Event(), idle_seconds=IDLE_SECONDS)


def views_nudge(redis_url: str | None, store: str) -> Callable[[], None]:
    """What a worker calls after writing a request: queue the views job unless one is live."""
    if not redis_url:
        raise ValueError(
            "ANALYTICS_VIEWS=queue needs REDIS_URL (or use ANALYTICS_VIEWS=shared with `analytics sync --follow`)."
        )
    connection = Redis.from_url(redis_url)

    def nudge() -> None:
        try:
            if Job.fetch(JOB_ID, connection=connection).get_status(refresh=False) in _LIVE:
                return
        except NoSuchJobError:
            pass
        Queue(QUEUE, connection=connection).enqueue(views_job, store, job_id=JOB_ID, result_ttl=0, job_timeout=3600)

    return nudge
