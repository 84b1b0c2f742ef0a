"""``flask --app wsgi stores connect|sync``: a Shopify or WooCommerce store's catalogue kept in Shiplog (docs/stores.md).

The connection (platform, address, API version) is stored; its secrets are not. They stay in the
environment, under the names ``store_connections.SECRET_NAMES`` gives, as every other secret of
Shiplog does (the webhook secrets were there already): ``connect`` takes them as options (or from
those variables) only to tell which variable still needs setting. The stored connection and those
variables are the one source every store call is made from (``store_connections.access``): the sync
here, the refunds and cancellations the worker sends, the reads a webhook needs.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.errors import DomainError
from core.events.fact import Actor
from core.integrations import store_sync
from core.services import store_connections as stores
from web.extensions import shop

OPERATOR = Actor("integration", "stores-cli")


@click.group("stores")
def stores_group() -> None:
    """Connected Shopify and WooCommerce stores."""


def _connect(platform: str, domain: str, version: str | None, given: dict[str, str]) -> None:
    try:
        stores.connect(shop(), platform, domain, version, actor=OPERATOR)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Connected {platform} store {domain}. Its secrets are not stored: they are read from the environment.")
    names = stores.SECRET_NAMES[platform]
    missing = [names[key] for key, value in given.items() if value and shop().store_secrets.get(names[key]) != value]
    for name in missing:
        click.echo(f"Set {name} in the environment to the value you gave (Shiplog reads it from there).")


@stores_group.group("connect")
def connect() -> None:
    """Connect a store: its address is stored, its secrets stay in the environment."""


@connect.command("shopify")
@click.option("--shop-domain", required=True, help="x.myshopify.com")
@click.option("--access-token", envvar="SHOPIFY_ACCESS_TOKEN", required=True)
@click.option("--webhook-secret", envvar="SHOPIFY_WEBHOOK_SECRET", required=True)
@click.option("--api-version", default=stores.SHOPIFY_VERSION, show_default=True)
@with_appcontext
def connect_shopify(shop_domain: str, access_token: str, webhook_secret: str, api_version: str) -> None:
    domain = shop_domain.strip().lower()
    if not domain.endswith(".myshopify.com") or "/" in domain:
        raise click.BadParameter("give the store's x.myshopify.com domain", param_hint="--shop-domain")
    _connect("shopify", domain, api_version, {"access_token": access_token, "webhook_secret": webhook_secret})


@connect.command("woocommerce")
@click.option("--url", required=True, help="https://shop.example")
@click.option("--consumer-key", envvar="WOOCOMMERCE_CONSUMER_KEY", required=True)
@click.option("--consumer-secret", envvar="WOOCOMMERCE_CONSUMER_SECRET", required=True)
@click.option("--webhook-secret", envvar="WOOCOMMERCE_WEBHOOK_SECRET", required=True)
@with_appcontext
def connect_woocommerce(url: str, consumer_key: str, consumer_secret: str, webhook_secret: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise click.BadParameter("give the site's address, https://...", param_hint="--url")
    given = {"consumer_key": consumer_key, "consumer_secret": consumer_secret, "webhook_secret": webhook_secret}
    _connect("woocommerce", url.strip().rstrip("/"), None, given)


def _sync(platform: str) -> store_sync.SyncReport:
    report = store_sync.SyncReport(platform)
    try:
        steps = store_sync.run(shop(), platform, report)
        with click.progressbar(steps, label=f"Loading {platform} products", show_pos=True) as bar:
            for _ in bar:
                pass
    except DomainError as error:  # not connected, or the store could not be read: what was saved stays
        raise click.ClickException(error.message) from None
    return report


@stores_group.command("sync")
@click.option("--platform", type=click.Choice(stores.PLATFORMS), help="Default: every connected store.")
@with_appcontext
def sync(platform: str | None) -> None:
    """Load the store's whole catalogue through its Admin API; running it again changes nothing."""
    wanted = [platform] if platform else [p for p in stores.PLATFORMS if stores.connection(shop(), p) is not None]
    if not wanted:
        raise click.ClickException("No store is connected: run `flask --app wsgi stores connect shopify|woocommerce`.")
    for name in wanted:
        report = _sync(name)
        counts = report.counts
        click.echo(
            f"{name}: {counts['created']} products created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged; {len(report.refused)} refused."
        )
        for refused in report.refused:
            click.echo(f"  refused {refused.store_id} {refused.handle}: {refused.field}: {refused.message}")
