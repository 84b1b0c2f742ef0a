"""What a product and its variants may be: the inputs of the catalogue services and their checks
(pure functions, no database). An API body, a store's product and a CSV row all become these."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core import characters
from core.errors import ValidationFailed
from core.money import check_currency

MAX_OPTIONS = 3  # as Shopify: Option1..Option3
DEFAULT_TITLE = "Default Title"  # a variant of a product without options (Shopify's own words)
_HANDLE = re.compile(r"[a-z0-9][a-z0-9_-]{0,119}")
_SKU = re.compile(r"[\x21-\x7e]{1,64}")  # visible ASCII: it is typed, scanned and put in URLs
_GROUP = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_URL = re.compile(r"https?://[\x21-\x7e]{1,490}")


@dataclass(frozen=True)
class VariantInput:
    sku: str
    price_minor: int
    currency: str = "USD"
    option_values: tuple[str, ...] = ()
    title: str | None = None  # None: the option values, "M / Navy"
    compare_at_minor: int | None = None
    weight_grams: int | None = None
    image_url: str | None = None
    barcode: str | None = None
    final_sale: bool = False
    reorder_point: int = 0
    on_hand: int | None = None  # None: the count stays as it is; a number is set (``stock.set``)

    def shown_title(self) -> str:
        return self.title or " / ".join(self.option_values) or DEFAULT_TITLE


@dataclass(frozen=True)
class ProductInput:
    handle: str
    title: str
    variants: list[VariantInput] = field(default_factory=list)
    option_names: tuple[str, ...] = ()
    image_url: str | None = None
    return_policy_group: str | None = None
    backorders: bool = False


def _text(value: str, name: str, limit: int) -> None:
    characters.check(value, name)
    if not value.strip():
        raise ValidationFailed(f"{name} cannot be empty.", field=name)
    if len(value) > limit:
        raise ValidationFailed(f"{name} is too long (at most {limit} characters).", field=name)


def _shaped(value: str | None, pattern: re.Pattern[str], name: str, shape: str) -> None:
    if value is not None and not pattern.fullmatch(value):
        raise ValidationFailed(f"{name} {value[:60]!r} is not {shape}.", field=name)


def check_amounts(where: str, **amounts: int | None) -> None:
    """Prices, weights and counts are whole numbers, zero or more (minor units, grams, units)."""
    for name, value in amounts.items():
        if value is not None and not 0 <= value <= 2_000_000_000:
            raise ValidationFailed(f"{name} cannot be negative (got {value}).", field=f"{where}{name}")


def check_variant(variant: VariantInput, where: str = "") -> None:
    """Raise ``ValidationFailed`` naming the field for the first thing wrong with ``variant``."""
    _shaped(variant.sku, _SKU, f"{where}sku", "a SKU (1 to 64 visible characters, no spaces)")
    check_currency(variant.currency, field=f"{where}currency")
    check_amounts(
        where, price_minor=variant.price_minor, compare_at_minor=variant.compare_at_minor,
        weight_grams=variant.weight_grams, reorder_point=variant.reorder_point, on_hand=variant.on_hand,
    )  # fmt: skip
    for index, value in enumerate(variant.option_values):
        _text(value, f"{where}option_values[{index}]", 60)
    _text(variant.shown_title(), f"{where}title", 120)
    _shaped(variant.image_url, _URL, f"{where}image_url", "an http(s) URL")
    _shaped(variant.barcode, _SKU, f"{where}barcode", "a barcode (visible characters, no spaces)")


def _check_options(product: ProductInput) -> None:
    if len(product.option_names) > MAX_OPTIONS:
        raise ValidationFailed(f"A product has at most {MAX_OPTIONS} options.", field="option_names")
    for index, name in enumerate(product.option_names):
        _text(name, f"option_names[{index}]", 40)
    combinations = [v.option_values for v in product.variants]
    for index, values in enumerate(combinations):
        if len(values) != len(product.option_names):
            detail = f"needs one value for each option ({', '.join(product.option_names) or 'none'})"
            raise ValidationFailed(f"Variant {product.variants[index].sku} {detail}.", field=f"variants[{index}]")
    if product.option_names and len(set(combinations)) != len(combinations):
        raise ValidationFailed("Two variants have the same option values.", field="variants")


def check_product(product: ProductInput) -> None:
    """Raise ``ValidationFailed`` naming the field for the first thing wrong with ``product``."""
    _shaped(product.handle, _HANDLE, "handle", "a handle (lower-case letters, digits and hyphens)")
    _text(product.title, "title", 200)
    _shaped(product.image_url, _URL, "image_url", "an http(s) URL")
    _shaped(product.return_policy_group, _GROUP, "return_policy_group", "a group name (lower-case, digits, - or _)")
    if not product.variants:
        raise ValidationFailed("A product needs at least one variant (its SKU and price).", field="variants")
    for index, variant in enumerate(product.variants):
        check_variant(variant, f"variants[{index}].")
    skus = [v.sku for v in product.variants]
    if len(set(skus)) != len(skus):
        raise ValidationFailed("Each SKU may appear once in a product.", field="variants")
    _check_options(product)
