"""Twilio delivery reports (status callbacks): statuses move forward only, and a report settles a send in doubt.

Each SMS's callback URL names its outbox row and attempt (``links.status_callback``). A report on a send the
send log has as started with no outcome (its worker died before recording Twilio's answer) settles it: Twilio
has the message, so the row is marked sent under the reported SID and is not sent again. A report for a send
that never started, or under a SID other than the one recorded, marks nothing sent.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.db import Database
from core.models import OutboxMessage, SendLogEntry

# Twilio delivery statuses in the order they can happen; a status never moves back.
STATUS_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "read": 6,
}


def record_provider_status(
    db: Database,
    *,
    provider_id: str,
    status: str,
    outbox_id: int | None = None,
    attempt: int | None = None,
    error: str | None = None,
) -> bool:
    """Apply a Twilio delivery report; returns whether the row's status moved.

    A report naming a send in doubt settles it first. Otherwise only the SMS row whose recorded SID
    this is moves, and never back: reports arrive out of order and repeated."""
    rank = STATUS_RANK.get(status)
    if rank is None:
        return False
    with db.write() as session:
        if outbox_id is not None and attempt is not None:
            _settle(session, outbox_id, attempt, provider_id)
        query = select(OutboxMessage).where(
            OutboxMessage.provider_message_id == provider_id, OutboxMessage.channel == "sms"
        )
        if outbox_id is not None:
            query = query.where(OutboxMessage.id == outbox_id)
        row = session.scalar(query.with_for_update())
        if row is None or STATUS_RANK.get(row.provider_status or "", 0) >= rank:
            return False
        row.provider_status = status
        if error:
            row.last_error = error[:2000]
        return True


def _settle(session: Session, outbox_id: int, attempt: int, sid: str) -> None:
    """Twilio reports on a send we started and never heard back from: it was sent, under this SID."""
    now = utcnow()
    settled = session.execute(
        update(SendLogEntry)
        .where(
            SendLogEntry.outbox_id == outbox_id,
            SendLogEntry.attempt == attempt,
            SendLogEntry.channel == "sms",
            SendLogEntry.outcome.is_(None),
        )
        .values(outcome="sent", provider_message_id=sid, finished_at=now)
    )
    if settled.rowcount:  # a later attempt may be under way, may have failed, or may have given up: it was sent
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.status.in_(("sending", "pending", "dead")))
            .values(status="sent", sent_at=now, locked_until=None, provider_message_id=sid, provider_status=None)
        )
