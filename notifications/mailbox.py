"""Reading the local sink: the staff mailbox of every message that did not leave the machine."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from core import characters
from core.errors import NotFound
from core.models import SinkMessage
from core.shop import Shop

PAGE_SIZE = 50


@dataclass(frozen=True)
class MailboxPage:
    messages: list[SinkMessage]
    total: int
    page: int
    pages: int


def list_messages(shop: Shop, *, channel: str | None = None, search: str = "", page: int = 1) -> MailboxPage:
    """Newest first; ``search`` matches the recipient or the subject."""
    if characters.refused(search, multiline=True) is not None:  # none holds one, and PostgreSQL cannot compare it
        return MailboxPage([], 0, 1, 1)
    query = select(SinkMessage)
    if channel in ("email", "sms"):
        query = query.where(SinkMessage.channel == channel)
    if search.strip():
        like = f"%{search.strip()[:100]}%"
        query = query.where(or_(SinkMessage.recipient.ilike(like), SinkMessage.subject.ilike(like)))
    with shop.db.read() as session:
        total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        rows = session.scalars(query.order_by(SinkMessage.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
        return MailboxPage(list(rows), total, page, pages)


def get_message(shop: Shop, message_id: int) -> SinkMessage:
    with shop.db.read() as session:
        found = session.get(SinkMessage, message_id)
    if found is None:
        raise NotFound(f"No message #{message_id} in the mailbox.")
    return found
