"""WooCommerce's products as the catalogue takes them: REST v3 ``/products`` read page by page
(``X-WP-TotalPages``), a variable product's ``/variations``, and the ``product.*`` webhook bodies."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from core.domain.products import ProductInput, VariantInput
from core.errors import ValidationFailed
from core.integrations.common import text
from core.integrations.store_http import Client, StoreError
from core.money import check_currency, to_minor
from core.services.store_connections import StoreProduct, StoreVariant

PER_PAGE = 100


def client(key: str, secret: str, **options: Any) -> Client:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
    return Client("WooCommerce", {"Authorization": f"Basic {token}", "Accept": "application/json"}, **options)


def _list(answer_body: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(answer_body, list):
        raise StoreError(f"WooCommerce answered {what} with something that is not a list.")
    return [item for item in answer_body if isinstance(item, dict)]


def currency(store: Client, url: str) -> str:
    """The store's currency (``/data/currencies/current``): every price it sends is in it."""
    body = store.call("GET", f"{url}/wp-json/wc/v3/data/currencies/current").body
    return text((body or {}).get("code") if isinstance(body, dict) else "", 3)


def one(store: Client, url: str, product_id: str) -> dict[str, Any]:
    """``GET /products/<id>``: a variation's parent, when a webhook sent only the variation."""
    body = store.call("GET", f"{url}/wp-json/wc/v3/products/{product_id}").body
    if not isinstance(body, dict):
        raise StoreError(f"WooCommerce answered product {product_id} with something that is not a product.")
    return body


def variations(store: Client, url: str, product_id: str) -> list[dict[str, Any]]:
    """``GET /products/<id>/variations``, every page (``X-WP-TotalPages``)."""
    found, page, last = [], 1, 1
    while page <= last:
        answer = store.call(
            "GET", f"{url}/wp-json/wc/v3/products/{product_id}/variations?page={page}&per_page={PER_PAGE}"
        )
        found += _list(answer.body, "the variations")
        last, page = int(answer.headers.get("X-WP-TotalPages") or 1), page + 1
    return found


def pages(store: Client, url: str) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(the number of pages, one page of products), following ``X-WP-TotalPages``."""
    page, last = 1, 1
    while page <= last:
        answer = store.call("GET", f"{url}/wp-json/wc/v3/products?page={page}&per_page={PER_PAGE}")
        last = int(answer.headers.get("X-WP-TotalPages") or 1)
        yield last, _list(answer.body, "the products")
        page += 1


def _variant(raw: dict[str, Any], money: str, values: tuple[str, ...]) -> VariantInput:
    """Weights are in the store's own unit, which the REST product does not carry: not taken."""
    sku = text(raw.get("sku"), 64)
    if not sku:
        raise ValidationFailed(f"WooCommerce product {text(raw.get('id'))} has no SKU.", field="sku")
    regular, sale = raw.get("regular_price"), raw.get("sale_price")
    on_sale = sale not in (None, "")
    price = sale if on_sale else (regular if regular not in (None, "") else raw.get("price"))
    stock = raw.get("stock_quantity") if raw.get("manage_stock") is True else None
    image = raw.get("image") or (raw.get("images") or [None])[0] or {}
    return VariantInput(
        sku=sku, price_minor=to_minor(price, money, field="price"), currency=money, option_values=values,
        compare_at_minor=to_minor(regular, money, field="regular_price") if on_sale else None,
        image_url=text(image.get("src"), 500) or None if isinstance(image, dict) else None,
        on_hand=int(stock) if stock is not None else None,
    )  # fmt: skip


def product(raw: dict[str, Any], found: list[dict[str, Any]], money: str) -> StoreProduct:
    """A product with its variations (none for a simple product)."""
    check_money = check_currency(money)
    pid = text(raw.get("id"), 64)
    if raw.get("type") == "variable":
        names = tuple(text(a.get("name"), 60) for a in raw.get("attributes") or [] if a.get("variation"))
        variants = [_variant(v, check_money, _values(v, names)) for v in found]
        links = [StoreVariant(v.sku, text(r.get("id"), 64)) for v, r in zip(variants, found, strict=True)]
    else:
        names, variants = (), [_variant(raw, check_money, ())]
        links = [StoreVariant(variants[0].sku, pid)]
    images = raw.get("images") or []
    image = text(images[0].get("src"), 500) or None if images and isinstance(images[0], dict) else None
    made = ProductInput(handle=text(raw.get("slug"), 120) or pid, title=text(raw.get("name"), 200),
                        variants=variants, option_names=names, image_url=image)  # fmt: skip
    return StoreProduct(pid, made, links, text(raw.get("status")) not in ("trash", "private"))


def _values(variation: dict[str, Any], names: tuple[str, ...]) -> tuple[str, ...]:
    given = {text(a.get("name"), 60): text(a.get("option"), 120) for a in variation.get("attributes") or []}
    return tuple(given.get(name, "") for name in names)
