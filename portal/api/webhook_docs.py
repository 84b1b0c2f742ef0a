"""The OpenAPI 3.1 ``webhooks`` of the document: what Shiplog POSTs to a shop's endpoints.

One entry per event type of the catalogue (``core.events.catalogue``), each body the ``Event``
Struct of ``portal.api.responses`` (the shape ``GET /events`` answers, which the dispatcher sends:
``core.queries.api.event_json``) with its ``type`` fixed, and the headers a receiver checks
(docs/webhooks.md). Every type is delivered, events about no order too (``stock.*``, ``product.*``,
``settings.changed``): their ``order_number`` is null and what they are about is in their ``payload``
(a stock event's ``sku`` with the level before and after, the digest's ``lines``, a product's ``handle``).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from core.events.catalogue import EVENT_TYPES

Signature = Annotated[
    str,
    Meta(
        pattern="^t=[0-9]+,v1=[0-9a-f]{64}$",
        description=(
            "`t` is the send time in Unix seconds, `v1` the hex HMAC-SHA256 of `<t>.<raw body>` under the "
            "endpoint's signing secret. Refuse a body whose digest differs or whose `t` is more than five "
            "minutes from your clock (a replay)."
        ),
    ),
]
DeliveryId = Annotated[
    str, Meta(pattern="^[0-9]+$", description="The same on every retry of one delivery: fold repeats on it.")
]
EventCode = Annotated[str, Meta(description="The event's type, as in the body's `type`.")]


def _header(name: str, kind: Any) -> dict[str, Any]:
    schema = msgspec.json.schema(kind)
    return {"name": name, "in": "header", "required": True, "description": schema.pop("description"), "schema": schema}


HEADERS = [
    _header("Shiplog-Signature", Signature),
    _header("Shiplog-Delivery", DeliveryId),
    _header("Shiplog-Event", EventCode),
]
ANSWERS = {"2XX": {"description": "Received. Any other answer, or none within `WEBHOOK_TIMEOUT_SECONDS`, is retried."}}


def _webhook(code: str) -> dict[str, Any]:
    kind = EVENT_TYPES[code]
    body = {"allOf": [{"$ref": "#/components/schemas/Event"}, {"properties": {"type": {"const": code}}}]}
    return {
        "post": {
            "summary": f"{code}: {kind.describe({})}",
            "operationId": f"on_{code.replace('.', '_')}",
            "parameters": HEADERS,
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": ANSWERS,
        }
    }


WEBHOOKS: dict[str, Any] = {code: _webhook(code) for code in EVENT_TYPES}
