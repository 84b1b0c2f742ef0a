"""A store's product export brought into the catalogue (``flask --app wsgi catalog import``), through the
catalogue's one writer.

Each product is saved whole by ``products.save_product`` in its own transaction, so one refused
product costs only its own rows, and a re-run of the same file changes nothing (products are
known by handle, variants by SKU). What was refused comes back row by row, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import DomainError
from core.events.fact import Actor
from core.integrations import product_csv_shopify, product_csv_woo
from core.integrations.product_csv import Layout, ProductRows, Refusal, layout_of, read_rows
from core.services.products import save_product
from core.shop import Shop

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (product_csv_shopify.LAYOUT, product_csv_woo.LAYOUT)}


@dataclass
class ImportReport:
    layout: str
    header: list[str]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged"), 0))
    refused: list[Refusal] = field(default_factory=list)
    stock_set: int = 0


def read_products(path: Path, *, layout: str | None, currency: str) -> tuple[Layout, list[str], list[ProductRows]]:
    """The file's layout (asked for, or told by its columns), its header and its products."""
    header, rows = read_rows(path)
    found = layout_of(header, LAYOUTS, layout)
    return found, header, found.read(rows, currency)


def _save(shop: Shop, group: ProductRows, report: ImportReport, actor: Actor, reference: str) -> None:
    if group.product is not None:
        try:
            saved = save_product(shop, group.product, actor=actor, reference=reference)
        except DomainError as error:
            group.refuse_all(error.field or "", error.message)
        else:
            report.counts[saved.outcome] += 1
            report.stock_set += saved.stock_set
    report.refused += group.refused


def import_products(
    shop: Shop, groups: Iterable[ProductRows], *, actor: Actor, layout: Layout, header: list[str], reference: str
) -> ImportReport:
    """Save every product of ``groups`` (read by ``read_products``; iterated once, so a progress bar
    may wrap them), and report what each did and every row refused."""
    report = ImportReport(layout.name, header)
    for group in groups:
        _save(shop, group, report, actor, reference)
    report.refused.sort(key=lambda refusal: refusal.line)
    return report
