"""``flask --app wsgi outbound-webhooks …``: add, list and remove endpoints, list and replay deliveries.

The commands act as the system (the person at the server's shell), through the same service calls
as the staff page; deliveries are sent by ``flask notifications work`` like every outbox row.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.errors import DomainError
from core.events.fact import SYSTEM
from core.services import webhooks as services
from notifications import webhook_deliveries
from web.extensions import shop

group = AppGroup("outbound-webhooks", help="Endpoints that hear Shiplog's events, and their deliveries.")


@group.command("add")
@click.argument("url")
@click.option("--event", "events", multiple=True, required=True, help="an event type (repeat it), or '*' for all")
@click.option("--description", default="")
def add_command(url: str, events: tuple[str, ...], description: str) -> None:
    """Subscribe URL to the event types; prints the signing secret the receiver needs."""
    try:
        endpoint, secret = services.add_endpoint(
            shop(), url=url, event_types=events, description=description, actor=SYSTEM
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(secret)
    click.echo(f"(endpoint #{endpoint.id}: {', '.join(endpoint.event_types)} -> {endpoint.url})", err=True)


@group.command("list")
def list_command() -> None:
    """The endpoints, one a line: id, event types, URL."""
    for endpoint in webhook_deliveries.endpoints(shop()):
        click.echo(f"{endpoint.id}\t{','.join(endpoint.event_types)}\t{endpoint.url}")


@group.command("remove")
@click.argument("endpoint_id", type=int)
def remove_command(endpoint_id: int) -> None:
    """Stop delivering to the endpoint (its deliveries not yet sent are skipped)."""
    try:
        services.remove_endpoint(shop(), endpoint_id, actor=SYSTEM)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"endpoint #{endpoint_id} removed")


@group.command("deliveries")
@click.option("--status", type=click.Choice(webhook_deliveries.STATUSES))
def deliveries_command(status: str | None) -> None:
    """The newest deliveries: id, status, attempts, response, event type, URL."""
    for d in webhook_deliveries.deliveries_page(shop(), 1, status).rows:
        click.echo(f"{d.id}\t{d.status}\t{d.attempts}\t{d.response or '-'}\t{d.event_type}\t{d.url}")


@group.command("replay")
@click.argument("delivery_id", type=int)
def replay_command(delivery_id: int) -> None:
    """Send a delivery again with a fresh set of attempts (dead, delivered or skipped)."""
    if not webhook_deliveries.replay(shop(), delivery_id):
        raise click.ClickException(f"Delivery #{delivery_id} is not one that can be sent again now.")
    click.echo(f"delivery #{delivery_id} queued again")
