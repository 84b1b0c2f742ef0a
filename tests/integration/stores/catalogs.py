"""The stores' catalogues the peers serve, in each platform's documented shapes."""

from __future__ import annotations

from typing import Any


def shopify_variant(vid: int, sku: str, price: str, qty: int, options: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/ProductVariant/{vid}", "sku": sku, "price": price,
        "compareAtPrice": extra.get("compare"), "barcode": extra.get("barcode"), "inventoryQuantity": qty,
        "selectedOptions": [{"name": k, "value": v} for k, v in options.items()],
        "inventoryItem": {"id": f"gid://shopify/InventoryItem/{vid + 5000}",
                          "measurement": {"weight": extra.get("weight")}},
    }  # fmt: skip


def shopify_product(
    pid: int, handle: str, title: str, options: list[str], variants: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/Product/{pid}", "handle": handle, "title": title, "status": "ACTIVE",
        "options": [{"name": name} for name in options],
        "featuredImage": {"url": f"https://cdn.shopify.com/{handle}.jpg"}, "variants": {"nodes": variants},
    }  # fmt: skip


def shopify_products() -> list[dict[str, Any]]:
    """Six products, so three pages of two: two are refused (a price of -1, a variant of the wrong shape)."""
    default = {"Title": "Default Title"}
    return [
        shopify_product(1, "harbour-shirt", "Harbour Shirt", ["Size", "Color"], [
            shopify_variant(11, "HS-S-NAVY", "48.00", 8, {"Size": "S", "Color": "Navy"}, compare="60.00",
                            barcode="0850000000011", weight={"unit": "GRAMS", "value": 225}),
            shopify_variant(12, "HS-M-NAVY", "48.00", 3, {"Size": "M", "Color": "Navy"}),
        ]),
        shopify_product(2, "ridge-beanie", "Ridge Beanie", ["Title"], [
            shopify_variant(21, "RB-1", "20.00", 0, default, weight={"unit": "KILOGRAMS", "value": 0.2}),
        ]),
        shopify_product(3, "enamel-cup", "Enamel Cup", ["Title"], [shopify_variant(31, "EC-1", "12.50", 10, default)]),
        shopify_product(4, "broken-price", "Broken", ["Title"], [shopify_variant(41, "BP-1", "-1.00", 1, default)]),
        shopify_product(6, "odd-shape", "Odd", ["Title"], [{"id": "gid://shopify/ProductVariant/61", "sku": "OS-1",
                        "price": "1.00", "inventoryQuantity": "many", "selectedOptions": "none"}]),
        shopify_product(5, "market-tote", "Market Tote", ["Title"], [shopify_variant(51, "MT-1", "30.00", 5, default)]),
    ]  # fmt: skip


def woo_products() -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """A simple product on sale, a variable one (two variations), and one without a SKU (refused)."""
    image = [{"id": 9, "src": "https://shop.example/cap.jpg"}]
    products = [
        {"id": 101, "name": "Canvas Cap", "slug": "canvas-cap", "type": "simple", "status": "publish",
         "sku": "CAP-1", "price": "20.00", "regular_price": "25.00", "sale_price": "20.00",
         "manage_stock": True, "stock_quantity": 7, "images": image, "attributes": []},
        {"id": 102, "name": "Fog Hoodie", "slug": "fog-hoodie", "type": "variable", "status": "publish",
         "sku": "", "price": "55.00", "regular_price": "", "sale_price": "", "manage_stock": False,
         "stock_quantity": None, "images": [], "variations": [201, 202],
         "attributes": [{"id": 1, "name": "Size", "variation": True, "options": ["S", "M"]}]},
        {"id": 103, "name": "Mystery", "slug": "mystery", "type": "simple", "status": "publish", "sku": "",
         "price": "5.00", "regular_price": "5.00", "sale_price": "", "manage_stock": False, "images": []},
    ]  # fmt: skip
    variation = {"price": "55.00", "regular_price": "55.00", "sale_price": "", "manage_stock": True, "image": None}
    variations = {"102": [
        variation | {"id": 201, "sku": "HOOD-S", "stock_quantity": 2, "attributes": [{"id": 1, "name": "Size", "option": "S"}]},
        variation | {"id": 202, "sku": "HOOD-M", "stock_quantity": 4, "attributes": [{"id": 1, "name": "Size", "option": "M"}]},
    ]}  # fmt: skip
    return products, variations
