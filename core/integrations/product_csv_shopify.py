"""Shopify's product export (Products > Export > CSV): one row per variant, rows sharing a Handle
are one product. The first row carries the product's own columns (Title, the option names); later
rows carry a variant, or only one more image. Prices are in the store's currency, which the file
does not say: the import is told it. "Variant Inventory Policy" ``continue`` sells out of stock.

Shiplog reads two columns Shopify does not export, when a shop adds them: "Final Sale" and
"Return Policy Group"; a "final-sale" tag also marks a product final sale.
"""

from __future__ import annotations

from collections.abc import Iterator

from core.domain.products import DEFAULT_TITLE, ProductInput, VariantInput, check_variant
from core.errors import ValidationFailed
from core.integrations.product_csv import Layout, ProductRows, Row, cell, flag, refusal, whole
from core.money import to_minor

SIGNATURE = ("Handle", "Variant SKU", "Variant Price")
OPTIONS = (1, 2, 3)
VARIANT_COLUMNS = ("Variant SKU", "Variant Price", "Option1 Value")
COLUMNS = {
    "sku": "Variant SKU", "price_minor": "Variant Price", "currency": "Variant Price",
    "compare_at_minor": "Variant Compare At Price", "weight_grams": "Variant Grams", "on_hand": "Variant Inventory Qty",
    "barcode": "Variant Barcode", "image_url": "Variant Image", "title": "Option1 Value",
} | {f"option_values[{i - 1}]": f"Option{i} Value" for i in OPTIONS}  # fmt: skip


def _options(first: Row) -> tuple[str, ...]:
    names = tuple(cell(first, f"Option{i} Name") for i in OPTIONS if cell(first, f"Option{i} Name"))
    # A product without options is exported as one option "Title" with the value "Default Title".
    return () if names == ("Title",) and cell(first, "Option1 Value") == DEFAULT_TITLE else names


def _final_sale(first: Row) -> bool:
    tags = {tag.strip().lower() for tag in cell(first, "Tags").split(",")}
    return flag(cell(first, "Final Sale")) or bool(tags & {"final-sale", "final sale"})


def _variant(row: Row, options: int, currency: str, final_sale: bool) -> VariantInput:
    sku = cell(row, "Variant SKU")
    if not sku:
        raise ValidationFailed(
            "Variant SKU is empty: Shiplog keeps stock and takes orders by SKU.", field="Variant SKU"
        )
    price = cell(row, "Variant Price")
    if not price:
        raise ValidationFailed("Variant Price is empty.", field="Variant Price")
    compare_at = cell(row, "Variant Compare At Price")
    variant = VariantInput(
        sku=sku,
        price_minor=to_minor(price, currency, field="Variant Price"),
        currency=currency,
        option_values=tuple(cell(row, f"Option{i} Value") for i in OPTIONS[:options]),
        compare_at_minor=to_minor(compare_at, currency, field="Variant Compare At Price") if compare_at else None,
        weight_grams=whole(cell(row, "Variant Grams"), "Variant Grams"),
        image_url=cell(row, "Variant Image") or None,
        barcode=cell(row, "Variant Barcode").lstrip("'") or None,  # spreadsheets keep leading zeros with a '
        final_sale=final_sale,
        on_hand=whole(cell(row, "Variant Inventory Qty"), "Variant Inventory Qty"),
    )
    check_variant(variant)  # the domain's own rule, so a bad row is refused alone, by name
    return variant


def _is_image_only(row: Row) -> bool:
    return not any(cell(row, name) for name in VARIANT_COLUMNS)


def _product(group: ProductRows, currency: str) -> ProductInput:
    first = group.rows[0][1]
    options, final_sale = _options(first), _final_sale(first)
    variants: list[VariantInput] = []
    for line, row in group.rows:
        if _is_image_only(row):
            continue
        try:
            variants.append(_variant(row, len(options), currency, final_sale))
        except ValidationFailed as error:
            group.refused.append(refusal(line, row, error, COLUMNS))
    backorder = any(cell(row, "Variant Inventory Policy").lower() == "continue" for _, row in group.rows)
    return ProductInput(
        handle=group.key,
        title=cell(first, "Title"),
        variants=variants,
        option_names=options,
        image_url=cell(first, "Image Src") or None,
        return_policy_group=cell(first, "Return Policy Group") or None,
        backorders=backorder,
    )


def _groups(rows: list[tuple[int, Row]]) -> Iterator[ProductRows]:
    groups: dict[str, ProductRows] = {}
    for line, row in rows:
        handle = cell(row, "Handle")
        groups.setdefault(handle, ProductRows(handle)).rows.append((line, row))
    yield from groups.values()


def read(rows: list[tuple[int, Row]], currency: str) -> list[ProductRows]:
    """The file's products, each with its refused rows; a product without a handle or title is refused whole."""
    found = []
    for group in _groups(rows):
        first_line = group.rows[0][0]
        group.product = _product(group, currency)
        if not group.key or not group.product.title:
            column = "Handle" if not group.key else "Title"
            group.refuse_all(column, f"{column} is empty on the product's first row (line {first_line}).")
        elif any(r.line == first_line for r in group.refused):
            group.refuse_all("", f"The product's first row (line {first_line}) was refused, so is the product.")
        found.append(group)
    return found


LAYOUT = Layout("shopify", SIGNATURE, read)
