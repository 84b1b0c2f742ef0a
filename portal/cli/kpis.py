"""``flask kpis``: every KPI for a date range, as a table or as JSON (the same bundle the dashboard plots).

flask --app wsgi kpis --from 2025-03-01 --to 2025-03-31 [--carrier ups] [--channel web]
                      [--product TEE-M] [--granularity week] --json
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from core.analytics import BY_KEY, Filters, KpiService, Warehouse, parse_filters
from core.analytics.formatting import delta_text, value_text
from core.errors import DomainError
from web.extensions import shop


def _bundle(filters: Filters) -> dict[str, Any]:
    """The KPI bundle from a columnar copy of this command's own, its loading shown (slow on a big database)."""
    warehouse = Warehouse(shop().db)
    try:
        with click.progressbar(length=0, label="Loading facts", file=sys.stderr) as bar:
            warehouse.sync(progress=lambda _table, rows: bar.update(rows))
        return KpiService(warehouse).bundle(filters)
    finally:
        warehouse.close()


def _table(bundle: dict[str, Any]) -> None:
    click.echo(
        f"{bundle['filters']['from']} to {bundle['filters']['to']} "
        f"(previous: {bundle['previous_period']['from']} to {bundle['previous_period']['to']})"
    )
    for key, comparison in bundle["kpis"].items():
        kpi = BY_KEY[key]
        change, _ = delta_text(kpi, comparison, bundle["reporting_currency"])
        shown = value_text(kpi, comparison["value"], bundle["reporting_currency"])
        click.echo(f"  {key:<48} {shown:>16}   {change}")
    if bundle.get("currency_note"):
        click.echo(f"Note: {bundle['currency_note']}")


@click.command("kpis")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day (inclusive), YYYY-MM-DD.")
@click.option("--channel", default=None)
@click.option("--carrier", default=None)
@click.option("--product", default=None, help="A SKU: keeps orders with a line of it.")
@click.option("--granularity", type=click.Choice(["day", "week", "month"]), default="day", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the whole bundle as JSON.")
@with_appcontext
def kpis(
    start: str, end: str, channel: str | None, carrier: str | None, product: str | None, granularity: str, as_json: bool
) -> None:
    """Print every KPI for the range, compared with the previous period of the same length."""
    args = {
        "from": start,
        "to": end,
        "channel": channel or "",
        "carrier": carrier or "",
        "product": product or "",
        "granularity": granularity,
    }
    try:
        zone_name = current_app.config.get("SHOP_TIMEZONE") or "UTC"
        window, currency = shop().return_policy.window_days, shop().currency
        filters = parse_filters(args, window_days=window, timezone=zone_name, currency=currency)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.field}") from None
    bundle = _bundle(filters)
    if as_json:
        click.echo(json.dumps(bundle, indent=2, sort_keys=True))
    else:
        _table(bundle)
