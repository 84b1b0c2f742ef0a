"""``flask seed`` (demo history) and ``flask demo-info`` (what to try in the demo)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.errors import DomainError
from core.seed import DemoInfo, SeedOptions, order_count, seed_demo
from core.seed import demo_info as load_demo_info
from web.extensions import shop


@click.command("seed")
@click.option(
    "--orders", type=click.IntRange(1, 10_000_000), default=2_000, show_default=True, help="Orders to create."
)
@click.option("--days", type=click.IntRange(1, 3_650), default=90, show_default=True, help="Days of history.")
@click.option("--seed", "seed_value", type=click.IntRange(0), default=7, show_default=True, help="Random seed.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has orders.")
@click.option(
    "--batch-size", type=click.IntRange(100, 200_000), default=5_000, show_default=True, help="Orders per insert batch."
)
@with_appcontext
def seed(orders: int, days: int, seed_value: int, if_empty: bool, batch_size: int) -> None:
    """Fill an empty database with realistic demo history (the same --seed gives the same history)."""
    existing = order_count(shop())
    if existing and if_empty:
        click.echo(f"The database already has {existing:,} orders: nothing seeded.")
        return
    options = SeedOptions(orders=orders, days=days, seed=seed_value, batch_size=batch_size)
    try:
        with click.progressbar(length=orders, label="Seeding orders", show_pos=True) as bar:
            report = seed_demo(shop(), options, if_empty=if_empty, progress=bar.update)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Seeded {report.orders:,} orders and {report.events:,} events in {report.seconds:.1f} s "
        f"({report.orders / max(report.seconds, 0.001):,.0f} orders/s)."
    )


def _tracking(info: DemoInfo, limit: int = 5) -> list[tuple[str, str, str]]:
    """One parcel per order, preferring one still on its way."""
    picked = []
    for order in info.orders:
        moving = [t for t in order.tracking if t[2] != "delivered"]
        if moving or order.tracking:
            picked.append((moving or order.tracking)[-1])
    return picked[:limit]


@click.command("demo-info")
@with_appcontext
def demo_info() -> None:
    """Print the demo's URLs, orders to look up, tracking numbers and staff logins."""
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    info = load_demo_info(shop())
    click.echo("Shiplog demo")
    for label, path in (("Order tracking", "/"), ("Staff hub", "/staff/"), ("Dashboard", "/dashboard/")):
        click.echo(f"  {label + ':':16} {base}{path}")
    click.echo(f"  {'Demo mailbox:':16} {base}/staff/mailbox")
    if not info.orders:
        click.echo("\nNo orders yet: run `flask --app wsgi seed` first.")
    else:
        click.echo("\nOrders to look up (order number + email):")
        for order in info.orders:
            click.echo(f"  {order.number}  {order.email:34} {order.story}")
        click.echo("\nTracking numbers:")
        for number, carrier, status in _tracking(info):
            click.echo(f"  {number:24} {carrier.upper():6} {status.replace('_', ' ')}")
    if info.staff:
        click.echo("\nStaff logins:")
        for email, role, password in info.staff:
            click.echo(f"  {email:24} {password:14} ({role})")
