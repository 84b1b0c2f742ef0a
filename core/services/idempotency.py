"""API idempotency records: one execution per (API key, Idempotency-Key).

``begin`` inserts an in-progress row (no response yet) in its own transaction; the unique
constraint on (api_key_id, key) makes concurrent duplicates collide, so exactly one caller
executes. The others see the row: a finished one is replayed, a different body is refused,
and one still in progress makes them wait briefly and then replay, or answer 409.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from core.clock import utcnow
from core.models import IdempotencyRecord
from core.shop import Shop

# An in-progress record older than this belongs to a request that died; it may be taken over.
ABANDONED_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Started:
    record_id: int


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


@dataclass(frozen=True)
class Mismatch:
    """The key was used with a different request body."""


@dataclass(frozen=True)
class InProgress:
    """The first request with this key has not finished yet."""


Claim = Started | Replay | Mismatch | InProgress


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def _insert(shop: Shop, api_key_id: int, key: str, digest: str) -> int | None:
    try:
        with shop.db.write() as session:
            row = IdempotencyRecord(api_key_id=api_key_id, key=key, request_hash=digest, created_at=utcnow())
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None


def _existing(shop: Shop, api_key_id: int, key: str) -> IdempotencyRecord | None:
    with shop.db.read() as session:
        return session.scalar(
            select(IdempotencyRecord).where(IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key)
        )


def _take_over(shop: Shop, row: IdempotencyRecord) -> bool:
    """Claim an abandoned in-progress record (guarded, so only one caller wins)."""
    with shop.db.write() as session:
        result = session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == row.id,
                IdempotencyRecord.response_status.is_(None),
                IdempotencyRecord.created_at < utcnow() - ABANDONED_AFTER,
            )
            .values(created_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def _judge(shop: Shop, row: IdempotencyRecord, digest: str) -> Claim:
    if row.request_hash != digest:
        return Mismatch()
    if row.response_status is not None:
        return Replay(row.response_status, row.response_body or "")
    if _take_over(shop, row):
        return Started(row.id)
    return InProgress()


def begin(shop: Shop, api_key_id: int, key: str, digest: str, *, wait_seconds: float = 5.0) -> Claim:
    """Start executing under ``key``, or say what to answer instead."""
    record_id = _insert(shop, api_key_id, key, digest)
    if record_id is not None:
        return Started(record_id)
    deadline = time.monotonic() + wait_seconds
    while True:
        row = _existing(shop, api_key_id, key)
        if row is None:  # the first request failed and gave the key back: try again
            record_id = _insert(shop, api_key_id, key, digest)
            if record_id is not None:
                return Started(record_id)
            continue
        verdict = _judge(shop, row, digest)
        if not isinstance(verdict, InProgress) or time.monotonic() >= deadline:
            return verdict
        time.sleep(0.05)


def finish(shop: Shop, record_id: int, status: int, body: str) -> None:
    """Store the response the key will replay from now on."""
    with shop.db.write() as session:
        session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id)
            .values(response_status=status, response_body=body)
            .execution_options(synchronize_session=False)
        )


def release(shop: Shop, record_id: int) -> None:
    """Forget an attempt that ended without a response worth replaying (e.g. a crash)."""
    with shop.db.write() as session:
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
