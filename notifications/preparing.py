"""Turning claimed outbox rows into rendered, addressed messages, with send-time consent checks.

Consent is checked again here, not only when the row was planned: a STOP or an
unsubscribe that arrives between planning and sending still wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import outbox
from core.db import Database
from core.models import Event, Order, OutboxMessage, Subscription
from notifications import context as ctx
from notifications.adapters import Outgoing
from notifications.rendering import Renderer
from notifications.store import Claim


class CallbackLinks(ctx.Links):
    def status_callback(self, outbox_id: int) -> str: ...


@dataclass(frozen=True)
class Prepared:
    claim: Claim
    outgoing: Outgoing | None = None
    skip_reason: str | None = None  # consent withdrawn: never send
    error: str | None = None  # cannot be rendered


@dataclass
class _Loaded:
    rows: list[OutboxMessage]
    events: dict[int, Event]
    orders: dict[int, Order]
    blocked: set[str]
    ended: set[int]
    customer_opted_out: set[int]


def _load(session: Session, ids: list[int]) -> _Loaded:
    rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))
    events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_({r.event_id for r in rows})))}
    orders = {
        o.id: o
        for o in session.scalars(
            select(Order).options(selectinload(Order.customer)).where(Order.id.in_({r.order_id for r in rows}))
        )
    }
    sub_ids = {r.subscription_id for r in rows if r.subscription_id is not None}
    ended = set(
        session.scalars(
            select(Subscription.id).where(Subscription.id.in_(sub_ids), Subscription.unsubscribed_at.is_not(None))
        )
    )
    customer_orders = {r.order_id for r in rows if r.channel == "email" and r.subscription_id is None}
    return _Loaded(
        rows=rows,
        events=events,
        orders=orders,
        blocked=outbox.opted_out(session, {r.recipient for r in rows if r.channel == "sms"}),
        ended=ended,
        customer_opted_out={o for o in customer_orders if outbox.customer_email_unsubscribed(session, orders[o])},
    )


def _skip_reason(row: OutboxMessage, loaded: _Loaded) -> str | None:
    if row.channel == "sms" and row.recipient in loaded.blocked:
        return "not sent: the number texted STOP"
    if row.subscription_id is not None and row.subscription_id in loaded.ended:
        return "not sent: the subscription was ended"
    if row.channel == "email" and row.subscription_id is None and row.order_id in loaded.customer_opted_out:
        return "not sent: the customer unsubscribed from this order's emails"
    return None


class Preparer:
    def __init__(
        self, db: Database, renderer: Renderer, links: CallbackLinks, branding: ctx.Branding, sender: str
    ) -> None:
        self.db, self.renderer, self.links, self.branding = db, renderer, links, branding
        self.domain = parseaddr(sender)[1].rpartition("@")[2] or "shiplog.invalid"

    def prepare(self, claims: Iterable[Claim]) -> list[Prepared]:
        by_id = {c.id: c for c in claims}
        if not by_id:
            return []
        with self.db.read() as session:
            loaded = _load(session, list(by_id))
            shared: dict[int, dict[str, Any]] = {}
            return [self._one(session, by_id[row.id], row, loaded, shared) for row in loaded.rows]

    def _one(
        self, session: Session, claim: Claim, row: OutboxMessage, loaded: _Loaded, shared: dict[int, dict[str, Any]]
    ) -> Prepared:
        reason = _skip_reason(row, loaded)
        if reason is not None:
            return Prepared(claim, skip_reason=reason)
        try:
            if row.event_id not in shared:
                event, order = loaded.events[row.event_id], loaded.orders[row.order_id]
                shared[row.event_id] = ctx.event_context(
                    session, event, order, links=self.links, branding=self.branding
                )
            return Prepared(claim, outgoing=self.outgoing(row, shared[row.event_id]))
        except Exception as error:  # a template or data bug: recorded on the row for staff to see
            return Prepared(claim, error=f"could not render {row.template}/{row.channel}: {error!r}"[:500])

    def outgoing(self, row: OutboxMessage, shared: dict[str, Any]) -> Outgoing:
        full = ctx.for_recipient(shared, row.channel, row.recipient, row.order_id, links=self.links)
        rendered = self.renderer.render(row.template, row.channel, full)
        if row.channel == "sms":
            return Outgoing(row.id, "sms", row.recipient, rendered, status_callback=self.links.status_callback(row.id))
        headers = {
            "List-Unsubscribe": f"<{full['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058 one-click
            "X-Shiplog-Notification": row.template,
        }
        return Outgoing(
            row.id, "email", row.recipient, rendered, headers, message_id=f"<outbox-{row.id}@{self.domain}>"
        )
