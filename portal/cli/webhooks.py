"""``flask webhooks process``: (re)process stored webhook deliveries."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.errors import NotFound
from core.integrations import handlers
from core.services import ingest
from web.extensions import shop


@click.group("webhooks")
def webhooks() -> None:
    """Stored webhook deliveries."""


@webhooks.command("body")
@click.argument("delivery_id", type=int)
@with_appcontext
def show_body(delivery_id: int) -> None:
    """Write one delivery's raw body to stdout, byte for byte as it was signed."""
    try:
        found = ingest.delivery(shop(), delivery_id)
    except NotFound as error:
        raise click.ClickException(error.message) from None
    click.echo(found.body, nl=False)  # bytes go to the binary stream as they are


@webhooks.command("process")
@click.option("--retry-failed", is_flag=True, help="Also retry deliveries that failed before.")
@click.option("--limit", default=1000, show_default=True)
@with_appcontext
def process_webhooks(retry_failed: bool, limit: int) -> None:
    """Process stored deliveries that are pending (or stuck, or failed with --retry-failed)."""
    ids = ingest.due_deliveries(shop(), limit=limit, include_failed=retry_failed)
    outcomes: dict[str, int] = {}
    with click.progressbar(ids, label=f"Processing {len(ids)} deliveries", show_pos=True) as bar:
        for delivery_id in bar:
            status = handlers.process(shop(), delivery_id, retry_failed=retry_failed)
            outcomes[status] = outcomes.get(status, 0) + 1
    click.echo(", ".join(f"{n} {s}" for s, n in sorted(outcomes.items())) or "Nothing to process.")
