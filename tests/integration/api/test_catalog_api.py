"""/api/v1 catalogue and stock: products saved and paged, a variant read and changed, stock adjusted;
bad input refused by field with nothing written; the same Idempotency-Key replayed, not repeated."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.models import Event, Variant
from core.shop import Shop
from tests.integration.api.conftest import Call


def product_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "handle": "harbour-linen-shirt",
        "title": "Harbour Linen Shirt",
        "option_names": ["Size", "Color"],
        "return_policy_group": "apparel",
        "variants": [
            {"sku": "HLS-M-NAVY", "option_values": ["M", "Navy"], "price_minor": 4800, "compare_at_minor": 6000,
             "weight_grams": 225, "barcode": "0850000000028", "on_hand": 8, "reorder_point": 2},
            {"sku": "HLS-L-NAVY", "option_values": ["L", "Navy"], "price_minor": 4800},
        ],
    }  # fmt: skip
    return body | changes


def _events(shop: Shop, kind: str) -> list[Event]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event).where(Event.type == kind).order_by(Event.id)))


def test_a_product_is_created_then_updated_by_its_handle(app_shop: Shop, call: Call) -> None:
    made = call("POST", "/products", json=product_body())
    assert made.status_code == 201, made.json
    assert made.json["handle"] == "harbour-linen-shirt"
    navy = made.json["variants"][0]
    assert (navy["title"], navy["price_minor"], navy["compare_at_minor"], navy["currency"]) == (
        "M / Navy",
        4800,
        6000,
        "USD",
    )
    assert (navy["on_hand"], navy["reserved"], navy["available"], navy["weight_grams"]) == (8, 0, 8, 225)
    again = call("POST", "/products", json=product_body(title="Harbour Shirt"))
    assert again.status_code == 200
    assert again.json["title"] == "Harbour Shirt"
    assert len(_events(app_shop, "product.created")) == 1
    assert _events(app_shop, "product.updated")[0].payload["changed"] == ["title"]


def test_products_are_read_a_page_at_a_time(app_shop: Shop, call: Call, read_key: str) -> None:
    for n in range(3):
        body = product_body(handle=f"p-{n}", option_names=[], variants=[{"sku": f"P-{n}", "price_minor": 100}])
        assert call("POST", "/products", json=body).status_code == 201
    first = call("GET", "/products?limit=2", key=read_key)
    assert first.status_code == 200
    assert [p["handle"] for p in first.json["products"]] == ["p-0", "p-1"]
    assert first.json["has_more"] is True
    rest = call("GET", f"/products?after={first.json['next_cursor']}&limit=2", key=read_key)
    assert ([p["handle"] for p in rest.json["products"]], rest.json["has_more"]) == (["p-2"], False)
    assert call("GET", "/products?limit=0", key=read_key).status_code == 400
    assert call("GET", "/products?page=2", key=read_key).status_code == 400


def test_bad_products_are_refused_by_field_and_nothing_is_written(app_shop: Shop, call: Call) -> None:
    negative = product_body(variants=[{"sku": "X-1", "price_minor": -1, "option_values": ["M", "Navy"]}])
    refused = call("POST", "/products", json=negative)
    assert refused.status_code == 422
    assert "variants[0].price_minor" in refused.json["errors"]
    unknown = product_body(
        variants=[{"sku": "X-1", "price_minor": 1, "currency": "XYZ", "option_values": ["M", "Navy"]}]
    )
    refused = call("POST", "/products", json=unknown)
    assert refused.status_code == 422
    assert refused.json["errors"] == {"variants[0].currency": "XYZ is not an ISO 4217 currency in use."}
    short = product_body(variants=[{"sku": "X-1", "price_minor": 1, "option_values": ["M"]}])
    assert call("POST", "/products", json=short).status_code == 422
    with app_shop.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Variant)) == 0


def test_a_variant_is_read_and_changed_by_its_sku(app_shop: Shop, call: Call, read_key: str) -> None:
    call("POST", "/products", json=product_body())
    found = call("GET", "/variants/HLS-M-NAVY", key=read_key)
    assert (found.status_code, found.json["product_handle"]) == (200, "harbour-linen-shirt")
    changed = call("PATCH", "/variants/HLS-M-NAVY", json={"price_minor": 4500, "compare_at_minor": None})
    assert changed.status_code == 200, changed.json
    assert (changed.json["price_minor"], changed.json["compare_at_minor"], changed.json["barcode"]) == (
        4500,
        None,
        "0850000000028",
    )
    assert call("PATCH", "/variants/HLS-M-NAVY", json={"on_hand": 3}).status_code == 422
    assert call("PATCH", "/variants/HLS-M-NAVY", json={"price_minor": -5}).status_code == 422
    assert call("PATCH", "/variants/NOPE", json={"price_minor": 1}).status_code == 404
    assert call("GET", "/variants/NOPE", key=read_key).status_code == 404
    assert call("PATCH", "/variants/HLS-M-NAVY", json={"price_minor": 1}, key=read_key).status_code == 403


def test_stock_is_adjusted_or_set_with_a_reason_and_each_is_an_event(app_shop: Shop, call: Call) -> None:
    call("POST", "/products", json=product_body())
    received = call(
        "POST",
        "/inventory-adjustments",
        json={"sku": "HLS-L-NAVY", "delta": 20, "reason": "received", "reference": "PO-7"},
    )
    assert received.status_code == 201, received.json
    assert received.json == {"sku": "HLS-L-NAVY", "on_hand": 20, "reserved": 0, "available": 20, "reorder_point": 0}
    counted = call("POST", "/inventory-adjustments", json={"sku": "HLS-L-NAVY", "set": 18, "reason": "stocktake"})
    assert counted.json["on_hand"] == 18
    adjusted = _events(app_shop, "stock.adjusted")[0].payload
    assert (adjusted["before"], adjusted["after"], adjusted["reason"], adjusted["reference"]) == (
        0,
        20,
        "received",
        "PO-7",
    )
    assert _events(app_shop, "stock.set")[-1].payload["after"] == 18
    both = call("POST", "/inventory-adjustments", json={"sku": "HLS-L-NAVY", "delta": 1, "set": 1, "reason": "x"})
    assert (both.status_code, list(both.json["errors"])) == (422, ["delta"])
    below = call("POST", "/inventory-adjustments", json={"sku": "HLS-L-NAVY", "delta": -19, "reason": "lost"})
    assert below.status_code == 422
    assert call("POST", "/inventory-adjustments", json={"sku": "NOPE", "delta": 1, "reason": "x"}).status_code == 404


def test_the_same_idempotency_key_adjusts_stock_once(app_shop: Shop, call: Call) -> None:
    call("POST", "/products", json=product_body())
    body = {"sku": "HLS-L-NAVY", "delta": 5, "reason": "received", "reference": "PO-8"}
    first = call("POST", "/inventory-adjustments", json=body, headers={"Idempotency-Key": "po-8"})
    replay = call("POST", "/inventory-adjustments", json=body, headers={"Idempotency-Key": "po-8"})
    assert (first.status_code, replay.status_code, replay.headers["Idempotent-Replayed"]) == (201, 201, "true")
    assert replay.json["on_hand"] == 5
    assert len(_events(app_shop, "stock.adjusted")) == 1


def test_an_order_for_a_product_made_through_the_api_is_taken(app_shop: Shop, call: Call) -> None:
    from tests.integration.api.conftest import order_body

    call("POST", "/products", json=product_body())
    placed = call("POST", "/orders", json=order_body(lines=[{"sku": "HLS-M-NAVY", "quantity": 1}]))
    assert placed.status_code == 201, placed.json
    assert call("GET", "/variants/HLS-M-NAVY").json["reserved"] == 1


def test_the_document_describes_the_catalogue_operations(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").json
    assert {"get", "post"} <= set(document["paths"]["/products"])
    assert {"get", "patch"} <= set(document["paths"]["/variants/{sku}"])
    assert "InventoryAdjustment" in document["components"]["schemas"]
    assert "ProductCreate" in document["components"]["schemas"]


def test_the_document_describes_every_webhook_events_about_no_order_too(client) -> None:  # type: ignore[no-untyped-def]
    from core.events.catalogue import EVENT_TYPES

    document = client.get("/api/v1/openapi.json").json
    assert set(document["webhooks"]) == set(EVENT_TYPES)
    digest = document["webhooks"]["stock.digest_sent"]["post"]
    assert digest["operationId"] == "on_stock_digest_sent"
    assert {p["name"] for p in digest["parameters"]} == {"Shiplog-Signature", "Shiplog-Delivery", "Shiplog-Event"}
    order_number = document["components"]["schemas"]["Event"]["properties"]["order_number"]
    assert {"type": "null"} in order_number["anyOf"]
    assert "no order" in order_number["description"]
