"""The OpenAPI 3.1 document of /api/v1.

The operations are written here; every schema in it is generated from the Structs that the API
decodes requests into (``portal.api.schemas``) and describes answers with
(``portal.api.responses``), so the document cannot drift from what the API accepts. The
schemathesis test checks the answers against it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec

from core.permissions import WHAT, Permission
from portal.api import action_schemas, responses, schemas
from portal.api.webhook_docs import WEBHOOKS

PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
PROBLEMS = {
    "400": "The body is not JSON, or a query parameter is unknown, repeated or malformed.",
    "401": "Missing or unknown API key.",
    "403": "The key's scope, or its role's permissions (docs/permissions.md), do not allow this.",
    "404": "No such resource.",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "409": "A request with this Idempotency-Key is still being executed; retry shortly.",
    "413": "The body is too large.",
    "414": (
        f"The URL is longer than {schemas.MAX_URL_BYTES} bytes. A server in front may refuse a still longer "
        "request line itself, with a `text/html` answer."
    ),
    "415": "The body must be application/json.",
    "422": "The request is well-formed but invalid: see `errors`, one message per field.",
    "429": "This API key has used up one of its rate limits; `Retry-After` says when to try again.",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes the POST safe to retry: the same key with the same body replays the first response "
        "(with `Idempotent-Replayed: true`); with a different body it gets 422. Keys are per API key."
    ),
    "schema": msgspec.json.schema(schemas.IdempotencyKey),
}
ORDER_NUMBER = {"name": "number", "in": "path", "required": True, "schema": msgspec.json.schema(schemas.OrderNumber)}
RMA = {"name": "rma", "in": "path", "required": True, "schema": msgspec.json.schema(action_schemas.Rma)}
SKU = {"name": "sku", "in": "path", "required": True, "schema": msgspec.json.schema(schemas.Sku)}


def query_parameters(struct: type[msgspec.Struct]) -> list[dict[str, Any]]:
    """A Struct's fields as query parameters; a field's description goes to its parameter."""
    parameters = []
    for field in msgspec.structs.fields(struct):
        schema = msgspec.json.schema(field.type)
        parameter = {"name": field.encode_name, "in": "query", "required": field.required}
        if "description" in schema:
            parameter["description"] = schema.pop("description")
        parameters.append(parameter | {"schema": schema if field.required else schema | {"default": field.default}})
    return parameters


@cache
def components() -> dict[str, Any]:
    """The schemas of every request body and response, keyed by Struct name."""
    kinds = (*schemas.REQUEST_BODIES, *action_schemas.ACTION_BODIES, *responses.RESPONSES)
    return msgspec.json.schema_components(kinds, ref_template="#/components/schemas/{name}")[1]


def _header(kind: Any, *, required: bool = False) -> dict[str, Any]:
    schema = msgspec.json.schema(kind)
    return {"required": required, "description": schema.pop("description"), "schema": schema}


# Every answer to a request with a valid key carries them; the refusals made before a key is read cannot.
QUOTA_HEADERS = {"RateLimit-Policy": _header(responses.RateLimitPolicy), "RateLimit": _header(responses.RateLimit)}
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "401": {},
    "405": {"Allow": _header(responses.Allow, required=True)},  # refused by routing
    "414": {},
    "429": {**QUOTA_HEADERS, "Retry-After": _header(responses.RetryAfter, required=True)},
}
SERVER_PAGE = {"text/html": {"schema": {"type": "string"}}}
CONTENT = {"414": {**PROBLEM_CONTENT, **SERVER_PAGE}}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": QUOTA_HEADERS,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _problem(code: str) -> dict[str, Any]:
    answer = {"description": PROBLEMS[code], "content": CONTENT.get(code, PROBLEM_CONTENT)}
    headers = RESPONSE_HEADERS.get(code, QUOTA_HEADERS)
    return answer | {"headers": headers} if headers else answer


def _problems(*codes: str) -> dict[str, Any]:
    return {code: _problem(code) for code in codes}


READ_ERRORS = ("400", "401", "403", "404", "405", "406", "414", "429")
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


def _action(
    summary: str, op_id: str, body: str, answer: tuple[str, str], permission: Permission, path: dict[str, Any]
) -> dict[str, Any]:
    """A staff action: a POST whose key's role needs ``permission``, as in the staff hub."""
    code, schema = answer
    operation = _post(summary, op_id, body, {code: _json(schema, "Done")}, params=[path])
    operation["post"]["description"] = f"Needs a write key whose role has `{permission}`: {WHAT[permission]}."
    return operation


