"""The catalogue's writers: a product saved whole (made, or brought up to date by its handle and
SKUs, so a re-run changes nothing), and one variant's fields changed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from core import characters
from core.clock import utcnow
from core.domain.products import ProductInput, VariantInput, check_product, check_variant
from core.domain.stock import change_on_hand
from core.errors import NotFound, ValidationFailed
from core.events import products as facts
from core.events.fact import Act, Actor
from core.lifecycle import record
from core.models import Product, Variant
from core.permissions import Permission
from core.services.backorders import fill_backorders
from core.services.unit import SessionUnit, unit_of_work
from core.shop import Shop

# The columns a variant's input sets (``on_hand`` is stock: it moves through its own events).
VARIANT_COLUMNS = ("title", "option_values", "price_minor", "compare_at_minor", "currency", "weight_grams")
VARIANT_COLUMNS += ("image_url", "barcode", "final_sale", "reorder_point")


@dataclass(frozen=True)
class Saved:
    """What saving a product did: ``created``, ``updated`` or ``unchanged``, and counts it set."""

    product_id: int
    handle: str
    outcome: str
    stock_set: int = 0


def _product_columns(product: ProductInput) -> dict[str, Any]:
    return {
        "name": product.title,
        "option_names": list(product.option_names),
        "image_url": product.image_url,
        "return_policy_group": product.return_policy_group,
        "backorders": product.backorders,
    }


def _variant_columns(variant: VariantInput) -> dict[str, Any]:
    values = {name: getattr(variant, name) for name in VARIANT_COLUMNS}
    return values | {"title": variant.shown_title(), "option_values": list(variant.option_values)}


def _assign(entity: object, values: dict[str, Any], prefix: str = "") -> list[str]:
    """Set the values that differ; the names of those changed."""
    changed = [name for name, value in values.items() if getattr(entity, name) != value]
    for name in changed:
        setattr(entity, name, values[name])
    return [prefix + name for name in changed]


def _existing(unit: SessionUnit, product: ProductInput) -> tuple[Product | None, dict[str, Variant]]:
    """The product of that handle and the variants of those SKUs, locked; a SKU of another product is refused."""
    found = unit.session.scalar(select(Product).where(Product.handle == product.handle).with_for_update())
    skus = [v.sku for v in product.variants]
    variants = {v.sku: v for v in unit.session.scalars(select(Variant).where(Variant.sku.in_(skus)).with_for_update())}
    for sku, variant in variants.items():
        if found is None or variant.product_id != found.id:
            owner = unit.session.get_one(Product, variant.product_id).handle
            raise ValidationFailed(f"SKU {sku} already belongs to product {owner}.", field="sku")
    return found, variants


def _write(unit: SessionUnit, product: ProductInput) -> tuple[Product, dict[str, Variant], list[str] | None]:
    """The product and its variants written; the fields changed (None: the product is new)."""
    found, variants = _existing(unit, product)
    made = found or unit.create(Product, handle=product.handle, **_product_columns(product))
    changed = (
        None if found is None else ["title" if c == "name" else c for c in _assign(found, _product_columns(product))]
    )
    for variant in product.variants:
        columns = _variant_columns(variant)
        if variant.sku in variants:
            changed = (changed or []) + _assign(variants[variant.sku], columns, f"{variant.sku}.")
        else:
            variants[variant.sku] = unit.create(Variant, product_id=made.id, sku=variant.sku, **columns)
            changed = None if changed is None else [*changed, variant.sku]
    return made, variants, changed


def _set_counts(unit: SessionUnit, act: Act, product: ProductInput, variants: dict[str, Variant], why: str) -> int:
    wanted = [(v.sku, v.on_hand) for v in product.variants if v.on_hand is not None]
    moved = [(variants[sku], count) for sku, count in wanted if variants[sku].on_hand != count]
    for variant, count in moved:
        change_on_hand(unit, act, variant, count, facts.stock_set, reason="import", reference=why)
        fill_backorders(unit, act, variant)
    return len(moved)


def save_product(shop: Shop, product: ProductInput, *, actor: Actor, reference: str | None = None) -> Saved:
    """Create the product of ``product.handle``, or bring it and its variants (by SKU) up to date.
    Variants it does not name are left as they are. A count given is set (``stock.set``)."""
    shop.permissions.require(actor, Permission.CATALOG_EDIT)
    check_product(product)
    with unit_of_work(shop) as unit:
        act = Act(actor, utcnow())
        made, variants, changed = _write(unit, product)
        if changed is None:
            record(unit, act, facts.product_created(handle=made.handle, title=made.name, skus=list(variants)))
        elif changed:
            record(unit, act, facts.product_updated(handle=made.handle, title=made.name, changed=changed))
        counted = _set_counts(unit, act, product, variants, reference or "")
        outcome = "created" if changed is None else "updated" if changed or counted else "unchanged"
        return Saved(made.id, made.handle, outcome, counted)


def update_variant(shop: Shop, sku: str, changes: dict[str, Any], *, actor: Actor) -> Variant:
    """Change some of a variant's fields (``VARIANT_COLUMNS``); the result is checked as a whole."""
    shop.permissions.require(actor, Permission.CATALOG_EDIT)
    unknown = sorted(set(changes) - set(VARIANT_COLUMNS))
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed here: {', '.join(unknown)}.", field=unknown[0])
    with unit_of_work(shop) as unit:
        variant = load_variant(unit, sku)
        product = variant.product
        wanted = _patched(variant, changes)
        if len(wanted.option_values) != len(product.option_names or ()):
            raise ValidationFailed(f"{sku} needs one value for each option of {product.handle}.", field="option_values")
        named = set(changes) | ({"title"} if "option_values" in changes else set())
        values = {name: value for name, value in _variant_columns(wanted).items() if name in named}
        changed = _assign(variant, values, f"{sku}.")
        if changed:
            fact = facts.product_updated(handle=product.handle, title=product.name, changed=changed)
            record(unit, Act(actor, utcnow()), fact)
        return variant


def _patched(variant: Variant, changes: dict[str, Any]) -> VariantInput:
    """The variant as it would be with ``changes``, checked whole; new option values retitle it unless a title is given."""
    now = {name: getattr(variant, name) for name in VARIANT_COLUMNS} | {
        "option_values": tuple(variant.option_values or ())
    }
    if "option_values" in changes and "title" not in changes:
        now["title"] = None
    wanted = replace(VariantInput(sku=variant.sku, **now), **changes)
    wanted = replace(wanted, option_values=tuple(wanted.option_values))
    check_variant(wanted)
    return wanted


def load_variant(unit: SessionUnit, sku: str) -> Variant:
    """The variant of ``sku``, locked for this transaction, or ``NotFound``."""
    characters.check(sku, "sku")  # before the lookup: PostgreSQL cannot even compare a NUL
    variant = unit.session.scalar(select(Variant).where(Variant.sku == sku).with_for_update())
    if variant is None:
        raise NotFound(f"No variant with SKU {sku!r}.", field="sku")
    return variant
