"""/api/v1 catalogue and stock: products a page at a time, a product saved whole, one variant read
or changed, and a stock adjustment. Each write is one service call."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import msgspec
from flask import Response, jsonify

from core.domain.products import ProductInput, VariantInput
from core.queries import products as queries
from core.services import inventory, products
from portal.api import bp
from portal.api.auth import cursor_page, idempotent, key_actor, require_key
from portal.api.bodies import conforms, read, read_query
from portal.api.schemas import InventoryAdjustment, ProductCreate, ProductQuery, Sku, VariantCreate, VariantPatch
from web.errors import problem
from web.extensions import shop


def _given(record: msgspec.Struct) -> dict[str, Any]:
    """The fields a client sent (null included: it clears an optional field); lists as tuples."""
    fields = {k: v for k, v in msgspec.structs.asdict(record).items() if v is not msgspec.UNSET}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}


def _variant(body: VariantCreate) -> VariantInput:
    return VariantInput(**_given(body))


def _product(body: ProductCreate) -> ProductInput:
    fields = _given(body) | {"variants": [_variant(v) for v in body.variants]}
    return ProductInput(**fields)


def _missing(sku: str) -> Response:
    return problem(404, "Not found", f"No variant with SKU {sku[:64]!r}.")


@bp.get("/products")
@require_key("read", query=ProductQuery)
def list_products() -> Response:
    """Products with their variants and stock, in the order they were made, a page at a time."""
    query, error = read_query(ProductQuery)
    if query is None:
        return error  # type: ignore[return-value]
    with shop().db.read() as session:
        found, more = queries.products_after(session, query.after, query.limit)
    return cursor_page("products", found, more, query.after)


@bp.post("/products")
@require_key("write")
@idempotent
def save_product() -> Response | tuple[Response, int]:
    """Create a product with its variants, or bring the one of that handle up to date."""
    body, error = read(ProductCreate)
    if body is None:
        return error  # type: ignore[return-value]
    saved = products.save_product(shop(), _product(body), actor=key_actor(), reference="api")
    with shop().db.read() as session:
        found = queries.product_by_id(session, saved.product_id)
    return jsonify(found), 201 if saved.outcome == "created" else 200


@bp.get("/variants/<sku>")
@require_key("read")
def get_variant(sku: str) -> Response:
    """A variant with its price and stock (on hand, reserved, available)."""
    with shop().db.read() as session:
        found = queries.variant_by_sku(session, sku) if conforms(sku, Sku) else None
    return jsonify(found) if found is not None else _missing(sku)


@bp.patch("/variants/<sku>")
@require_key("write")
@idempotent
def update_variant(sku: str) -> Response:
    """Change some of a variant's fields; the others stay as they are."""
    if not conforms(sku, Sku):
        return _missing(sku)
    body, error = read(VariantPatch)
    if body is None:
        return error  # type: ignore[return-value]
    products.update_variant(shop(), sku, _given(body), actor=key_actor())
    with shop().db.read() as session:
        return jsonify(queries.variant_by_sku(session, sku))


@bp.post("/inventory-adjustments")
@require_key("write")
@idempotent
def adjust_inventory() -> Response | tuple[Response, int]:
    """Change a SKU's count on hand by a delta (`stock.adjusted`) or set it (`stock.set`), with a reason."""
    body, error = read(InventoryAdjustment)
    if body is None:
        return error  # type: ignore[return-value]
    level = inventory.adjust_stock(
        shop(),
        body.sku,
        delta=body.delta,
        count=body.set,
        reason=body.reason,
        reference=body.reference,
        actor=key_actor(),
    )
    return jsonify(asdict(level)), 201
