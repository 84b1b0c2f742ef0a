"""Store orders in the platforms' documented shapes (Shopify's REST Order as its order webhooks send it;
WooCommerce's REST v3 order), with money that differs from the catalogue's on purpose."""

from __future__ import annotations

from typing import Any

from tests.integration.webhooks.payloads import shopify_headers, woo_headers

__all__ = ["shopify_headers", "shopify_order", "shopify_refund", "shopify_transaction", "woo_headers", "woo_order"]


def shopify_order(**changes: Any) -> dict[str, Any]:
    """#1042, in euros, in German: 2 × TEE-M at 24.99 (the catalogue says 25.00) with 5.00 off,
    MUG-1 at 17.50, 5.00 shipping, tax on lines and shipping. 49.98 + 17.50 - 5.00 + 5.00 + 5.40 = 72.88."""
    order: dict[str, Any] = {
        "id": 5600000001042,
        "name": "#1042",
        "order_number": 1042,
        "email": "lena@example.de",
        "currency": "EUR",
        "customer_locale": "de",
        "financial_status": "paid",
        "created_at": "2026-12-01T10:00:00+01:00",
        "updated_at": "2026-12-01T10:00:05+01:00",
        "taxes_included": False,
        "total_line_items_price": "67.48",
        "total_discounts": "5.00",
        "subtotal_price": "62.48",
        "total_tax": "5.40",
        "total_price": "72.88",
        "tax_lines": [{"price": "5.40", "rate": 0.08, "title": "MwSt"}],
        "discount_codes": [{"code": "FIVEOFF", "amount": "5.00", "type": "fixed_amount"}],
        "payment_gateway_names": ["shopify_payments"],
        "note": None,
        "note_attributes": [],
        "customer": {"first_name": "Lena", "last_name": "Berg", "email": "lena@example.de"},
        "shipping_address": {
            "first_name": "Lena", "last_name": "Berg", "address1": "Hauptstr. 5", "city": "Berlin", "zip": "10115",
            "country_code": "DE", "province_code": None,
        },
        "line_items": [
            {
                "id": 1, "sku": "TEE-M", "quantity": 2, "price": "24.99", "total_discount": "0.00",
                "discount_allocations": [{"amount": "5.00", "discount_application_index": 0}],
                "tax_lines": [{"price": "3.60", "rate": 0.08, "title": "MwSt"}],
            },
            {
                "id": 2, "sku": "MUG-1", "quantity": 1, "price": "17.50", "discount_allocations": [],
                "tax_lines": [{"price": "1.40", "rate": 0.08, "title": "MwSt"}],
            },
        ],
        "shipping_lines": [
            {"id": 7, "title": "DHL Paket", "price": "5.00", "discount_allocations": [],
             "tax_lines": [{"price": "0.40", "rate": 0.08, "title": "MwSt"}]},
        ],
        "refunds": [],
    }  # fmt: skip
    order.update(changes)
    return order


def shopify_refund(refund_id: int, amount: str, *, note: str = "", order_id: int = 5600000001042) -> dict[str, Any]:
    """A ``refunds/create`` body: Shopify's Refund resource with its transactions."""
    return {
        "id": refund_id, "order_id": order_id, "created_at": "2026-12-02T09:00:00Z", "note": note, "restock": False,
        "refund_line_items": [],
        "transactions": [{"id": refund_id + 1, "order_id": order_id, "kind": "refund", "status": "success",
                          "amount": amount, "gateway": "shopify_payments", "parent_id": 9001}],
    }  # fmt: skip


def shopify_transaction(transaction_id: int, kind: str, amount: str, **changes: Any) -> dict[str, Any]:
    """An ``order_transactions/create`` body: Shopify's OrderTransaction (REST) on order #1042."""
    body: dict[str, Any] = {
        "id": transaction_id, "order_id": 5600000001042, "kind": kind, "gateway": "shopify_payments",
        "status": "success", "message": "Transaction approved", "created_at": "2026-12-02T11:00:00+01:00",
        "processed_at": "2026-12-02T11:00:00+01:00", "test": False, "authorization": "ch_1", "parent_id": None,
        "currency": "EUR", "amount": amount, "source_name": "web",
        "admin_graphql_api_id": f"gid://shopify/OrderTransaction/{transaction_id}",
    }  # fmt: skip
    body.update(changes)
    return body


def woo_order(**changes: Any) -> dict[str, Any]:
    """WooCommerce order 727: 3 × TEE-S, subtotal 75.00, a coupon takes 7.50, tax 5.40, shipping 4.90 (+0.39 tax)."""
    order: dict[str, Any] = {
        "id": 727, "number": "727", "status": "processing", "currency": "USD",
        "date_created_gmt": "2026-12-01T15:00:00", "date_modified_gmt": "2026-12-01T15:00:05",
        "date_paid_gmt": "2026-12-01T15:00:04", "discount_total": "7.50", "shipping_total": "4.90",
        "total_tax": "5.79", "total": "78.19", "prices_include_tax": False, "customer_note": "",
        "payment_method": "stripe", "transaction_id": "ch_3Q123", "meta_data": [{"id": 1, "key": "wpml_language", "value": "es"}],
        "billing": {"first_name": "Grace", "last_name": "Hopper", "address_1": "1 Navy Yard", "city": "Arlington",
                    "state": "VA", "postcode": "22202", "country": "US", "email": "grace@example.com", "phone": ""},
        "shipping": {"first_name": "Grace", "last_name": "Hopper", "address_1": "1 Navy Yard", "city": "Arlington",
                     "state": "VA", "postcode": "22202", "country": "US"},
        "line_items": [{"id": 315, "sku": "TEE-S", "quantity": 3, "subtotal": "75.00", "subtotal_tax": "6.00",
                        "total": "67.50", "total_tax": "5.40", "price": 22.5}],
        "tax_lines": [{"id": 1, "rate_code": "US-VA-TAX-1", "label": "Tax", "rate_percent": 8, "tax_total": "5.40",
                       "shipping_tax_total": "0.39"}],
        "shipping_lines": [{"id": 316, "method_title": "USPS Ground Advantage", "method_id": "flat_rate", "total": "4.90",
                            "total_tax": "0.39"}],
        "refunds": [],
    }  # fmt: skip
    order.update(changes)
    return order
