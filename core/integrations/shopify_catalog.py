"""Shopify's products as the catalogue takes them: the Admin GraphQL ``products`` connection read
page by page (cursor pagination, throttle respected), and the ``products/*`` webhook bodies (REST shape);
and an inventory item's stock over every location (``inventoryLevels``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.domain.products import DEFAULT_TITLE, ProductInput, VariantInput
from core.errors import ValidationFailed
from core.integrations.common import text
from core.integrations.store_http import Client, StoreError
from core.money import check_currency, to_minor
from core.services.store_connections import StoreProduct, StoreVariant

PAGE_SIZE = 50
QUERY = """query Products($first: Int!, $after: String) {
  shop { currencyCode }
  products(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id handle title status
      options { name }
      featuredImage { url }
      variants(first: 100) {
        nodes {
          id sku price compareAtPrice barcode inventoryQuantity
          selectedOptions { name value }
          inventoryItem { id measurement { weight { unit value } } }
        }
      }
    }
  }
}"""
# An item's level at each location that stocks it: ``inventory_levels/update`` names one location only.
LEVELS = """query InventoryLevels($id: ID!, $first: Int!, $after: String) {
  inventoryItem(id: $id) {
    id
    inventoryLevels(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { location { id } quantities(names: ["available"]) { name quantity } }
    }
  }
}"""
GRAMS = {"GRAMS": 1, "KILOGRAMS": 1000, "OUNCES": 28.349523125, "POUNDS": 453.59237}


def client(token: str, **options: Any) -> Client:
    return Client("Shopify", {"X-Shopify-Access-Token": token, "Accept": "application/json"}, **options)


def _throttled(answer: dict[str, Any]) -> float | None:
    """Seconds until the query's cost is restored, when Shopify throttled it (a 200 with THROTTLED)."""
    errors = [e for e in answer.get("errors") or [] if isinstance(e, dict)]
    # The code is documented; some answers carry only the message "Throttled".
    if not any(
        (e.get("extensions") or {}).get("code") == "THROTTLED" or e.get("message") == "Throttled" for e in errors
    ):
        return None
    cost = (answer.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    missing = float(cost.get("requestedQueryCost") or 0) - float(status.get("currentlyAvailable") or 0)
    return max(missing / float(status.get("restoreRate") or 50), 1.0)


def _ask(shop_client: Client, url: str, query: str, variables: dict[str, Any], what: str) -> dict[str, Any]:
    """One GraphQL query's ``data``, waiting out Shopify's throttle."""
    for _ in range(10):
        answer = shop_client.call("POST", url, {"query": query, "variables": variables})
        body = answer.body if isinstance(answer.body, dict) else {}
        wait = _throttled(body)
        if wait is None:
            if body.get("errors") or not isinstance(body.get("data"), dict):
                raise StoreError(f"Shopify refused the {what} query: {text(str(body.get('errors')), 300)}")
            return body["data"]
        shop_client.sleep(wait)
    raise StoreError(f"Shopify kept throttling the {what} query.")


def _page(shop_client: Client, url: str, after: str | None) -> dict[str, Any]:
    return _ask(shop_client, url, QUERY, {"first": PAGE_SIZE, "after": after}, "products")


def available_everywhere(shop_client: Client, base_url: str, version: str, item_id: str) -> int | None:
    """The item's ``available`` summed over every location that stocks it, every page read; None when Shopify
    has no such item. A location oversold below zero counts against the others; the sum is never below zero."""
    url, after, total = endpoint(base_url, version), None, 0
    while True:
        wanted = {"id": f"gid://shopify/InventoryItem/{item_id}", "first": PAGE_SIZE, "after": after}
        item = _ask(shop_client, url, LEVELS, wanted, "inventory levels").get("inventoryItem")
        if not isinstance(item, dict):
            return None
        levels = item.get("inventoryLevels") or {}
        for node in levels.get("nodes") or []:
            found = [q for q in node.get("quantities") or [] if q.get("name") == "available"]
            total += sum(int(q.get("quantity") or 0) for q in found)
        info = levels.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return max(total, 0)
        after = info.get("endCursor")


def endpoint(base_url: str, version: str) -> str:
    return f"{base_url}/admin/api/{version}/graphql.json"


def pages(shop_client: Client, base_url: str, version: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(the store's currency, one page of product nodes), until ``hasNextPage`` is false."""
    url, after = endpoint(base_url, version), None
    while True:
        data = _page(shop_client, url, after)
        found = data.get("products") or {}
        yield text((data.get("shop") or {}).get("currencyCode"), 3), list(found.get("nodes") or [])
        info = found.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return
        after = info.get("endCursor")


def gid_tail(value: object) -> str:
    """``gid://shopify/ProductVariant/123`` -> ``123``: the id webhooks use."""
    return text(value, 200).rsplit("/", 1)[-1]


def _grams(measure: dict[str, Any] | None) -> int | None:
    weight = (measure or {}).get("weight") or {}
    if weight.get("value") in (None, ""):
        return None
    return round(float(weight["value"]) * GRAMS.get(text(weight.get("unit")), 1))


def _sku(raw: dict[str, Any]) -> str:
    sku = text(raw.get("sku"), 64)
    if not sku:
        raise ValidationFailed(f"Shopify variant {gid_tail(raw.get('id'))} has no SKU.", field="sku")
    return sku


def _variant(raw: dict[str, Any], currency: str, values: list[str], grams: int | None) -> VariantInput:
    compare = raw.get("compareAtPrice", raw.get("compare_at_price"))
    quantity = raw.get("inventoryQuantity", raw.get("inventory_quantity"))
    return VariantInput(
        sku=_sku(raw), price_minor=to_minor(raw.get("price"), currency, field="price"), currency=currency,
        option_values=tuple(v for v in values if v and v != DEFAULT_TITLE),
        compare_at_minor=to_minor(compare, currency, field="compare_at_price") if compare not in (None, "") else None,
        weight_grams=grams, barcode=text(raw.get("barcode"), 64) or None,
        on_hand=int(quantity) if quantity is not None else None,
    )  # fmt: skip


def _product(raw: dict[str, Any], options: list[str], variants: list[VariantInput], image: str | None) -> ProductInput:
    names = tuple(n for n in options if n and n != "Title") if any(v.option_values for v in variants) else ()
    handle, title = text(raw.get("handle"), 120), text(raw.get("title"), 200)
    return ProductInput(handle=handle, title=title, variants=variants, option_names=names, image_url=image)


def from_node(node: dict[str, Any], currency: str) -> StoreProduct:
    """A GraphQL product node."""
    check_currency(currency)
    raws = ((node.get("variants") or {}).get("nodes")) or []
    variants, links = [], []
    for raw in raws:
        item = raw.get("inventoryItem") or {}
        values = [text(o.get("value"), 120) for o in raw.get("selectedOptions") or []]
        variants.append(_variant(raw, currency, values, _grams(item.get("measurement"))))
        links.append(StoreVariant(variants[-1].sku, gid_tail(raw.get("id")), gid_tail(item.get("id")) or None))
    options = [text(o.get("name"), 60) for o in node.get("options") or []]
    image = text((node.get("featuredImage") or {}).get("url"), 500) or None
    product = _product(node, options, variants, image)
    return StoreProduct(gid_tail(node.get("id")), product, links, text(node.get("status")) != "ARCHIVED")


def from_webhook(body: dict[str, Any], currency: str) -> StoreProduct:
    """A ``products/create|update`` body (the REST product: numeric ids, option1..3, grams)."""
    check_currency(currency)
    variants, links = [], []
    for raw in body.get("variants") or []:
        values = [text(raw.get(f"option{i}"), 120) for i in (1, 2, 3)]
        grams = int(raw["grams"]) if isinstance(raw.get("grams"), int) else None
        variants.append(_variant(raw, currency, values, grams))
        item = text(raw.get("inventory_item_id"), 64) or None
        links.append(StoreVariant(variants[-1].sku, text(raw.get("id"), 64), item))
    options = [text(o.get("name"), 60) for o in body.get("options") or [] if isinstance(o, dict)]
    image = text((body.get("image") or {}).get("src"), 500) or None
    product = _product(body, options, variants, image)
    return StoreProduct(text(body.get("id"), 64), product, links, text(body.get("status")) != "archived")
