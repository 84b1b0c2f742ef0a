"""``flask catalog import FILE.csv``: a store's product export into the catalogue (docs/catalogue.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.errors import DomainError
from core.events.fact import Actor
from core.integrations.product_csv import Refusal
from core.integrations.product_import import LAYOUTS, ImportReport, import_products, read_products
from web.extensions import shop

IMPORTER = Actor("integration", "catalog-import")
ERROR_COLUMNS = ["Shiplog line", "Shiplog field", "Shiplog error"]


@click.group("catalog")
def catalog() -> None:
    """The product catalogue."""


def write_errors(path: Path, header: list[str], refused: list[Refusal]) -> None:
    """The refused rows as they were, each with its line, field and reason: fix them and import this file."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, *ERROR_COLUMNS])
        for refusal in refused:
            writer.writerow(
                [*(refusal.row.get(name, "") for name in header), refusal.line, refusal.field, refusal.message]
            )


def _summary(report: ImportReport) -> str:
    counts = report.counts
    return (
        f"{report.layout}: {counts['created']} products created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged; {report.stock_set} stock counts set; {len(report.refused)} rows refused."
    )


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "layout", type=click.Choice(sorted(LAYOUTS)), help="Default: told by the file's columns.")
@click.option(
    "--errors", type=click.Path(dir_okay=False, path_type=Path), help="Refused rows (default FILE.errors.csv)."
)
@with_appcontext
def import_catalog(file: Path, layout: str | None, errors: Path | None) -> None:
    """Import a Shopify or WooCommerce product export; running it again updates, never duplicates."""
    try:
        found, header, groups = read_products(file, layout=layout, currency=shop().currency)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    with click.progressbar(groups, label=f"Importing {len(groups)} products", show_pos=True) as bar:
        report = import_products(shop(), bar, actor=IMPORTER, layout=found, header=header, reference=file.name)
    errors = errors or file.with_suffix(".errors.csv")
    write_errors(errors, report.header, report.refused)
    click.echo(_summary(report))
    click.echo(
        f"Refused rows, with the reason: {errors}" if report.refused else f"No row refused (empty file at {errors})."
    )
