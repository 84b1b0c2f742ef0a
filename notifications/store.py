"""Outbox bookkeeping: claiming due rows under concurrency, and recording what happened.

A claim moves a row to ``sending``, bumps ``attempts`` and leases it until ``locked_until``.
``attempts`` doubles as a fencing token: every later write names the attempt it belongs to,
so a worker whose lease expired (and whose row was re-claimed) can no longer touch it.

PostgreSQL picks candidates with ``FOR UPDATE SKIP LOCKED`` so workers never wait on each
other; SQLite serialises writers (``BEGIN IMMEDIATE``) and the claim is a guarded UPDATE that
re-checks the due condition. Both return exactly the rows this worker won.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, bindparam, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from core.clock import utcnow
from core.db import Database, UTCDateTime
from core.models import OutboxMessage


@dataclass(frozen=True)
class Claim:
    id: int
    attempt: int  # the fencing token
    lease_until: datetime
    attempts_before_requeue: int = 0  # the retry budget counts the attempts after these

    @property
    def tries(self) -> int:
        """This attempt's number since the row was planned or last requeued (retry budget and backoff)."""
        return self.attempt - self.attempts_before_requeue


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """Exponential backoff with equal jitter: half the step fixed, half random."""
        step = min(self.cap_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return timedelta(seconds=step / 2 + (rng or random).uniform(0, step / 2))


def _due(now: ColumnElement[datetime]) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.locked_until < now),  # a crashed worker's lease
    )


# Built once, not per claim: claiming runs every batch (bench/README.md).
_NOW = bindparam("b_now", type_=UTCDateTime())
_CANDIDATES = (
    select(OutboxMessage.id)
    .where(_due(_NOW))
    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    .limit(bindparam("b_limit", type_=Integer()))
    .with_for_update(skip_locked=True)
)
_TAKE = (
    update(OutboxMessage)
    .where(OutboxMessage.id.in_(bindparam("b_ids", expanding=True)), _due(_NOW))
    .values(
        status="sending",
        attempts=OutboxMessage.attempts + 1,
        locked_until=bindparam("b_until", type_=UTCDateTime()),
    )
    .returning(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.attempts_before_requeue)
)
_LEASED = select(OutboxMessage.id, OutboxMessage.attempts).where(
    OutboxMessage.id.in_(bindparam("b_ids", expanding=True)), OutboxMessage.status == "sending"
)


def claim(db: Database, limit: int, lease_seconds: float, now: datetime | None = None) -> list[Claim]:
    """Take up to ``limit`` due rows for this worker; no other worker gets them until the lease ends."""
    now = now or utcnow()
    until = now + timedelta(seconds=lease_seconds)
    with db.write() as session:
        connection = session.connection()
        ids = list(connection.scalars(_CANDIDATES, {"b_now": now, "b_limit": limit}))
        if not ids:
            return []
        won = connection.execute(_TAKE, {"b_ids": ids, "b_now": now, "b_until": until}).all()
    return sorted((Claim(row_id, attempt, until, before) for row_id, attempt, before in won), key=lambda c: c.id)


def _fenced(claimed: Claim) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.id == claimed.id,
        OutboxMessage.status == "sending",
        OutboxMessage.attempts == claimed.attempt,
    )


def still_mine(db: Database, claims: Iterable[Claim]) -> set[int]:
    """The idempotency check before sending: rows still leased to these exact attempts."""
    wanted = {c.id: c.attempt for c in claims}
    if not wanted:
        return set()
    with db.read() as session:
        rows = session.connection().execute(_LEASED, {"b_ids": list(wanted)})
        return {row_id for row_id, attempts in rows if wanted[row_id] == attempts}


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message, to be written against its fencing token."""

    claim: Claim
    status: str  # sent | pending (retry later) | dead | skipped
    error: str | None = None
    provider_id: str | None = None
    provider_status: str | None = None
    retry_at: datetime | None = None


def sent(claimed: Claim, provider_id: str | None, provider_status: str | None) -> Outcome:
    return Outcome(claimed, "sent", provider_id=provider_id, provider_status=provider_status)


def skipped(claimed: Claim, reason: str) -> Outcome:
    return Outcome(claimed, "skipped", error=reason[:500])


def failed(
    claimed: Claim, error: str, *, permanent: bool, policy: RetryPolicy, provider_status: str | None = None
) -> Outcome:
    """Retry later with backoff, or give up: permanent errors and the last attempt go dead.
    ``provider_status`` is what the other side answered, if it did (a webhook's HTTP status)."""
    if permanent or claimed.tries >= policy.max_attempts:
        return Outcome(claimed, "dead", error=error[:2000], provider_status=provider_status)
    retry_at = utcnow() + policy.delay(claimed.tries)
    return Outcome(claimed, "pending", error=error[:2000], provider_status=provider_status, retry_at=retry_at)


# Fenced: a worker whose lease ran out (and whose row was claimed again) writes nothing.
RECORD = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id == bindparam("b_id"),
        OutboxMessage.status == "sending",
        OutboxMessage.attempts == bindparam("b_attempt"),
    )
    .values(
        status=bindparam("b_status"),
        last_error=bindparam("b_error"),
        provider_message_id=func.coalesce(bindparam("b_provider_id"), OutboxMessage.provider_message_id),
        provider_status=func.coalesce(bindparam("b_provider_status"), OutboxMessage.provider_status),
        sent_at=func.coalesce(bindparam("b_sent_at", type_=UTCDateTime()), OutboxMessage.sent_at),
        next_attempt_at=func.coalesce(bindparam("b_retry_at", type_=UTCDateTime()), OutboxMessage.next_attempt_at),
        locked_until=None,
    )
)


def parameters(outcome: Outcome | None, now: datetime) -> dict[str, Any]:
    """``RECORD``'s parameters for one outcome; for none, NULLs that match no row."""
    if outcome is None:
        names = ("b_id", "b_attempt", "b_status", "b_error", "b_provider_id", "b_provider_status", "b_sent_at")
        return dict.fromkeys((*names, "b_retry_at"))
    return {
        "b_id": outcome.claim.id,
        "b_attempt": outcome.claim.attempt,
        "b_status": outcome.status,
        "b_error": outcome.error,
        "b_provider_id": outcome.provider_id,
        "b_provider_status": outcome.provider_status,
        "b_sent_at": now if outcome.status == "sent" else None,
        "b_retry_at": outcome.retry_at,
    }


def record(db: Database, outcomes: list[Outcome]) -> int:
    """Write outcomes in one transaction; returns how many rows were still this worker's to write."""
    if not outcomes:
        return 0
    now = utcnow()
    with db.write() as session:
        result = session.connection().execute(RECORD, [parameters(o, now) for o in outcomes])
        return int(result.rowcount or 0)


def requeue_dead(db: Database, ids: Iterable[int] | None = None, *, states: tuple[str, ...] = ("dead",)) -> int:
    """Give dead messages (or rows in ``states``: a delivered webhook replayed) a fresh set of attempts,
    due now (``attempts`` goes on counting: see the model)."""
    query = update(OutboxMessage).where(OutboxMessage.status.in_(states))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    with db.write() as session:
        result = session.execute(
            query.values(
                status="pending",
                attempts_before_requeue=OutboxMessage.attempts,
                next_attempt_at=utcnow(),
                locked_until=None,
            ).execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


def status_counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {status: int(count) for status, count in rows}
