"""Turning claimed outbox rows into rendered, addressed messages, with send-time consent checks.

Consent is checked again here, not only when the row was planned: a STOP or an
unsubscribe that arrives between planning and sending still wins, and a subscription's
row leaves only while the subscription is confirmed (its confirmation request, while it is not).
Each row is rendered at the level it names (``core.outbox``): a parcel-level row from the
parcel alone (``context.parcel_context``), and a subscription's row is never order-level. A row
of level ``staff`` (``core.outbox.staff``) names no order: it is rendered from its event's payload
(``staff_mail``) and leaves only while its member of staff is still active.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any, NamedTuple

from flask_mail import sanitize_address
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload, selectinload

from core import outbox
from core.db import Database
from core.models import Event, Order, OutboxMessage, Subscription, WebhookEndpoint
from core.outbox import staff
from notifications import context as ctx
from notifications import outbound, staff_mail
from notifications.adapters import Outgoing
from notifications.rendering import Renderer, Stencil
from notifications.store import Claim

Stencils = dict[tuple[int | None, str, str, str], Stencil | None]


class CallbackLinks(ctx.Links):
    def status_callback(self, outbox_id: int, attempt: int | None = None) -> str: ...
    def staff(self, path: str) -> str: ...


@dataclass(frozen=True)
class Prepared:
    claim: Claim
    outgoing: Outgoing | None = None
    skip_reason: str | None = None  # consent withdrawn: never send
    error: str | None = None  # cannot be rendered


class Row(NamedTuple):
    """The outbox columns a message is built from (plain tuples, not ORM objects: see bench/README.md)."""

    id: int
    event_id: int | None
    order_id: int | None  # None: a message to staff, or a webhook delivery of an event about no order
    subscription_id: int | None
    channel: str
    recipient: str
    template: str
    level: str
    webhook_id: int | None


_ROWS = (
    select(*(getattr(OutboxMessage, name) for name in Row._fields))
    .where(OutboxMessage.id.in_(bindparam("b_ids", expanding=True)))
    .order_by(OutboxMessage.id)
)
# Rendering reads an order's lines and customer; its addresses and payments are not needed here.
_ORDER_OPTIONS = (selectinload(Order.customer), lazyload(Order.addresses), lazyload(Order.payments))


@dataclass
class _Loaded:
    rows: list[Row]
    events: dict[int, Event]
    orders: dict[int, Order]
    blocked: set[str]
    ended: set[int]
    confirmed: set[int]
    customer_opted_out: set[int]
    endpoints: dict[int, outbound.Endpoint]
    staff: set[str]  # every active member of staff's address (read only for a batch with messages to staff)


@dataclass
class _Batch:
    """One prepare call: its session, what it loaded, and what its rows share (per event)."""

    session: Session
    loaded: _Loaded
    shared: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    stencils: Stencils = field(default_factory=dict)


def _load(session: Session, ids: list[int]) -> _Loaded:
    rows = [Row(*found) for found in session.connection().execute(_ROWS, {"b_ids": ids})]
    events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_({r.event_id for r in rows})))}
    order_ids = {r.order_id for r in rows if r.order_id is not None}
    orders = {o.id: o for o in session.scalars(select(Order).options(*_ORDER_OPTIONS).where(Order.id.in_(order_ids)))}
    sub_ids = {r.subscription_id for r in rows if r.subscription_id is not None}
    subs = session.execute(
        select(Subscription.id, Subscription.unsubscribed_at, Subscription.confirmed_at).where(
            Subscription.id.in_(sub_ids)
        )
    ).all()
    customer_orders = {
        r.order_id for r in rows if r.channel == "email" and r.subscription_id is None and r.order_id is not None
    }
    return _Loaded(
        rows=rows,
        events=events,
        orders=orders,
        blocked=outbox.opted_out(session, {r.recipient for r in rows if r.channel == "sms"}),
        ended={sid for sid, ended_at, _ in subs if ended_at is not None},
        confirmed={sid for sid, _, confirmed_at in subs if confirmed_at is not None},
        customer_opted_out={o for o in customer_orders if outbox.customer_email_unsubscribed(session, orders[o])},
        endpoints=_endpoints(session, {r.webhook_id for r in rows if r.webhook_id is not None}),
        staff=set(staff.readers(session)) if any(r.level == staff.STAFF for r in rows) else set(),
    )


def _endpoints(session: Session, ids: set[int]) -> dict[int, outbound.Endpoint]:
    if not ids:
        return {}
    columns = (WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.secret, WebhookEndpoint.removed_at)
    found = session.execute(select(*columns).where(WebhookEndpoint.id.in_(ids)))
    return {ident: outbound.Endpoint(url, secret, removed is not None) for ident, url, secret, removed in found}


def _subscription_skip(subscription_id: int, row: Row, loaded: _Loaded) -> str | None:
    """A subscription hears parcel-level only: its confirmation request until it is confirmed, then news."""
    if subscription_id in loaded.ended:
        return "not sent: the subscription was ended"
    if row.level != outbox.PARCEL:
        return "not sent: a subscription's messages are parcel-level only"
    confirmed = subscription_id in loaded.confirmed
    if row.template == outbox.CONFIRMATION:
        return "not sent: the subscription is already confirmed" if confirmed else None
    return None if confirmed else "not sent: the subscription is not confirmed"


def _skip_reason(row: Row, loaded: _Loaded) -> str | None:
    if row.webhook_id is not None:
        return outbound.skip_reason(loaded.endpoints.get(row.webhook_id))
    if row.level == staff.STAFF:  # checked again at send time, as consent is: a member who left hears nothing
        return None if row.recipient in loaded.staff else "not sent: no longer an active member of staff"
    if row.channel == "sms" and row.recipient in loaded.blocked:
        return "not sent: the number texted STOP"
    if row.subscription_id is not None:
        return _subscription_skip(row.subscription_id, row, loaded)
    if row.channel == "email" and row.order_id in loaded.customer_opted_out:
        return "not sent: the customer unsubscribed from this order's emails"
    return None


class Preparer:
    def __init__(
        self, db: Database, renderer: Renderer, links: CallbackLinks, branding: Callable[[], ctx.Branding],
        sender: str, reply_to: Callable[[], str | None] = lambda: None,
    ) -> None:  # fmt: skip
        # The branding and the reply-to follow the shop's settings, which a manager changes while workers run.
        self.db, self.renderer, self.links, self._branding, self._reply_to = db, renderer, links, branding, reply_to
        self.domain = parseaddr(sender)[1].rpartition("@")[2] or "shiplog.invalid"
        self._encoded: tuple[str, str] | None = None

    @property
    def branding(self) -> ctx.Branding:
        return self._branding()

    @property
    def reply_to(self) -> str | None:
        """Replies reach people who can answer (the sender address is often not read): "reply to this email"
        in a message must work. Encoded as flask-mail would encode its own reply_to, once per address."""
        address = self._reply_to()
        if not address:
            return None
        if self._encoded is None or self._encoded[0] != address:
            self._encoded = (address, sanitize_address(address))
        return self._encoded[1]

    def prepare(self, claims: Iterable[Claim]) -> list[Prepared]:
        by_id = {c.id: c for c in claims}
        if not by_id:
            return []
        with self.db.read() as session:
            batch = _Batch(session, _load(session, list(by_id)))
            return [self._one(batch, by_id[row.id], row) for row in batch.loaded.rows]

    def _one(self, batch: _Batch, claim: Claim, row: Row) -> Prepared:
        reason = _skip_reason(row, batch.loaded)
        if reason is not None:
            return Prepared(claim, skip_reason=reason)
        try:
            if row.webhook_id is not None:
                return Prepared(claim, outgoing=self._delivery(batch.loaded, row))
            if row.level == staff.STAFF:
                return Prepared(claim, outgoing=self._to_staff(batch.loaded, row))
            key = (row.event_id, row.level)
            if key not in batch.shared:
                event, order = batch.loaded.events[row.event_id], batch.loaded.orders[row.order_id]
                batch.shared[key] = self.context(batch.session, event, order, row.level)
            shared = batch.shared[key]
            return Prepared(claim, outgoing=self.outgoing(row, shared, batch.stencils, attempt=claim.attempt))
        except Exception as error:  # a template or data bug: recorded on the row for staff to see
            return Prepared(claim, error=f"could not render {row.template}/{row.channel}: {error!r}"[:500])

    @staticmethod
    def _delivery(loaded: _Loaded, row: Row) -> Outgoing:
        """A webhook delivery: the event as the API gives it, to the endpoint's URL."""
        event, order = loaded.events[row.event_id], loaded.orders.get(row.order_id)
        endpoint = loaded.endpoints[row.webhook_id]  # type: ignore[index]
        return outbound.outgoing(row, event, order.number if order else None, endpoint)

    def _to_staff(self, loaded: _Loaded, row: Row) -> Outgoing:
        """A message to a member of staff, from what its event recorded (``notifications.staff_mail``)."""
        payload = loaded.events[row.event_id].payload  # type: ignore[index]
        name, page = self.branding.name, self.links.staff
        return staff_mail.outgoing(row, payload, shop_name=name, staff_page=page, domain=self.domain)

    def context(self, session: Session, event: Event, order: Order, level: str) -> dict[str, Any]:
        """What every recipient of ``event`` at ``level`` shares, in the order's language (else the shop's);
        parcel-level is built without the order: only its language is taken from it."""
        branding = self.branding
        voice = branding.voice(order.locale)
        if level == outbox.ORDER:
            return ctx.event_context(session, event, order, links=self.links, branding=branding, voice=voice)
        return ctx.parcel_context(session, event, links=self.links, branding=branding, voice=voice)

    def outgoing(
        self,
        row: Row | OutboxMessage,
        shared: dict[str, Any],
        stencils: Stencils | None = None,
        *,
        attempt: int | None = None,
    ) -> Outgoing:
        """The message for one row (for a send, its claim's ``attempt``); previews call this too, so they show
        exactly what is sent."""
        full = ctx.for_recipient(shared, row.channel, row.recipient, row.order_id, links=self.links)
        link = full["unsubscribe_url"]
        stencil = self._stencil(row, shared, {} if stencils is None else stencils)
        if stencil is not None and stencil.fits(link):
            rendered = stencil.fill(link)
        else:  # the templates (or this link) need a rendering of their own
            stencil, rendered = None, self.renderer.render(row.template, row.channel, full, row.level)
        if row.channel == "sms":
            callback = self.links.status_callback(row.id, attempt)
            return Outgoing(row.id, "sms", row.recipient, rendered, status_callback=callback)
        headers = {
            "List-Unsubscribe": f"<{full['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058 one-click
            "X-Shiplog-Notification": row.template,
        }
        reply_to = self.reply_to
        if reply_to:
            headers["Reply-To"] = reply_to
        message_id = f"<outbox-{row.id}@{self.domain}>"
        return Outgoing(row.id, "email", row.recipient, rendered, headers, message_id, stencil=stencil, link=link)

    def _stencil(self, row: Row | OutboxMessage, shared: dict[str, Any], stencils: Stencils) -> Stencil | None:
        """Every recipient of one event shares one rendering per template and channel."""
        key = (row.event_id, row.template, row.channel, row.level)
        if key not in stencils:
            stencils[key] = self.renderer.stencil(row.template, row.channel, shared, row.level)
        return stencils[key]
