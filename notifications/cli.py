"""``flask --app wsgi notifications …``: run the dispatcher, requeue dead messages, preview."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from core.outbox import NOTIFICATION_CODES
from notifications import deadletters, store, wiring
from notifications.dispatcher import Checkpoint, Stats
from notifications.preview import preview
from web.extensions import shop

group = AppGroup("notifications", help="Deliver, retry and preview email and SMS notifications.")

CRASH_ENV = "SHIPLOG_NOTIFY_CRASH_AT"  # test hook: "<checkpoint>:<n>" kills the process at the n-th hit


def crash_checkpoint(spec: str | None) -> Checkpoint | None:
    """For crash tests only: SIGKILL this process the n-th time the named point is reached."""
    if not spec:
        return None
    name, _, count = spec.partition(":")
    remaining = {"n": int(count or 1)}

    def checkpoint(point: str) -> None:
        if point == name:
            remaining["n"] -= 1
            if remaining["n"] <= 0:
                os.kill(os.getpid(), signal.SIGKILL)

    return checkpoint


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(signum: int, _frame: Any) -> None:
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
    return stop


def _summary(stats: Stats) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(stats.counts.items())) or "nothing due"


@group.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def work(once: bool) -> None:
    """Run the dispatcher (in RQ workers when REDIS_URL is set)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    dispatcher = wiring.build_dispatcher(app, crash_checkpoint(os.environ.get(CRASH_ENV)))
    app.extensions[wiring.EXTENSION] = dispatcher
    stop = _stop_on_signals()
    if app.config.get("REDIS_URL"):
        from notifications.queue import RqDispatch

        click.echo(f"notifications: RQ dispatch on queue {app.config['NOTIFY_RQ_QUEUE']!r}")
        stats = RqDispatch(dispatcher, app.config["REDIS_URL"], app.config["NOTIFY_RQ_QUEUE"]).run(stop, once=once)
    elif once:
        stats = dispatcher.drain()
    else:
        click.echo(
            f"notifications: dispatching (email via {dispatcher.senders['email'].name}, SMS via {dispatcher.senders['sms'].name})"
        )
        dispatcher.work(stop)
        stats = Stats()
    click.echo(f"notifications: {_summary(stats)}")


@group.command("retry")
@click.option("--id", "ids", type=int, multiple=True, help="Only these outbox ids (default: every dead message).")
def retry(ids: tuple[int, ...]) -> None:
    """Requeue dead messages with a fresh set of attempts."""
    count = deadletters.retry_dead(shop(), list(ids) if ids else None)
    click.echo(f"{count} dead message{'s' if count != 1 else ''} queued again.")


@group.command("status")
def status() -> None:
    """How many outbox messages are in each state."""
    for name, count in sorted(store.status_counts(shop().db).items()):
        click.echo(f"{name:>8}  {count}")


def _echo_preview(shown: Any, echo: Callable[[str], None]) -> None:
    echo(f"To: {shown.recipient}")
    for name, value in shown.headers.items():
        echo(f"{name}: {value}")
    if shown.rendered.subject:
        echo(f"Subject: {shown.rendered.subject}")
    echo("")
    echo(shown.rendered.text)
    if shown.channel == "sms":
        echo(f"[{len(shown.rendered.text)} characters, {shown.rendered.sms_segments} segment(s)]")
    if shown.sample:
        echo("[sample: the order has no such event yet; its current data was used]")


@group.command("preview")
@click.option("--order", "number", required=True, help="Order number, e.g. SL12345678.")
@click.option("--code", type=click.Choice(sorted(NOTIFICATION_CODES)), required=True)
@click.option("--channel", type=click.Choice(["email", "sms"]), default="email", show_default=True)
@click.option("--html", is_flag=True, help="Print the HTML part instead of the plain text.")
def preview_command(number: str, code: str, channel: str, html: bool) -> None:
    """Show a notification exactly as it would be sent for a real order."""
    from core.errors import DomainError

    try:
        shown = preview(shop(), wiring.preparer_for_app(), number, code, channel)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if html and shown.rendered.html:
        click.echo(shown.rendered.html)
        return
    _echo_preview(shown, click.echo)
