"""JSON Schemas of the /api/v1 bodies, as data: the OpenAPI document and the validator share them."""

from __future__ import annotations

from typing import Any

STR_OR_NULL = ["string", "null"]
TIME = {"type": "string", "format": "date-time"}
TIME_OR_NULL = {"type": STR_OR_NULL, "format": "date-time"}
SHIPMENT_STATUSES = ["in_transit", "out_for_delivery", "available_for_pickup", "delivered", "exception"]
EXCEPTION_REASONS = ["delay", "customs", "failed_attempt", "damaged", "lost", "returned_to_sender"]
TRACKING = {"type": "string", "pattern": "^[A-Za-z0-9-]{6,64}$"}


def _text(low: int, high: int, *, nullable: bool = False) -> dict[str, Any]:
    return {"type": STR_OR_NULL if nullable else "string", "minLength": low, "maxLength": high}


def _int(low: int, high: int = 2_000_000_000) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


ADDRESS = _object(
    {
        "name": _text(1, 200),
        "line1": _text(1, 200),
        "line2": _text(0, 200, nullable=True),
        "city": _text(1, 100),
        "region": _text(0, 100, nullable=True),
        "postal_code": _text(1, 20),
        "country": {"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2"},
    },
    ["name", "line1", "city", "postal_code", "country"],
)

ORDER_LINE_IN = _object(
    {
        "sku": _text(1, 64),
        "quantity": _int(1, 10_000),
        "unit_price_minor": {"type": ["integer", "null"], "minimum": 0, "maximum": 2_000_000_000},
        "discount_minor": _int(0),
    },
    ["sku", "quantity"],
)

ORDER_CREATE = _object(
    {
        "email": _text(3, 254),
        "name": _text(1, 200),
        "phone": {"type": STR_OR_NULL, "pattern": "^\\+[1-9][0-9]{6,14}$", "description": "E.164"},
        "sms_consent": {"type": "boolean"},
        "lines": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/OrderLineInput"},
            "minItems": 1,
            "maxItems": 100,
        },
        "shipping_address": {"$ref": "#/components/schemas/Address"},
        "billing_address": {"oneOf": [{"$ref": "#/components/schemas/Address"}, {"type": "null"}]},
        "source_ref": _text(1, 64, nullable=True),
        "number": {"type": STR_OR_NULL, "pattern": "^[A-Za-z0-9-]{1,32}$"},
        "carrier": {"type": "string", "pattern": "^[a-z0-9]{2,32}$"},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "shipping_minor": _int(0),
        "discount_minor": _int(0),
        "tax_minor": _int(0),
        "fraud_score": _int(0, 100),
        "note": _text(0, 2000, nullable=True),
        "payment_pending": {"type": "boolean"},
        "placed_at": TIME_OR_NULL,
    },
    ["email", "name", "lines", "shipping_address"],
)

SHIPMENT_CREATE = _object(
    {
        "carrier": {"type": "string", "pattern": "^[a-z0-9]{2,32}$"},
        "service": _text(1, 48),
        "tracking_number": TRACKING,
        "lines": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": _object({"line_id": _int(1), "quantity": _int(1, 10_000)}, ["line_id", "quantity"]),
            "description": "Order line ids and quantities; leave out to pack everything not yet packed.",
        },
        "eta": TIME_OR_NULL,
    },
    ["carrier", "tracking_number"],
)

TRACKING_EVENT_IN = _object(
    {
        "tracking_number": TRACKING,
        "status": {"type": "string", "enum": SHIPMENT_STATUSES},
        "occurred_at": TIME,
        "location": _text(0, 120, nullable=True),
        "message": _text(0, 300, nullable=True),
        "exception_reason": {"type": STR_OR_NULL, "enum": [*EXCEPTION_REASONS, None]},
        "eta": TIME_OR_NULL,
        "external_id": {
            **_text(1, 120, nullable=True),
            "description": "The carrier's own event id: a repeat is recorded once.",
        },
    },
    ["tracking_number", "status", "occurred_at"],
)

TRACKING_BATCH_IN = _object(
    {
        "events": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/TrackingEventInput"},
            "minItems": 1,
            "maxItems": 1000,
        }
    },
    ["events"],
)

_ID_OR_NULL = {"type": ["integer", "null"]}
_OUT_ADDRESS = {
    "type": "object",
    "properties": {
        k: {"type": STR_OR_NULL} for k in ("name", "line1", "line2", "city", "region", "postal_code", "country")
    },
    "required": ["name", "line1", "city", "postal_code", "country"],
}

EVENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "type": {"type": "string"},
        "text": {"type": "string"},
        "order_number": {"type": STR_OR_NULL},
        "shipment_id": _ID_OR_NULL,
        "return_id": _ID_OR_NULL,
        "occurred_at": TIME,
        "recorded_at": TIME,
        "actor_type": {"type": "string"},
        "visibility": {"type": "string", "enum": ["public", "customer", "internal"]},
        "payload": {"type": "object"},
    },
    "required": ["id", "type", "text", "order_number", "occurred_at", "recorded_at", "visibility", "payload"],
}

SHIPMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "order_number": {"type": "string"},
        "kind": {"type": "string"},
        "carrier": {"type": "string"},
        "service": {"type": "string"},
        "tracking_number": {"type": "string"},
        "status": {"type": "string"},
        "exception_reason": {"type": STR_OR_NULL},
        "shipped_at": TIME_OR_NULL,
        "delivered_at": TIME_OR_NULL,
        "current_eta": TIME_OR_NULL,
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"line_id": {"type": "integer"}, "quantity": {"type": "integer"}},
                "required": ["line_id", "quantity"],
            },
        },
    },
    "required": ["id", "order_number", "carrier", "tracking_number", "status", "lines"],
}

ORDER_LINE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "sku": {"type": "string"},
        "name": {"type": "string"},
        "variant_title": {"type": "string"},
        "quantity": {"type": "integer"},
        "unit_price_minor": {"type": "integer"},
        "discount_minor": {"type": "integer"},
        "qty_shipped": {"type": "integer"},
        "qty_delivered": {"type": "integer"},
        "qty_returned": {"type": "integer"},
    },
    "required": ["id", "sku", "quantity", "unit_price_minor"],
}

ORDER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "status": {"type": "string"},
        "hold_reason": {"type": STR_OR_NULL},
        "channel": {"type": "string"},
        "source_ref": {"type": STR_OR_NULL},
        "email": {"type": "string"},
        "currency": {"type": "string"},
        "subtotal_minor": {"type": "integer"},
        "discount_minor": {"type": "integer"},
        "shipping_minor": {"type": "integer"},
        "tax_minor": {"type": "integer"},
        "total_minor": {"type": "integer"},
        "placed_at": TIME,
        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/OrderLine"}},
        "shipping_address": {"oneOf": [_OUT_ADDRESS, {"type": "null"}]},
        "shipments": {"type": "array", "items": {"$ref": "#/components/schemas/Shipment"}},
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
    },
    "required": [
        "id",
        "number",
        "status",
        "email",
        "currency",
        "total_minor",
        "placed_at",
        "lines",
        "shipments",
        "events",
    ],
}

SCAN_RESULT = {
    "type": "object",
    "properties": {
        "index": {"type": "integer"},
        "outcome": {"type": "string", "enum": ["recorded", "duplicate", "rejected"]},
        "event_id": _ID_OR_NULL,
        "code": {"type": STR_OR_NULL},
        "field": {"type": STR_OR_NULL},
        "message": {"type": STR_OR_NULL},
    },
    "required": ["index", "outcome"],
}

BATCH_RESULT = {
    "type": "object",
    "properties": {
        "recorded": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "rejected": {"type": "integer"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/TrackingEventResult"}},
    },
    "required": ["recorded", "duplicates", "rejected", "results"],
}

EVENT_PAGE = {
    "type": "object",
    "properties": {
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
        "next_cursor": {"type": "integer", "description": "Pass as `after` to get the next page."},
        "has_more": {"type": "boolean"},
    },
    "required": ["events", "next_cursor", "has_more"],
}

PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "One message per offending field, keyed by its path (e.g. lines[0].sku).",
        },
    },
    "required": ["type", "title", "status", "detail"],
}

SCHEMAS: dict[str, Any] = {
    "Address": ADDRESS,
    "OrderLineInput": ORDER_LINE_IN,
    "OrderCreate": ORDER_CREATE,
    "ShipmentCreate": SHIPMENT_CREATE,
    "TrackingEventInput": TRACKING_EVENT_IN,
    "TrackingEventBatch": TRACKING_BATCH_IN,
    "Event": EVENT,
    "Shipment": SHIPMENT,
    "OrderLine": ORDER_LINE,
    "Order": ORDER,
    "TrackingEventResult": SCAN_RESULT,
    "TrackingEventBatchResult": BATCH_RESULT,
    "EventPage": EVENT_PAGE,
    "Problem": PROBLEM,
}
