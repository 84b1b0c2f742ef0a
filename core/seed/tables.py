"""The columns the bulk writer fills, per table, in insert order (parents before children).

Row tuples built by ``core.seed.state`` follow exactly these column orders.
"""

from __future__ import annotations

COLUMNS: dict[str, tuple[str, ...]] = {
    "products": ("id", "handle", "name"),
    "variants": (
        "id", "product_id", "sku", "title", "price_minor", "currency", "final_sale", "on_hand", "reserved",
        "reorder_point",
    ),
    "customers": ("id", "email", "name", "phone", "created_at"),
    "orders": (
        "id", "number", "customer_id", "email", "phone", "sms_consent", "channel", "source_ref", "status",
        "hold_reason", "hold_detail", "fraud_score", "note", "currency", "subtotal_minor", "discount_minor",
        "shipping_minor", "tax_minor", "total_minor", "placed_at", "shipped_at", "delivered_at", "cancelled_at",
        "version", "last_event_at",
    ),
    "order_addresses": (
        "id", "order_id", "kind", "name", "line1", "line2", "city", "region", "postal_code", "country",
    ),
    "order_lines": (
        "id", "order_id", "variant_id", "sku", "name", "variant_title", "unit_price_minor", "quantity",
        "discount_minor", "final_sale", "qty_shipped", "qty_delivered", "qty_returning", "qty_returned",
    ),
    "payments": (
        "id", "order_id", "gateway", "reference", "method", "card_last4", "status", "amount_minor",
        "captured_minor", "refunded_minor", "currency", "created_at",
    ),
    "returns": (
        "id", "rma", "order_id", "status", "client_token", "customer_note", "restocking_fee_minor",
        "return_tracking_number", "created_at", "approved_at", "received_at", "resolved_at",
    ),
    "shipments": (
        "id", "order_id", "kind", "return_id", "carrier", "service", "tracking_number", "status",
        "exception_reason", "original_eta", "current_eta", "last_location", "last_scan_at", "created_at",
        "shipped_at", "delivered_at",
    ),
    "shipment_lines": ("id", "shipment_id", "order_line_id", "variant_id", "quantity"),
    "return_lines": (
        "id", "return_id", "order_line_id", "quantity", "reason", "note", "resolution", "exchange_variant_id",
        "condition", "restocked_qty",
    ),
    "refunds": (
        "id", "order_id", "payment_id", "return_id", "amount_minor", "currency", "reason", "reference", "created_at",
    ),
    "events": (
        "id", "type", "order_id", "shipment_id", "return_id", "variant_id", "occurred_at", "recorded_at",
        "actor_type", "actor_id", "visibility", "payload", "idempotency_key", "notify",
    ),
    "outbox": (
        "id", "event_id", "order_id", "subscription_id", "channel", "recipient", "template", "status", "attempts",
        "next_attempt_at", "locked_until", "last_error", "provider_message_id", "provider_status", "created_at",
        "sent_at",
    ),
}  # fmt: skip

# Tables that get ids from a sequence on PostgreSQL (all of them, as it happens).
ID_TABLES = tuple(COLUMNS)
