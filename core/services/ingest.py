"""Webhook deliveries: store first, process after.

``store_delivery`` makes a verified delivery durable before anything else happens (the
endpoint answers 2xx only after that commit): the body as the raw bytes that were signed, before
any parsing, so a body that is not JSON, not UTF-8 or full of NULs is still kept, to be inspected
and processed again. What files the delivery (its id, topic, headers and resource) is cleaned of
the characters ``core.characters`` refuses. The unique (source, delivery_id) pair makes
a redelivery a no-op. ``process_delivery`` claims a pending row with a guarded update, so
two workers never process one delivery, runs the handler, and records the outcome;
a handler failure leaves the row ``failed`` with the reason, to be retried or inspected.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from core import characters
from core.clock import utcnow
from core.errors import DomainError, DuplicateEvent, NotFound
from core.models import WebhookDelivery
from core.shop import Shop

log = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-way.
CLAIM_TIMEOUT = timedelta(minutes=5)
Handler = Callable[[Shop, WebhookDelivery], str]  # returns "processed" or "ignored"


@dataclass(frozen=True)
class Incoming:
    source: str
    delivery_id: str
    topic: str
    headers: dict[str, Any]
    body: bytes
    resource_ref: str | None = None
    resource_updated_at: datetime | None = None


@dataclass(frozen=True)
class Stored:
    id: int
    created: bool  # False: the same delivery was already stored
    status: str


def delivery_key(sent: str) -> str:
    """The platform's delivery id as sent, or a digest of it when the column cannot hold it as
    sent (empty, too long, or with characters ``core.characters`` refuses): cleaning or cutting
    it could make two deliveries one, and the second would be taken for a repeat and lost."""
    if 0 < len(sent) <= 120 and characters.refused(sent) is None:
        return sent
    return "sha256:" + hashlib.sha256(sent.encode("utf-8", "surrogatepass")).hexdigest()


def _filed(value: str, limit: int) -> str:
    """What a column that files a delivery can hold of ``value`` (the body keeps the original)."""
    return characters.clean(value)[:limit]


def store_delivery(shop: Shop, incoming: Incoming) -> Stored:
    """Insert the delivery once; a repeat returns the row already there."""
    try:
        with shop.db.write() as session:
            row = WebhookDelivery(
                source=incoming.source,
                delivery_id=delivery_key(incoming.delivery_id),
                topic=_filed(incoming.topic, 60),
                headers={_filed(name, 200): _filed(str(value), 2000) for name, value in incoming.headers.items()},
                body=incoming.body,
                status="pending",
                received_at=utcnow(),
                resource_ref=_filed(incoming.resource_ref or "", 64) or None,
                resource_updated_at=incoming.resource_updated_at,
            )
            session.add(row)
            session.flush()
            return Stored(row.id, True, row.status)
    except IntegrityError:
        with shop.db.read() as session:
            found = session.scalar(
                select(WebhookDelivery).where(
                    WebhookDelivery.source == incoming.source,
                    WebhookDelivery.delivery_id == delivery_key(incoming.delivery_id),
                )
            )
        if found is None:
            raise
        return Stored(found.id, False, found.status)


def _claim(shop: Shop, delivery_id: int, *, retry_failed: bool) -> WebhookDelivery | None:
    """Move the row to ``processing`` if nobody else holds it; the UPDATE's WHERE is the lock."""
    now = utcnow()
    claimable = [WebhookDelivery.status == "pending"]
    claimable.append((WebhookDelivery.status == "processing") & (WebhookDelivery.processed_at < now - CLAIM_TIMEOUT))
    if retry_failed:
        claimable.append(WebhookDelivery.status == "failed")
    with shop.db.write() as session:
        result = session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, or_(*claimable))
            .values(status="processing", processed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        return session.get_one(WebhookDelivery, delivery_id)


def _reason(error: str | None) -> str | None:
    """A failure's reason as the column can hold it: it may quote what the sender wrote."""
    return None if error is None else characters.clean(error, multiline=True)[:2000]


def _finish(shop: Shop, delivery_id: int, status: str, error: str | None) -> None:
    with shop.db.write() as session:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(status=status, error=_reason(error), processed_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def _run(shop: Shop, handler: Handler, delivery: WebhookDelivery) -> tuple[str, str | None]:
    try:
        return handler(shop, delivery), None
    except DuplicateEvent as error:
        return "ignored", error.message  # already recorded: the goal is met
    except DomainError as error:
        where = f" ({error.field})" if error.field else ""
        return "failed", f"{error.message}{where}"
    except Exception as error:  # a bug or outage must not lose the delivery: keep it, say why
        log.exception("webhook delivery %s failed", delivery.id)
        return "failed", f"{type(error).__name__}: {error}"


def process_delivery(shop: Shop, delivery_id: int, handler: Handler, *, retry_failed: bool = False) -> str:
    """Run ``handler`` on a stored delivery once; returns the delivery's resulting status."""
    delivery = _claim(shop, delivery_id, retry_failed=retry_failed)
    if delivery is None:
        with shop.db.read() as session:
            row = session.get(WebhookDelivery, delivery_id)
        if row is None:
            raise NotFound(f"No webhook delivery #{delivery_id}.")
        return row.status
    status, error = _run(shop, handler, delivery)
    _finish(shop, delivery_id, status, error)
    return status


def due_deliveries(shop: Shop, *, limit: int = 100, include_failed: bool = False) -> list[int]:
    """Deliveries waiting for processing (or stuck with a dead worker), oldest first."""
    now = utcnow()
    states = [WebhookDelivery.status == "pending"]
    states.append((WebhookDelivery.status == "processing") & (WebhookDelivery.processed_at < now - CLAIM_TIMEOUT))
    if include_failed:
        states.append(WebhookDelivery.status == "failed")
    with shop.db.read() as session:
        query = select(WebhookDelivery.id).where(or_(*states)).order_by(WebhookDelivery.id).limit(limit)
        return list(session.scalars(query))


def newer_applied(shop: Shop, delivery: WebhookDelivery) -> bool:
    """Whether a later update of the same store resource was already processed."""
    if delivery.resource_ref is None or delivery.resource_updated_at is None:
        return False
    with shop.db.read() as session:
        newest = session.scalar(
            select(func.max(WebhookDelivery.resource_updated_at)).where(
                WebhookDelivery.source == delivery.source,
                WebhookDelivery.resource_ref == delivery.resource_ref,
                WebhookDelivery.status == "processed",
                WebhookDelivery.id != delivery.id,
            )
        )
    return newest is not None and newest > delivery.resource_updated_at


def delivery(shop: Shop, delivery_id: int) -> WebhookDelivery:
    """One stored delivery, its raw body included."""
    with shop.db.read() as session:
        found = session.get(WebhookDelivery, delivery_id)
    if found is None:
        raise NotFound(f"No webhook delivery #{delivery_id}.")
    return found
