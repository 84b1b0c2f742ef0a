"""Two RQ workers on the real Redis, 1,000 messages, 30 % transient failures: all delivered, none twice, none dead.

PostgreSQL, so the claims go through ``FOR UPDATE SKIP LOCKED`` under real concurrency.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select

from core.models import OutboxMessage
from core.shop import Shop
from tests import factories
from tests.conftest import service_missing
from tests.integration.notifications.peers import SmtpHandler, SmtpPeer, TwilioPeer, TwilioState
from tests.integration.notifications.workers import start, stop, worker_env

REDIS_DB_URL = "redis://127.0.0.1:6379/13"  # this area's own Redis database
pytestmark = pytest.mark.slow


@pytest.fixture
def redis_db() -> Iterator[str]:
    try:
        client = redis.Redis.from_url(REDIS_DB_URL)
        client.ping()
    except Exception as error:
        service_missing("Redis", error)
    yield REDIS_DB_URL
    client.flushdb()


def thousand_messages(shop: Shop) -> int:
    """One order followed by 398 email and 100 SMS subscribers; shipped and delivered: 2 × 500 messages."""
    factories.make_catalog(shop)
    order = factories.place(shop, phone="+12025550043")
    for n in range(398):
        factories.subscribe_confirmed(shop, order.id, "email", f"fan{n}@example.com", scope="delivery")
    for n in range(100):
        factories.subscribe_confirmed(shop, order.id, "sms", f"+1202555{100 + n:04d}", scope="delivery")
    with shop.db.write() as session:  # the order confirmation and the confirmation requests are not part of this run
        session.query(OutboxMessage).delete()
    factories.ship_all(shop, order.id)
    factories.deliver(shop, "1Z999AA10123456784")
    with shop.db.read() as session:
        return int(session.scalar(select(func.count(OutboxMessage.id))) or 0)


def wait_until_settled(shop: Shop, timeout: float) -> Counter[str]:
    deadline = time.monotonic() + timeout
    while True:
        with shop.db.read() as session:
            counts = Counter(
                dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
            )
        if (not counts["pending"] and not counts["sending"]) or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def test_two_rq_workers_deliver_everything_exactly_once(pg_shop: Shop, redis_db: str) -> None:
    began = time.monotonic()
    total = thousand_messages(pg_shop)
    print(f"setup {time.monotonic() - began:.1f}s")
    began = time.monotonic()
    queue_name = f"notify-test-{uuid.uuid4().hex[:8]}"
    with SmtpPeer(SmtpHandler(transient_rate=0.3)) as smtp, TwilioPeer(TwilioState(transient_rate=0.3)) as twilio:
        env = worker_env(
            pg_shop.db.url,
            smtp,
            twilio,
            REDIS_URL=redis_db,
            NOTIFY_RQ_QUEUE=queue_name,
            NOTIFY_BATCH_SIZE=50,
            NOTIFY_MAX_ATTEMPTS=30,
            NOTIFY_BACKOFF_BASE_SECONDS=0.02,
            NOTIFY_BACKOFF_CAP_SECONDS=0.2,
            NOTIFY_POLL_SECONDS=0.1,
            NOTIFY_LEASE_SECONDS=60,
        )
        workers = [start(env), start(env)]
        try:
            counts = wait_until_settled(pg_shop, timeout=150)
        finally:
            outputs = [stop(worker) for worker in workers]
        print(f"delivery {time.monotonic() - began:.1f}s", outputs)
        emails = Counter(str(m["Message-ID"]) for m in smtp.received)
        texts = Counter(m["StatusCallback"] for m in twilio.received)

    assert total == 1000
    assert counts == {"sent": 1000}, outputs
    assert len(emails) == 2 * 399
    assert set(emails.values()) == {1}
    assert len(texts) == 2 * 101
    assert set(texts.values()) == {1}
    finished = Queue(queue_name, connection=redis.Redis.from_url(redis_db)).finished_job_registry.get_job_ids()
    names = {Job.fetch(job_id, connection=redis.Redis.from_url(redis_db)).worker_name for job_id in finished}
    assert len(names) == 2, "both workers took jobs from the queue"
