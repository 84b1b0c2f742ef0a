"""``flask tracking-pages``: render public tracking pages ahead of their first view (portal.customer.ahead)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core.queries.pages import Parcel, by_number
from portal.customer import ahead
from web.extensions import shop


@click.command("tracking-pages")
@click.option("--follow", is_flag=True, help="Keep going: render each order's pages as its events arrive.")
@click.option("--interval", type=float, default=1.0, show_default=True, help="Seconds between looks at the log.")
@click.option(
    "--recent-days",
    type=int,
    default=7,
    show_default=True,
    help="On the first run: render the pages of parcels on their way or shipped this many days back.",
)
@click.option(
    "--numbers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="First render these tracking numbers (one per line), e.g. a bench's sample.",
)
@with_appcontext
def tracking_pages(follow: bool, interval: float, recent_days: int, numbers: Path | None) -> None:
    """Render the public tracking pages of parcels whose orders changed, and keep them current."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if numbers is not None:
        wanted = [line.strip() for line in numbers.read_text().splitlines() if line.strip()]
        _in_batches(app, list(by_number(shop().db.engine, wanted)))
        return
    click.echo(f"first run: {ahead.start(app, timedelta(days=recent_days))} pages")
    while True:
        done = ahead.catch_up(app)
        if done:
            click.echo(f"{done} pages rendered")
        if not follow:
            return
        time.sleep(interval)


def _in_batches(app: Flask, parcels: list[Parcel], size: int = 500) -> None:
    started = time.monotonic()
    with click.progressbar(length=len(parcels), label="rendering pages") as bar:
        for start in range(0, len(parcels), size):
            ahead.store(app, parcels[start : start + size])
            bar.update(len(parcels[start : start + size]))
    click.echo(f"{len(parcels)} parcels in {time.monotonic() - started:.1f} s")
