"""The daily low-stock digest: every SKU at or below its reorder point (``core.queries.stock.LOW``),
by email to each active member of staff, once a day (``flask --app wsgi stock digest``, from cron or
an RQ scheduler).

It leaves through the shop's email adapter, built in one place (``wiring.build_senders``: SMTP, or
the staff mailbox when no server is set), but not through the outbox: outbox rows belong to an
order and its customer, and a digest has neither. So that a day's digest goes once, the send is
recorded as an event keyed by the day (``stock.digest_sent``) after it left; a run that finds the
day recorded sends nothing, and one that fails to send records nothing, so the next run tries again.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from jinja2 import Environment, StrictUndefined

from core.clock import utcnow
from core.errors import DuplicateEvent
from core.queries import stock as queries
from core.services import inventory
from core.shop import Shop
from notifications.adapters import Outgoing
from notifications.rendering import Rendered
from notifications.wiring import build_senders
from web.extensions import shop
from web.shop_settings import settings as shop_settings
from web.times import shop_time

group = AppGroup("stock", help="Stock: the daily low-stock digest to staff.")
TEXT = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True).from_string(
    """{{ rows|length }} SKU{{ "s" if rows|length != 1 else "" }} at or below the reorder point on {{ day }}:

{% for r in rows %}- {{ r.sku }}  {{ r.product }} {{ r.title }}: {{ r.available }} available ({{ r.on_hand }} on hand, {{ r.reserved }} reserved), reorder point {{ r.reorder_point }}
{% endfor %}
Receive or adjust stock: {{ url }}
"""
)


@dataclass(frozen=True)
class DigestOutcome:
    outcome: str  # sent | nothing_low | already_sent | no_recipients | failed
    skus: int = 0
    sent: int = 0
    errors: tuple[str, ...] = ()


def render(rows: list[queries.StockRow], day: date, shop_name: str, url: str) -> Rendered:
    subject = f"{shop_name}: {len(rows)} SKU{'s' if len(rows) != 1 else ''} to reorder ({day.isoformat()})"
    return Rendered("email", subject, TEXT.render(rows=rows, day=day.isoformat(), url=url), None)


def _send(app: Flask, current: Shop, rendered: Rendered, recipients: list[str], day: date) -> list[str]:
    """Each recipient's copy through the configured email adapter; the errors, one per recipient refused."""
    sender = build_senders(app, current)["email"]
    domain = parseaddr(app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "shiplog.invalid"
    errors = []
    with sender.batch() as lane:
        for index, recipient in enumerate(recipients):
            message_id = f"<stock-digest-{day.isoformat()}-{index}@{domain}>"
            delivery = lane.send(Outgoing(None, "email", recipient, rendered, {}, message_id))
            if not delivery.ok:
                errors.append(f"{recipient}: {delivery.error}")
    sender.close()
    return errors


def send_stock_digest(app: Flask, current: Shop, day: date) -> DigestOutcome:
    """Send ``day``'s digest unless it went already, or there is nothing to reorder or nobody to tell."""
    with current.db.read() as session:
        if queries.digest_sent(session, f"stock.digest:{day.isoformat()}"):
            return DigestOutcome("already_sent")
        rows, recipients = queries.low_stock(session), queries.digest_recipients(session)
    if not rows or not recipients:
        return DigestOutcome("nothing_low" if not rows else "no_recipients", len(rows))
    url = app.config["PUBLIC_BASE_URL"] + "/staff/stock?low=1"
    errors = _send(app, current, render(rows, day, shop_settings(app).shop_name, url), recipients, day)
    if errors:
        return DigestOutcome("failed", len(rows), len(recipients) - len(errors), tuple(errors))
    with suppress(DuplicateEvent):  # another run sent it at the same moment: both copies went, one is recorded
        inventory.record_stock_digest(current, day=day, skus=[r.sku for r in rows], recipients=len(recipients))
    return DigestOutcome("sent", len(rows), len(recipients))


@group.command("digest")
def digest() -> None:
    """Email staff today's SKUs at or below their reorder point (once a day; run it daily)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = send_stock_digest(app, shop(), shop_time(utcnow()).date())  # the shop's day, not UTC's
    click.echo(f"stock digest: {found.outcome.replace('_', ' ')}; {found.skus} SKUs, {found.sent} emails sent.")
    if found.errors:
        raise click.ClickException("Not sent to " + "; ".join(found.errors))
