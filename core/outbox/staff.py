"""Staff's messages: events about no order that the shop's staff hear of, planned in the event's own
transaction like the customer's (``core.outbox``) and delivered by the same dispatcher, with its
claims, retries and dead letters.

``STAFF_MESSAGES`` is the one table from an event type to the message it sends staff: today the daily
low-stock digest (``stock.digest_sent``). Who reads it is ``readers`` (every active member of staff,
the one definition): one ``email`` row each, of level ``staff``, naming no order. What the message
says is in the event's payload, so every attempt sends what was recorded, not the stock of the moment.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import OutboxMessage, StaffUser
from core.outbox import Logged, Recipient, is_backfill, message

STAFF = "staff"  # the level of a message to a member of staff: it names no order and no customer
STAFF_MESSAGES: dict[str, str] = {"stock.digest_sent": "stock_digest"}  # event type -> message code


def readers(session: Session) -> list[str]:
    """Who reads staff's messages: every active member of staff, managers included, by address."""
    return list(session.scalars(select(StaffUser.email).where(StaffUser.active.is_(True)).order_by(StaffUser.email)))


def plan(event: Logged, addresses: list[str]) -> list[dict[str, Any]]:
    """One email per address for an event staff hear of (none for imported history); the caller writes them."""
    code = STAFF_MESSAGES.get(event.type)
    if code is None or event.order_id is not None or is_backfill(event):
        return []
    return [message(event, None, Recipient("email", address, None, STAFF), code) for address in addresses]


def plan_in_session(session: Session, event: Logged) -> None:
    """Add ``event``'s messages to staff to the session (read the staff only for an event they hear of)."""
    if event.type in STAFF_MESSAGES:
        session.add_all(OutboxMessage(**fields) for fields in plan(event, readers(session)))
