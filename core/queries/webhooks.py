"""Stored webhook deliveries for the staff page, newest first, a page at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import WebhookDelivery
from core.queries.paging import Page, page_of

STATUSES = ("pending", "processing", "processed", "ignored", "failed")


def _delivery(row: Any) -> WebhookDelivery:
    return row[0]  # type: ignore[no-any-return]


def deliveries(session: Session, *, status: str | None = None, page: int = 1) -> Page[WebhookDelivery]:
    """One page of the deliveries (of one status, when ``status`` is one of ``STATUSES``)."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
    if status in STATUSES:
        query = query.where(WebhookDelivery.status == status)
    return page_of(session, query, page, _delivery)
