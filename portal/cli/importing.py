"""``flask import-orders FILE.csv`` (historical orders) and ``flask webhooks process``.

The CSV has one row per order line; rows with the same ``order_number`` form one order,
which goes in with one service call, whole or not at all. See docs/import.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.errors import DomainError, DuplicateEvent, ValidationFailed
from core.events.log import Actor
from core.integrations import handlers
from core.integrations.common import parse_time
from core.money import to_minor
from core.services import ingest, ordering
from core.services.commands import AddressInput, LineInput, PlaceOrder
from web.extensions import shop

REQUIRED = ("order_number", "placed_at", "email", "name", "sku", "quantity", "ship_line1", "ship_city")
REQUIRED += ("ship_postal_code", "ship_country")
ORDER_LEVEL = ("placed_at", "email", "name", "phone", "currency", "shipping", "tax", "discount", "carrier", "note")
IMPORTER = Actor("integration", "csv-import")


@dataclass
class OrderRows:
    number: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_orders(path: Path) -> list[OrderRows]:
    """Rows grouped by order number, in file order; a missing column stops the import."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = {(name or "").strip().lower() for name in reader.fieldnames or []}
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise click.ClickException(f"{path.name} is missing column(s): {', '.join(missing)} (see docs/import.md)")
        groups: dict[str, OrderRows] = {}
        for line_no, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            groups.setdefault(row["order_number"], OrderRows(row["order_number"])).rows.append((line_no, row))
    return list(groups.values())


def _line(row: dict[str, str], currency: str, index: int) -> LineInput:
    if not row["quantity"].isdigit():
        raise ValidationFailed(f"Quantity {row['quantity']!r} is not a whole number.", field=f"lines[{index}].quantity")
    price = row.get("unit_price")
    unit = to_minor(price, currency, field=f"lines[{index}].unit_price") if price else None
    discount = to_minor(row.get("line_discount"), currency, field=f"lines[{index}].line_discount")
    return LineInput(row["sku"], int(row["quantity"]), unit, discount)


def to_command(group: OrderRows) -> PlaceOrder:
    """The group as one ``PlaceOrder``; order-level columns must agree on every row."""
    first = group.rows[0][1]
    for line_no, row in group.rows[1:]:
        for name in ORDER_LEVEL:
            if row.get(name) and row.get(name) != first.get(name):
                raise ValidationFailed(f"Row {line_no}: {name} differs from the order's first row.", field=name)
    if not group.number:
        raise ValidationFailed("order_number is empty.", field="order_number")
    placed = parse_time(first["placed_at"])
    if placed is None:
        raise ValidationFailed(f"placed_at {first['placed_at']!r} is not an ISO 8601 time.", field="placed_at")
    currency = (first.get("currency") or "USD").upper()
    address = AddressInput(
        name=first.get("ship_name") or first["name"],
        line1=first["ship_line1"],
        line2=first.get("ship_line2") or None,
        city=first["ship_city"],
        region=first.get("ship_region") or None,
        postal_code=first["ship_postal_code"],
        country=first["ship_country"].upper(),
    )
    return PlaceOrder(
        email=first["email"],
        name=first["name"],
        phone=first.get("phone") or None,
        lines=[_line(row, currency, i) for i, (_, row) in enumerate(group.rows)],
        shipping_address=address,
        channel="import",
        source_ref=group.number,
        number=group.number,
        carrier=(first.get("carrier") or "usps").lower(),
        currency=currency,
        shipping_minor=to_minor(first.get("shipping"), currency, field="shipping"),
        tax_minor=to_minor(first.get("tax"), currency, field="tax"),
        discount_minor=to_minor(first.get("discount"), currency, field="discount"),
        note=first.get("note") or None,
        placed_at=placed,
    )


def import_group(group: OrderRows) -> tuple[str, str, str]:
    """(outcome, field, message) for one order: imported, skipped (already there) or error."""
    try:
        ordering.place_order(shop(), to_command(group), actor=IMPORTER, notify=False)
    except DuplicateEvent:
        return "skipped", "order_number", "already imported"
    except DomainError as error:
        return "error", error.field or "", error.message
    return "imported", "", ""


def _write_report(path: Path, problems: list[tuple[OrderRows, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["rows", "order_number", "field", "error"])
        for group, field_name, message in problems:
            writer.writerow([" ".join(str(n) for n, _ in group.rows), group.number, field_name, message])


@click.command("import-orders")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--report", type=click.Path(dir_okay=False, path_type=Path), help="Error report (default FILE.errors.csv)."
)
@with_appcontext
def import_orders(file: Path, report: Path | None) -> None:
    """Import historical orders from a CSV (one row per order line; see docs/import.md)."""
    groups = read_orders(file)
    counts = {"imported": 0, "skipped": 0, "error": 0}
    problems: list[tuple[OrderRows, str, str]] = []
    with click.progressbar(groups, label=f"Importing {len(groups)} orders", show_pos=True) as bar:
        for group in bar:
            outcome, field_name, message = import_group(group)
            counts[outcome] += 1
            if outcome == "error":
                problems.append((group, field_name, message))
    report = report or file.with_suffix(".errors.csv")
    _write_report(report, problems)
    click.echo(f"{counts['imported']} imported, {counts['skipped']} already there, {counts['error']} with errors.")
    click.echo(f"Error report: {report}" if problems else f"No errors (empty report at {report}).")


@click.group("webhooks")
def webhooks() -> None:
    """Stored webhook deliveries."""


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


commands = [import_orders, webhooks]
