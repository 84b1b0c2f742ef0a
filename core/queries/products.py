"""Read-side queries of the catalogue: products with their variants and stock, as JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import characters
from core.models import Product, Variant


def variant_json(variant: Variant, handle: str) -> dict[str, Any]:
    return {
        "sku": variant.sku,
        "product_handle": handle,
        "title": variant.title,
        "option_values": list(variant.option_values or ()),
        "price_minor": variant.price_minor,
        "compare_at_minor": variant.compare_at_minor,
        "currency": variant.currency,
        "weight_grams": variant.weight_grams,
        "image_url": variant.image_url,
        "barcode": variant.barcode,
        "final_sale": variant.final_sale,
        "on_hand": variant.on_hand,
        "reserved": variant.reserved,
        "available": variant.available,
        "reorder_point": variant.reorder_point,
    }


def product_json(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "handle": product.handle,
        "title": product.name,
        "option_names": list(product.option_names or ()),
        "image_url": product.image_url,
        "return_policy_group": product.return_policy_group,
        "backorders": product.backorders,
        "variants": [variant_json(v, product.handle) for v in product.variants],
    }


def products_after(session: Session, after: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Up to ``limit`` products with ids above ``after``, in id order, and whether more follow."""
    query = select(Product).options(selectinload(Product.variants)).where(Product.id > after)
    found = list(session.scalars(query.order_by(Product.id).limit(limit + 1)))
    return [product_json(p) for p in found[:limit]], len(found) > limit


def product_by_id(session: Session, product_id: int) -> dict[str, Any] | None:
    product = session.get(Product, product_id)
    return None if product is None else product_json(product)


def variant_by_sku(session: Session, sku: str) -> dict[str, Any] | None:
    """The variant of ``sku`` (checked first: PostgreSQL cannot even compare a NUL), or None."""
    if characters.refused(sku) is not None:
        return None
    found = session.execute(
        select(Variant, Product.handle).join(Product, Product.id == Variant.product_id).where(Variant.sku == sku)
    ).first()
    return None if found is None else variant_json(found[0], found[1])


def variant_ids(session: Session, skus: set[str]) -> dict[str, int]:
    """The variant id of each of ``skus`` that names one (a SKU with characters no SKU has names none)."""
    wanted = {sku for sku in skus if characters.refused(sku) is None}
    if not wanted:
        return {}
    return dict(session.execute(select(Variant.sku, Variant.id).where(Variant.sku.in_(wanted))).tuples().all())
