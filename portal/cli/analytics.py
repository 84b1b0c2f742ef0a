"""``flask analytics``: keep the shared analytics store current (the web workers only read it).

flask --app wsgi analytics sync [--follow] [--interval 10]   (--follow also answers the web workers' views)
flask --app wsgi analytics serve          (only answer the views: when the sync runs elsewhere, e.g. RQ)
flask --app wsgi analytics enqueue        (REDIS_URL set: queue one sync for an ``rq worker analytics``)
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable

import click
import duckdb
from flask import current_app
from flask.cli import with_appcontext

from core.analytics import StoreWriter, parse_filters
from core.analytics.store import Version
from core.analytics.views import serve
from portal.analytics_sync import enqueue_sync
from web.extensions import shop


def _say(version: Version, started: float) -> None:
    as_of = version.as_of.isoformat() if version.as_of else "no events"
    click.echo(f"published event {version.event_id} (as of {as_of}) in {time.monotonic() - started:.1f} s")


def _progress() -> Callable[[str, int], None]:
    """Rows loaded per table on stderr, every 500,000 rows (a first load of a big shop takes minutes)."""
    counts: dict[str, int] = {}

    def report(table: str, rows: int) -> None:
        before = counts.get(table, 0)
        counts[table] = before + rows
        if before == 0 or counts[table] // 500_000 > before // 500_000:
            click.echo(f"  loading {table}: {counts[table]:,} rows", err=True)

    return report


def _writer() -> StoreWriter:
    try:
        window, zone_name = shop().return_policy.window_days, current_app.config.get("SHOP_TIMEZONE") or "UTC"
        # The dashboard's default view (no filters in its URL), computed ahead for every web worker.
        warm = lambda: [parse_filters({}, window_days=window, timezone=zone_name)]  # noqa: E731 - a deferred value
        return StoreWriter(shop().db, current_app.config["ANALYTICS_STORE"], warm=warm)
    except duckdb.IOException as error:  # DuckDB's file lock: the store has one writer
        raise click.ClickException(f"another analytics sync is running on this store ({error})") from None


@click.group("analytics")
def analytics() -> None:
    """The analytics store the dashboard reads."""


def _follow(writer: StoreWriter, interval: float | None) -> None:
    """Sync again every ``interval`` seconds until SIGTERM or Ctrl-C; say so when a new version is out."""
    stop, last = threading.Event(), [writer.warehouse.synced_event_id]
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def said(version: Version) -> None:
        if version.event_id != last[0]:
            last[0] = version.event_id
            _say(version, time.monotonic())

    pause = interval if interval is not None else current_app.config["ANALYTICS_SYNC_SECONDS"]
    # The web workers' views are answered beside the syncs, in this same process: a view never waits
    # for a sync to finish, and no web worker runs the queries (core.analytics.views).
    answering = threading.Thread(target=serve, args=(writer.root, stop), name="analytics-views", daemon=True)
    answering.start()
    with contextlib.suppress(KeyboardInterrupt):
        writer.follow(stop, pause, on_sync=said)
    stop.set()
    answering.join(timeout=5)


@analytics.command("sync")
@click.option("--follow", is_flag=True, help="Keep syncing every --interval seconds until stopped.")
@click.option("--interval", type=float, default=None, help="Seconds between syncs (ANALYTICS_SYNC_SECONDS).")
@with_appcontext
def sync(follow: bool, interval: float | None) -> None:
    """Bring the store up to the newest event and publish it (the first run loads everything)."""
    writer = _writer()
    try:
        started = time.monotonic()
        _say(writer.sync(progress=_progress()), started)
        if follow:
            _follow(writer, interval)
    finally:
        writer.close()


@analytics.command("serve")
@with_appcontext
def serve_views() -> None:
    """Answer the web workers' views until SIGTERM or Ctrl-C (``analytics sync --follow`` does this too)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        serve(current_app.config["ANALYTICS_STORE"], stop)


@analytics.command("enqueue")
@with_appcontext
def enqueue() -> None:
    """Queue one sync on the ``analytics`` RQ queue (nothing if one is already waiting)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException("REDIS_URL is not set: run `flask analytics sync --follow` instead.")
    store, window = current_app.config["ANALYTICS_STORE"], shop().return_policy.window_days
    job = enqueue_sync(shop().db.url, store, redis_url, window, current_app.config.get("SHOP_TIMEZONE") or "UTC")
    click.echo(f"queued {job.id}" if job else "a sync is already queued")
