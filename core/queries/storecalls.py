"""The calls Shiplog made to the store an order came from (``core.storecalls``), as staff read them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import storecalls
from core.models import OutboxMessage


@dataclass(frozen=True)
class StoreCall:
    """A call to the store (a refund, a cancellation) and how its delivery stands."""

    kind: str  # refund | cancel
    store: str
    status: str  # pending | sending | sent | dead | skipped (the outbox's)
    attempts: int
    last_error: str | None


def store_calls(session: Session, order_id: int) -> list[StoreCall]:
    rows = session.execute(
        select(OutboxMessage.template, OutboxMessage.recipient, OutboxMessage.status, OutboxMessage.attempts,
               OutboxMessage.last_error)
        .where(OutboxMessage.order_id == order_id, OutboxMessage.channel == storecalls.CHANNEL)
        .order_by(OutboxMessage.id)
    )  # fmt: skip
    return [StoreCall(*row) for row in rows]
