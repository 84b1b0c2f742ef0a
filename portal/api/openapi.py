"""The OpenAPI 3.1 document of /api/v1, written as data.

Request bodies and parameters are validated against these very schemas
(``portal.api.validation``), so the document cannot drift from what the API accepts;
the schemathesis test checks the responses against it.
"""

from __future__ import annotations

from typing import Any

from portal.api.schemas import SCHEMAS

PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
PROBLEMS = {
    "400": "The body is not JSON, or a parameter is malformed.",
    "401": "Missing or unknown API key.",
    "403": "The key's scope does not allow this.",
    "404": "No such resource.",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "409": "A request with this Idempotency-Key is still being executed; retry shortly.",
    "413": "The body is too large.",
    "415": "The body must be application/json.",
    "422": "The request is well-formed but invalid: see `errors`, one message per field.",
    "429": "Too many requests.",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes the POST safe to retry: the same key with the same body replays the first response "
        "(with `Idempotent-Replayed: true`); with a different body it gets 422. Keys are per API key."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
}
ORDER_NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,32}$"},
}
EVENT_QUERY = [
    {
        "name": "after",
        "in": "query",
        "required": False,
        "description": "Cursor: the id of the last event already seen (0 for the start).",
        "schema": {"type": "integer", "minimum": 0, "maximum": 9_000_000_000_000_000_000, "default": 0},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    },
]


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _problems(*codes: str) -> dict[str, Any]:
    return {code: {"description": PROBLEMS[code], "content": PROBLEM_CONTENT} for code in codes}


READ_ERRORS = ("400", "401", "403", "404", "405", "406", "429")
WRITE_ERRORS = (*READ_ERRORS, "409", "413", "415", "422")


def _post(
    summary: str, op_id: str, body: str, responses: dict[str, Any], *, params: list[Any] | None = None
) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "operationId": op_id,
            "security": [{"apiKey": ["write"]}],
            "parameters": [*(params or []), IDEMPOTENCY_KEY],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
            },
            "responses": {**responses, **_problems(*WRITE_ERRORS)},
        }
    }


def _get(summary: str, op_id: str, schema: str, params: list[Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "operationId": op_id,
            "security": [{"apiKey": ["read"]}],
            "parameters": params,
            "responses": {"200": _json(schema, "OK"), **_problems(*READ_ERRORS)},
        }
    }


PATHS: dict[str, Any] = {
    "/orders": _post("Create an order", "createOrder", "OrderCreate", {"201": _json("Order", "Created")}),
    "/orders/{number}": _get("Get an order with its events", "getOrder", "Order", [ORDER_NUMBER]),
    "/orders/{number}/shipments": _post(
        "Add a shipment (labelled; it ships with its first carrier event)",
        "createShipment",
        "ShipmentCreate",
        {"201": _json("Shipment", "Created")},
        params=[ORDER_NUMBER],
    ),
    "/tracking-events": _post(
        "Append a carrier tracking event",
        "appendTrackingEvent",
        "TrackingEventInput",
        {
            "201": _json("TrackingEventResult", "Recorded"),
            "200": _json("TrackingEventResult", "Already recorded (same external_id)"),
        },
    ),
    "/tracking-events/batch": _post(
        "Append up to 1000 carrier tracking events in one transaction",
        "appendTrackingEvents",
        "TrackingEventBatch",
        {"200": _json("TrackingEventBatchResult", "One result per event, in order")},
    ),
    "/events": _get("List events after a cursor, oldest first", "listEvents", "EventPage", EVENT_QUERY),
}


def document(server_url: str = "/api/v1") -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shiplog API",
            "version": "1.0.0",
            "description": (
                "Orders, shipments and carrier tracking. Authenticate with `Authorization: Bearer <key>` "
                "(`flask --app wsgi api-keys create --scope read|write`). Write keys can also read. "
                "Errors are RFC 9457 problem documents. Money is integer minor units; times are ISO 8601."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "An API key."}},
        },
    }
