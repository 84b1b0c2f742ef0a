"""Timeline entries: events turned into the shop-voice text a page shows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from core.events.catalogue import EVENT_TYPES, EXCEPTION_TEXT, for_customer
from core.models import Event
from core.queries.compiled import aware, document

EVENTS = Event.__table__


@dataclass(frozen=True)
class TimelineEntry:
    code: str
    text: str  # the catalogue headline
    occurred_at: datetime
    location: str  # from the carrier; may be empty
    detail: str  # what happens next (exceptions), staff's message, or the carrier's words (customer pages only)
    shipment_id: int | None
    return_id: int | None
    # The payload as the customer may read it: a page in another language fills the catalogue's
    # translated headline with these (``web.wording``).
    values: Mapping[str, Any] = field(default_factory=dict)


def visible_to(visibility: Collection[str]) -> ColumnElement[bool]:
    """Events of these visibility levels (``core.events.catalogue.VISIBLE_TO``)."""
    levels = sorted(str(level) for level in visibility)  # plain strings: drivers must not see enums
    # One level as ``=`` (no expanding IN list), so the statement can be compiled once.
    return EVENTS.c.visibility == levels[0] if len(levels) == 1 else EVENTS.c.visibility.in_(levels)


def timeline_select(visibility: Collection[str]) -> Select[Any]:
    """The columns a timeline needs, oldest first by source time."""
    return (
        select(EVENTS.c.type, EVENTS.c.occurred_at, EVENTS.c.payload, EVENTS.c.shipment_id, EVENTS.c.return_id)
        .where(visible_to(visibility))
        .order_by(EVENTS.c.occurred_at, EVENTS.c.id)
    )


def _detail(code: str, payload: Mapping[str, Any], carrier_words: bool) -> str:
    if code == "shipment.exception":
        reason = str(payload.get("exception_reason") or "")
        return str(payload.get("next_step") or EXCEPTION_TEXT.get(reason, ("", ""))[1])
    if payload.get("customer_message"):  # what staff chose to tell the customer (a cancellation, a refund)
        return str(payload["customer_message"])
    if carrier_words:
        return str(payload.get("message") or "")
    return ""


def entries(rows: Iterable[Any], *, carrier_words: bool) -> list[TimelineEntry]:
    """Rows of ``timeline_select`` as entries; unknown codes are skipped rather than shown raw.

    ``carrier_words`` adds the carrier's free text, which may name the recipient, so only
    pages behind the customer's proof of identity ask for it.
    """
    found = []
    for code, occurred_at, payload, shipment_id, return_id in rows:
        kind = EVENT_TYPES.get(code)
        body = for_customer(code, document(payload))
        if kind is None or (body.get("stale") and code == "shipment.eta_changed"):
            continue
        found.append(
            TimelineEntry(
                code=code,
                text=kind.describe(body) or "Update",
                occurred_at=aware(occurred_at),  # type: ignore[arg-type]
                location=str(body.get("location") or ""),
                detail=_detail(code, body, carrier_words),
                shipment_id=shipment_id,
                return_id=return_id,
                values=body,
            )
        )
    return found
