"""API idempotency records: one execution per (API key, Idempotency-Key).

The record is written in the same transaction as the request's effects (a unit of work):
``start`` inserts it first, the request runs, ``finish`` stores the response, and all of
it commits together or not at all. So a crash can never leave effects without the
response to replay, nor a record without its effects. The unique constraint on
(api_key_id, key) makes a concurrent duplicate wait for the first transaction and then
collide; it then finds the finished record (``existing``) and replays it, or is refused
if its body differs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.db import UTCDateTime
from core.models import IdempotencyRecord
from core.shop import Shop

# Prebuilt Core statements (compiled once, cached): ORM-level DML would cost more than the
# writes themselves on the one-event-per-request path. ON CONFLICT rather than a savepoint
# around a plain INSERT: the same guarantee with one statement (SQLite and PostgreSQL).
_CLAIM = text(
    "INSERT INTO idempotency_records (api_key_id, key, request_hash, created_at) "
    "VALUES (:api_key_id, :key, :request_hash, :created_at) ON CONFLICT DO NOTHING RETURNING id"
).bindparams(bindparam("created_at", type_=UTCDateTime()))
_TABLE = IdempotencyRecord.__table__
_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("record_id"))
    .values(response_status=bindparam("status"), response_body=bindparam("body"))
)


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


@dataclass(frozen=True)
class Mismatch:
    """The key was used with a different request body."""


@dataclass(frozen=True)
class InProgress:
    """A record without a response: written by a release that kept records apart from effects."""


Verdict = Replay | Mismatch | InProgress


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def start(session: Session, api_key_id: int, key: str, digest: str) -> int | None:
    """Claim ``key`` inside the caller's transaction; ``None`` if it is already taken."""
    values = {"api_key_id": api_key_id, "key": key, "request_hash": digest, "created_at": utcnow()}
    found = session.connection().execute(_CLAIM, values).scalar()
    return None if found is None else int(found)


def finish(session: Session, record_id: int, status: int, body: str) -> None:
    """Store the response the key will replay from now on (commits with the effects)."""
    session.connection().execute(_FINISH, {"record_id": record_id, "status": status, "body": body})


def existing(shop: Shop, api_key_id: int, key: str, digest: str) -> Verdict | None:
    """What a request whose key is taken gets; ``None`` if the record is gone again."""
    with shop.db.read() as session:
        row = session.execute(
            select(
                IdempotencyRecord.request_hash, IdempotencyRecord.response_status, IdempotencyRecord.response_body
            ).where(IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key)
        ).first()
    if row is None:
        return None
    if row.request_hash != digest:
        return Mismatch()
    if row.response_status is None:
        return InProgress()
    return Replay(row.response_status, row.response_body or "")
