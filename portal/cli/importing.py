"""``flask import-orders FILE.csv``: past orders recorded as history, each whole or not at all (see docs/import.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.errors import DomainError, DuplicateEvent
from core.events.fact import Actor
from core.integrations.csv_orders import OrderRows, read_orders, to_past
from core.services import history
from web.extensions import shop

IMPORTER = Actor("integration", "csv-import")


def import_group(group: OrderRows) -> tuple[str, str, str]:
    """(outcome, field, message) for one order: imported, skipped (already there) or error."""
    try:
        history.record_past_order(shop(), to_past(group), actor=IMPORTER)
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


def _read(file: Path) -> list[OrderRows]:
    try:
        return read_orders(file)
    except DomainError as error:
        raise click.ClickException(error.message) from None


@click.command("import-orders")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--report", type=click.Path(dir_okay=False, path_type=Path), help="Error report (default FILE.errors.csv)."
)
@with_appcontext
def import_orders(file: Path, report: Path | None) -> None:
    """Import past orders as history: no stock, money or messages (one row per order line; docs/import.md)."""
    groups = _read(file)
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
