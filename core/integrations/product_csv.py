"""Product CSV files as the stores export them, read into ``ProductInput``s (reading and mapping
only: ``core.services.catalog_import`` saves them). Two layouts: Shopify's product export
(``product_csv_shopify``) and WooCommerce's (``product_csv_woo``).

A file is read into groups, one per product, each keeping its rows as they were (for the error
file). A row that cannot be read is refused on its own, with the field and the reason; a product
whose first row is refused goes with it, since that row carries the product's own columns.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from core.domain.products import ProductInput
from core.errors import ValidationFailed

Row = dict[str, str]  # the row as the file has it: header -> text


@dataclass
class Refusal:
    line: int  # in the file, the header being line 1
    row: Row
    field: str
    message: str


def refusal(line: int, row: Row, error: ValidationFailed, columns: dict[str, str]) -> Refusal:
    """A row refused by ``error``, its field named as the file's column (``columns``: domain field -> column)."""
    return Refusal(line, row, columns.get(error.field or "", error.field or ""), error.message)


@dataclass
class ProductRows:
    """One product's rows, what they read as, and the rows refused on the way."""

    key: str  # Shopify's handle, WooCommerce's parent id or SKU
    rows: list[tuple[int, Row]] = field(default_factory=list)
    product: ProductInput | None = None
    refused: list[Refusal] = field(default_factory=list)

    def refuse_all(self, field_name: str, message: str) -> None:
        """Every row not refused yet goes, with this reason (the product as a whole was refused)."""
        done = {r.line for r in self.refused}
        self.refused += [Refusal(n, row, field_name, message) for n, row in self.rows if n not in done]
        self.product = None


@dataclass(frozen=True)
class Layout:
    """A store's product CSV: the columns that tell it apart, and how its rows become products."""

    name: str
    signature: tuple[str, ...]
    read: Callable[[list[tuple[int, Row]], str], list[ProductRows]]


def cell(row: Row, name: str) -> str:
    """A column's text, stripped; a column the file lacks reads as empty."""
    return (row.get(name) or "").strip()


def whole(value: str, name: str, *, scale: Decimal = Decimal(1)) -> int | None:
    """ "12" / "12.0" (times ``scale``, rounded) -> 12; blank -> None; anything else refused on ``name``."""
    if not value:
        return None
    try:
        amount = Decimal(value) * scale
    except InvalidOperation:
        raise ValidationFailed(f"{name} {value[:40]!r} is not a number.", field=name) from None
    if not amount.is_finite() or abs(amount) >= 10**12:
        raise ValidationFailed(f"{name} {value[:40]!r} is not a number.", field=name)
    return int(amount.to_integral_value())


def flag(value: str) -> bool:
    return value.strip().lower() in {"true", "yes", "1", "y"}


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, Row]]]:
    """The header and the rows with their line numbers; a file that is not CSV text is refused."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = [(n, {(k or "").strip(): v or "" for k, v in raw.items()}) for n, raw in enumerate(reader, 2)]
            header = [(name or "").strip() for name in reader.fieldnames or []]
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValidationFailed(f"{path.name} is not a UTF-8 CSV file ({error}).", field="file") from None
    return header, rows


def layout_of(header: list[str], layouts: dict[str, Layout], wanted: str | None) -> Layout:
    """The layout asked for, or the one whose columns the header has; refused when the columns are missing."""
    candidates = [layouts[wanted]] if wanted else list(layouts.values())
    for layout in candidates:
        if all(column in header for column in layout.signature):
            return layout
    if wanted:
        missing = ", ".join(c for c in layouts[wanted].signature if c not in header)
        raise ValidationFailed(f"This is not a {wanted} product export: no {missing} column.", field="file")
    raise ValidationFailed("Not a Shopify or WooCommerce product export (see docs/catalogue.md).", field="file")
