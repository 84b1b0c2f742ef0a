"""``flask analytics``: keep the shared analytics store current (the web workers only read it).

flask --app wsgi analytics sync [--follow] [--interval 10]
flask --app wsgi analytics enqueue        (REDIS_URL set: queue one sync for an ``rq worker analytics``)
"""

from __future__ import annotations

import signal
import sys
import threading
import time

import click
import duckdb
from flask import current_app
from flask.cli import with_appcontext

from core.analytics import StoreWriter
from core.analytics.store import Version
from web.extensions import shop


def _say(version: Version, started: float) -> None:
    as_of = version.as_of.isoformat() if version.as_of else "no events"
    click.echo(f"published event {version.event_id} (as of {as_of}) in {time.monotonic() - started:.1f} s")


def _writer() -> StoreWriter:
    try:
        return StoreWriter(shop().db, current_app.config["ANALYTICS_STORE"])
    except duckdb.IOException as error:  # DuckDB's file lock: the store has one writer
        raise click.ClickException(f"another analytics sync is running on this store ({error})") from None


@click.group("analytics")
def analytics() -> None:
    """The analytics store the dashboard reads."""


@analytics.command("sync")
@click.option("--follow", is_flag=True, help="Keep syncing every --interval seconds until stopped.")
@click.option("--interval", type=float, default=None, help="Seconds between syncs (ANALYTICS_SYNC_SECONDS).")
@with_appcontext
def sync(follow: bool, interval: float | None) -> None:
    """Bring the store up to the newest event and publish it (the first run loads everything)."""
    writer = _writer()
    try:
        started = time.monotonic()
        with click.progressbar(length=0, label="Loading facts", file=sys.stderr) as bar:
            _say(writer.sync(progress=lambda _table, rows: bar.update(rows)), started)
        if follow:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            pause = interval if interval is not None else current_app.config["ANALYTICS_SYNC_SECONDS"]
            try:
                writer.follow(stop, pause, on_sync=lambda version: _say(version, time.monotonic()))
            except KeyboardInterrupt:
                pass
    finally:
        writer.close()


@analytics.command("enqueue")
@with_appcontext
def enqueue() -> None:
    """Queue one sync on the ``analytics`` RQ queue (nothing if one is already waiting)."""
    from portal.analytics_sync import enqueue_sync

    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException("REDIS_URL is not set: run `flask analytics sync --follow` instead.")
    job = enqueue_sync(shop().db.url, current_app.config["ANALYTICS_STORE"], redis_url)
    click.echo(f"queued {job.id}" if job else "a sync is already queued")
