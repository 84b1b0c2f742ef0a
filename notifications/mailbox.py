"""Reading the local sink: the staff mailbox of every message that did not leave the machine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from core import characters
from core.errors import NotFound
from core.models import SinkMessage
from core.queries.paging import Page, page_of
from core.shop import Shop


def _message(row: Any) -> SinkMessage:
    return row[0]  # type: ignore[no-any-return]


def list_messages(shop: Shop, *, channel: str | None = None, search: str = "", page: int = 1) -> Page[SinkMessage]:
    """Newest first, a page at a time; ``search`` matches the recipient or the subject."""
    if characters.refused(search, multiline=True) is not None:  # none holds one, and PostgreSQL cannot compare it
        return Page([], 0, 1)
    query = select(SinkMessage)
    if channel in ("email", "sms"):
        query = query.where(SinkMessage.channel == channel)
    if search.strip():
        like = f"%{search.strip()[:100]}%"
        query = query.where(or_(SinkMessage.recipient.ilike(like), SinkMessage.subject.ilike(like)))
    with shop.db.read() as session:
        return page_of(session, query.order_by(SinkMessage.id.desc()), page, _message)


def get_message(shop: Shop, message_id: int) -> SinkMessage:
    with shop.db.read() as session:
        found = session.get(SinkMessage, message_id)
    if found is None:
        raise NotFound(f"No message #{message_id} in the mailbox.")
    return found