def _order_action(summary: str, op_id: str, body: str, permission: Permission, answer: str = "Order") -> Any:
    return _action(summary, op_id, body, ("201" if answer != "Order" else "200", answer), permission, ORDER_NUMBER)


def _return_action(summary: str, op_id: str, body: str, permission: Permission) -> Any:
    return _action(summary, op_id, body, ("200", "Return"), permission, RMA)


P = Permission
ACTION_PATHS: dict[str, Any] = {
    "/orders/{number}/hold": _order_action("Put an order on hold", "holdOrder", "OrderHold", P.ORDER_HOLD),
    "/orders/{number}/release": _order_action("Release a hold", "releaseOrder", "Notified", P.ORDER_RELEASE),
    "/orders/{number}/cancel": _order_action("Cancel an order", "cancelOrder", "OrderCancel", P.ORDER_CANCEL),
    "/orders/{number}/refunds": _order_action("Refund an amount", "refundOrder", "RefundCreate", P.REFUND, "Refund"),
    "/orders/{number}/returns": _order_action(
        "Open a return (refund or exchange lines)", "createReturn", "ReturnCreate", P.RETURN_OPEN, "Return"
    ),
    "/returns/{rma}/approve": _return_action("Approve a return", "approveReturn", "Notified", P.RETURN_REVIEW),
    "/returns/{rma}/reject": _return_action("Reject a return", "rejectReturn", "ReturnReject", P.RETURN_REVIEW),
    "/returns/{rma}/receive": _return_action("Receive a return", "receiveReturn", "ReturnReceive", P.RETURN_RECEIVE),
    "/returns/{rma}/resolve": _return_action(
        "Resolve a return (refund or exchange)", "resolveReturn", "ReturnResolve", P.RETURN_RESOLVE
    ),
}


def _patch(summary: str, op_id: str, body: str, answer: str, params: list[Any]) -> dict[str, Any]:
    operation = _post(summary, op_id, body, {"200": _json(answer, "Changed")}, params=params)["post"]
    return {"patch": operation}


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
    "/events": _get(
        "List events after a cursor, oldest first", "listEvents", "EventPage", query_parameters(schemas.EventQuery)
    ),
    "/products": {
        **_get(
            "List products with their variants and stock, oldest first",
            "listProducts",
            "ProductPage",
            query_parameters(schemas.ProductQuery),
        ),
        **_post(
            "Create a product, or update the one of that handle (variants by SKU)",
            "saveProduct",
            "ProductCreate",
            {"201": _json("Product", "Created"), "200": _json("Product", "Updated, or already so")},
        ),
    },
    "/variants/{sku}": {
        **_get("Get a variant with its price and stock", "getVariant", "Variant", [SKU]),
        **_patch("Change some of a variant's fields", "updateVariant", "VariantPatch", "Variant", [SKU]),
    },
    "/inventory-adjustments": _post(
        "Change a SKU's count on hand by a delta or set it, with a reason (a stock event)",
        "adjustInventory",
        "InventoryAdjustment",
        {"201": _json("StockLevel", "Recorded")},
    ),
}


def document(server_url: str = "/api/v1") -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shiplog API",
            "version": "1.0.0",
            "description": (
                "Orders, shipments, carrier tracking, the catalogue and its stock. Authenticate with `Authorization: Bearer <key>` "
                "(`flask --app wsgi api-keys create --scope read|write`). Write keys can also read. "
                "Errors are RFC 9457 problem documents. Money is integer minor units; times are ISO 8601. "
                "Each key has its own rate limits (`API_RATE_LIMIT`, or the key's own: `api-keys limit`), "
                "counted across every server process: every answer says how much is left in the "
                "`RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-10, and a "
                "429 says when to retry in `Retry-After`. A key also acts with a role "
                "(`api-keys create --role staff|manager`): the staff actions need its permissions "
                "(docs/permissions.md). Outbound webhooks (`webhooks` below) POST each event an endpoint "
                "subscribes to, signed (docs/webhooks.md)."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": PATHS | ACTION_PATHS,
        "webhooks": WEBHOOKS,
        "components": {
            "schemas": components(),
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "An API key."}},
        },
    }
