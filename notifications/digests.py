"""``flask --app wsgi stock digest``: the daily low-stock digest, every SKU at or below its reorder point
(``core.queries.stock.LOW``), to each active member of staff, once a shop day (run it daily from cron
or an RQ scheduler).

The command only records it (``core.services.inventory.record_stock_digest``): the ``stock.digest_sent``
event, keyed by the day, and one outbox row per member of staff, in one transaction. The notification
dispatcher (``flask notifications work``) sends them like every other message, through the shop's email
adapter (SMTP, or the staff mailbox without one), with its claims, retries and dead letters, rendered by
``notifications.staff_mail``. A run that finds the day recorded writes nothing, so a second run (or a
retry of a run that died) sends no second digest; a recipient the server refuses is retried alone.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.clock import utcnow
from core.services import inventory
from web.extensions import shop
from web.times import shop_time

group = AppGroup("stock", help="Stock: the daily low-stock digest to staff.")
SAID = {
    "queued": "queued",
    "already_sent": "already sent today",
    "nothing_low": "nothing low",
    "no_recipients": "no active member of staff to send it to",
}


@group.command("digest")
def digest() -> None:
    """Email staff today's SKUs at or below their reorder point (once a day; run it daily)."""
    found = inventory.record_stock_digest(shop(), day=shop_time(utcnow()).date())  # the shop's day, not UTC's
    click.echo(f"stock digest: {SAID[found.outcome]}; {found.skus} SKUs, {found.emails} emails to send.")
