"""Webhook bodies built from the platforms' documented fields (Shopify's come from its SDK fixtures)."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from core.clock import utcnow
from tests.integration.webhooks.conftest import fixture


def soon(minutes: int = 1) -> str:
    """A carrier time just after now: newer than the scan that shipped the parcel."""
    return (utcnow() + timedelta(minutes=minutes)).isoformat()


def consistent(order: dict[str, Any]) -> dict[str, Any]:
    """The SDK fixture's totals count two of its three $199 lines: counted again here, so they add up."""
    order.update({"total_line_items_price": "597.00", "subtotal_price": "597.00", "total_price": "608.94"})
    return order


def shopify_order(**changes: Any) -> dict[str, Any]:
    """Shopify's SDK fixture order, paid, without the engraving note (so it is not held)."""
    order = consistent(copy.deepcopy(fixture("shopify-order.json")["order"]))
    order.update({"financial_status": "paid", "note_attributes": []})
    for item in order["line_items"]:
        item["properties"] = []
    order.update(changes)
    return order


def shopify_fulfillment(**changes: Any) -> dict[str, Any]:
    fulfillment = copy.deepcopy(fixture("shopify-fulfillment.json")["fulfillment"])
    fulfillment.update(
        {
            "status": "success",
            "tracking_company": "UPS",
            "tracking_number": "1Z2345AB",
            "tracking_numbers": ["1Z2345AB"],
        }
    )
    fulfillment.update(changes)
    return fulfillment


def shopify_headers(topic: str, event_id: str) -> dict[str, str]:
    return {
        "X-Shopify-Topic": topic,
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Webhook-Id": f"wh-{event_id}",
        "X-Shopify-Shop-Domain": "demo.myshopify.com",
        "X-Shopify-API-Version": "2025-01",
        "X-Shopify-Triggered-At": "2025-01-10T16:00:00Z",
    }


def woo_order(**changes: Any) -> dict[str, Any]:
    """A WooCommerce REST v3 order, as order.created sends it."""
    order: dict[str, Any] = {
        "id": 727,
        "number": "727",
        "status": "processing",
        "currency": "USD",
        "date_created_gmt": "2025-01-10T15:00:00",
        "date_modified_gmt": "2025-01-10T15:00:05",
        "date_paid_gmt": "2025-01-10T15:00:04",
        "discount_total": "0.00",
        "shipping_total": "5.00",
        "total_tax": "0.00",
        "total": "55.00",
        "customer_note": "",
        "payment_method": "stripe",
        "transaction_id": "ch_123",
        "billing": {
            "first_name": "Grace",
            "last_name": "Hopper",
            "address_1": "1 Navy Yard",
            "address_2": "",
            "city": "Arlington",
            "state": "VA",
            "postcode": "22202",
            "country": "US",
            "email": "grace@example.com",
            "phone": "",
        },
        "shipping": {
            "first_name": "Grace",
            "last_name": "Hopper",
            "address_1": "1 Navy Yard",
            "address_2": "",
            "city": "Arlington",
            "state": "VA",
            "postcode": "22202",
            "country": "US",
        },
        "line_items": [
            {
                "id": 315,
                "name": "Classic Tee - M",
                "sku": "TEE-M",
                "quantity": 2,
                "price": 25,
                "subtotal": "50.00",
                "total": "50.00",
                "total_tax": "0.00",
            }
        ],
        "shipping_lines": [
            {"id": 316, "method_title": "USPS Ground Advantage", "method_id": "flat_rate", "total": "5.00"}
        ],
    }
    order.update(changes)
    return order


def woo_headers(topic: str, delivery_id: str) -> dict[str, str]:
    resource, event = topic.split(".")
    return {
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Delivery-ID": delivery_id,
        "X-WC-Webhook-Source": "https://shop.example.com/",
    }


def easypost_event(
    tracking_code: str, status: str, *, event_id: str = "evt_1", details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An EasyPost Event for tracker.updated, with a Tracker result and its tracking_details."""
    return {
        "object": "Event",
        "id": event_id,
        "description": "tracker.updated",
        "mode": "test",
        "created_at": "2025-01-12T10:00:00Z",
        "updated_at": "2025-01-12T10:00:00Z",
        "previous_attributes": {"status": "in_transit"},
        "result": {
            "object": "Tracker",
            "id": "trk_123",
            "tracking_code": tracking_code,
            "status": status,
            "status_detail": "out_for_delivery" if status == "out_for_delivery" else "arrived_at_facility",
            "carrier": "UPS",
            "est_delivery_date": "2025-01-12T18:00:00Z",
            "tracking_details": details
            if details is not None
            else [
                {
                    "object": "TrackingDetail",
                    "message": "Out for delivery",
                    "status": status,
                    "status_detail": "out_for_delivery",
                    "datetime": soon(),
                    "source": "UPS",
                    "tracking_location": {
                        "object": "TrackingLocation",
                        "city": "Springfield",
                        "state": "IL",
                        "country": "US",
                        "zip": "62701",
                    },
                }
            ],
        },
    }


def aftership_update(
    tracking_number: str, tag: str, subtag: str, *, event_id: str = "8a1d2b9c-0000-4000-8000-000000000001"
) -> dict[str, Any]:
    """An AfterShip tracking_update webhook body."""
    return {
        "event": "tracking_update",
        "event_id": event_id,
        "is_tracking_first_tag": True,
        "ts": 1736676000,
        "msg": {
            "id": "ctk_1",
            "tracking_number": tracking_number,
            "slug": "ups",
            "tag": tag,
            "subtag": subtag,
            "subtag_message": tag,
            "expected_delivery": None,
            "updated_at": "2025-01-12T10:00:00+00:00",
            "checkpoints": [
                {
                    "checkpoint_time": soon(),
                    "city": "Springfield",
                    "state": "IL",
                    "country_iso3": "USA",
                    "location": "Springfield, IL",
                    "message": f"{tag} scan",
                    "tag": tag,
                    "subtag": subtag,
                }
            ],
        },
    }
