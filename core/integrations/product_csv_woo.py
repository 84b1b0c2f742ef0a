"""WooCommerce's product export (Products > Export): one row per product, and one per variation
after its variable parent, which it names in "Parent" (``id:<ID>``, or the parent's SKU). A simple
product is one variant; a variable one has its attribute names on the parent and each variation's
values on its own row. There is no handle: the parent's SKU (else its name) gives one.

"Sale price" is what it sells for, "Regular price" then its compare-at price; "Low stock amount"
is the reorder point; "Backorders allowed?" ``1`` or ``notify`` sells out of stock. The weight
column names its unit: "Weight (kg)", "(g)", "(lbs)" or "(oz)".
"""

from __future__ import annotations

import re
from decimal import Decimal

from core.domain.products import ProductInput, VariantInput, check_variant
from core.errors import ValidationFailed
from core.integrations.product_csv import Layout, ProductRows, Refusal, Row, cell, refusal, whole
from core.money import to_minor

SIGNATURE = ("Type", "SKU", "Name", "Regular price")
GRAMS = {"g": Decimal(1), "kg": Decimal(1000), "lbs": Decimal("453.59237"), "oz": Decimal("28.349523125")}
WEIGHT = re.compile(r"Weight \((g|kg|lbs|oz)\)")
SOLD = ("simple", "variable")
ORPHAN = "its Parent is not a variable product above it"
COLUMNS = {
    "sku": "SKU", "price_minor": "Regular price", "currency": "Regular price", "compare_at_minor": "Regular price",
    "on_hand": "Stock", "reorder_point": "Low stock amount", "image_url": "Images", "title": "Name",
} | {f"option_values[{i - 1}]": f"Attribute {i} value(s)" for i in (1, 2, 3)}  # fmt: skip


def handle_for(sku: str, name: str) -> str:
    """A handle from the parent's SKU, else its name: lower case, runs of anything else made one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", (sku or name).lower()).strip("-")[:120]


def _grams(row: Row) -> int | None:
    for column, value in row.items():
        unit = WEIGHT.fullmatch(column)
        if unit and value.strip():
            return whole(value.strip(), column, scale=GRAMS[unit.group(1)])
    return None


def _attributes(row: Row, key: str) -> list[str]:
    numbers = sorted({int(m.group(1)) for c in row if (m := re.fullmatch(r"Attribute (\d+) name", c))})
    return [cell(row, f"Attribute {n} {key}") for n in numbers if cell(row, f"Attribute {n} name")]


def _variant(row: Row, values: tuple[str, ...], currency: str) -> VariantInput:
    sku = cell(row, "SKU")
    if not sku:
        raise ValidationFailed("SKU is empty: Shiplog keeps stock and takes orders by SKU.", field="SKU")
    regular, sale = cell(row, "Regular price"), cell(row, "Sale price")
    if not (sale or regular):
        raise ValidationFailed("Regular price is empty.", field="Regular price")
    variant = VariantInput(
        sku=sku,
        price_minor=to_minor(sale or regular, currency, field="Sale price" if sale else "Regular price"),
        currency=currency,
        option_values=values,
        compare_at_minor=to_minor(regular, currency, field="Regular price") if sale and regular else None,
        weight_grams=_grams(row),
        image_url=cell(row, "Images").split(",")[0].strip() or None,
        reorder_point=whole(cell(row, "Low stock amount"), "Low stock amount") or 0,
        on_hand=whole(cell(row, "Stock"), "Stock"),
    )
    check_variant(variant)  # the domain's own rule, so a bad row is refused alone, by name
    return variant


def _product(group: ProductRows, parent: Row, rows: list[tuple[int, Row]], currency: str) -> ProductInput:
    names = tuple(_attributes(parent, "name"))
    variants = []
    for line, row in rows:
        values = tuple(_attributes(row, "value(s)"))[: len(names)] if names else ()
        try:
            variants.append(_variant(row, values, currency))
        except ValidationFailed as error:
            group.refused.append(refusal(line, row, error, COLUMNS))
    backorders = cell(parent, "Backorders allowed?").lower() in {"1", "notify", "yes"}
    return ProductInput(
        handle=group.key, title=cell(parent, "Name"), variants=variants, option_names=names,
        image_url=cell(parent, "Images").split(",")[0].strip() or None,
        return_policy_group=cell(parent, "Return Policy Group") or None, backorders=backorders,
    )  # fmt: skip


def _parent_keys(row: Row) -> set[str]:
    return {f"id:{cell(row, 'ID')}", cell(row, "SKU")} - {"id:", ""}


def _grouped(rows: list[tuple[int, Row]]) -> tuple[list[tuple[ProductRows, Row]], list[Refusal]]:
    """Each simple or variable product with its rows (a variable one's are its variations)."""
    products: list[tuple[ProductRows, Row]] = []
    by_key: dict[str, ProductRows] = {}
    stray: list[Refusal] = []
    for line, row in rows:
        kind = {t.strip() for t in cell(row, "Type").lower().split(",")}
        if kind & set(SOLD):
            group = ProductRows(handle_for(cell(row, "SKU"), cell(row, "Name")), [(line, row)])
            products.append((group, row))
            by_key.update(dict.fromkeys(_parent_keys(row), group))
        elif "variation" in kind and cell(row, "Parent") in by_key:
            by_key[cell(row, "Parent")].rows.append((line, row))
        else:
            why = ORPHAN if "variation" in kind else "Shiplog sells simple and variable products only"
            stray.append(Refusal(line, row, "Type", f"Row refused: {why}."))
    return products, stray


def read(rows: list[tuple[int, Row]], currency: str) -> list[ProductRows]:
    """The file's products; rows that belong to none come back as a group of their own, all refused."""
    products, stray = _grouped(rows)
    found = []
    for group, parent in products:
        variable = "variable" in cell(parent, "Type").lower()
        sold = group.rows[1:] if variable else group.rows
        group.product = _product(group, parent, sold, currency)
        if not group.key or not group.product.title:
            group.refuse_all("Name", "The product has no name (nor SKU) to know it by.")
        found.append(group)
    if stray:
        found.append(ProductRows("", [(r.line, r.row) for r in stray], None, stray))
    return found


LAYOUT = Layout("woocommerce", SIGNATURE, read)
