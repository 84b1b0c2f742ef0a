"""The money log: who gave money back or released it, when, on which order, how much and why.

Read from the event log, which already names the actor of every event: each ``refund.issued``
(a goodwill refund, a return's refund, or the refund of a cancellation, told apart by the
payload's ``cause``) and each ``payment.voided`` (an authorisation released by a cancellation).
A cancellation that refunds is its refund's row, so no amount is counted twice; what the customer
was told of it is on the order's one ``order.cancelled``, read alongside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from core.clock import as_utc
from core.models import Event, Order, Payment
from core.queries.paging import LAST_PAGE, PER_PAGE, Page, page_of

MONEY_EVENTS = ("refund.issued", "payment.voided")
KINDS = {
    "goodwill": "Refund",
    "cancellation": "Cancellation refund",
    "return": "Return refund",
    "void": "Authorisation voided (cancellation)",
}
_CANCELLED = aliased(Event)  # an order is cancelled at most once
_COLUMNS = (
    Event.id, Event.type, Event.occurred_at, Event.actor_type, Event.actor_id, Event.payload,
    Order.number, Order.currency, Payment.amount_minor, _CANCELLED.payload,
)  # fmt: skip


@dataclass(frozen=True)
class MoneyMove:
    event_id: int
    occurred_at: datetime
    who: str  # a staff member's email, or who else acted ("integration:shopify", "system")
    kind: str  # a key of KINDS
    order_number: str
    amount_minor: int
    currency: str
    reason: str  # staff's internal reason
    customer_message: str  # what the customer was told, if anything

    @property
    def kind_text(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class MoneyLog:
    found: Page[MoneyMove]  # this page, and how many moves there are in all
    who: str | None  # the filter, if any

    @property
    def moves(self) -> list[MoneyMove]:
        return list(self.found.rows)

    @property
    def page(self) -> int:
        return self.found.number

    @property
    def has_more(self) -> bool:
        return self.found.has_next


def _who(actor_type: str, actor_id: str | None) -> str:
    if actor_type == "staff" and actor_id:
        return actor_id
    return f"{actor_type}:{actor_id}" if actor_id else actor_type


def _move(row: Any) -> MoneyMove:
    event_id, code, occurred_at, actor_type, actor_id, payload, number, currency, voided, cancellation = row
    body = payload or {}
    if code == "payment.voided":
        kind, amount = "void", int(voided or 0)
    else:
        kind, amount = str(body.get("cause") or "goodwill"), int(body.get("amount_minor") or 0)
    told = body.get("customer_message")
    if kind in {"void", "cancellation"}:
        told = (cancellation or {}).get("customer_message")
    return MoneyMove(
        event_id=event_id,
        occurred_at=as_utc(occurred_at),
        who=_who(actor_type, actor_id),
        kind=kind,
        order_number=number,
        amount_minor=amount,
        currency=currency,
        reason=str(body.get("reason") or ""),
        customer_message=str(told or ""),
    )


def money_log(session: Session, *, page: int = 1, who: str | None = None, per_page: int = PER_PAGE) -> MoneyLog:
    """Newest first, a page at a time; ``who`` keeps one staff member's (or other actor's id) moves."""
    query = (
        select(*_COLUMNS)
        .join(Order, Order.id == Event.order_id)
        .outerjoin(Payment, Payment.id == Event.payment_id)
        .outerjoin(_CANCELLED, and_(_CANCELLED.order_id == Event.order_id, _CANCELLED.type == "order.cancelled"))
        .where(Event.type.in_(MONEY_EVENTS))
        .order_by(Event.occurred_at.desc(), Event.id.desc())
    )
    if who:
        query = query.where(Event.actor_id == who)
    return MoneyLog(page_of(session, query, min(page, LAST_PAGE), _move, per_page=per_page), who or None)
