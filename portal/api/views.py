"""/api/v1 endpoints: parse and validate, call one service or query, answer JSON."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import orjson
from flask import Response, g, jsonify, request, url_for

from core.domain.commands import AddressInput, LineInput, PlaceOrder
from core.events.fact import Actor
from core.queries import api as queries
from core.queries.staff import order_id_for
from core.services import fulfilment, ordering, scan_batch, tracking
from portal.api import bp, decoding
from portal.api.auth import idempotent, json_body, require_key
from portal.api.openapi import EVENT_QUERY, ORDER_NUMBER, document
from portal.api.validation import parameter_problems, problems
from portal.api.validity import parse_time
from web.errors import problem
from web.extensions import shop


def _actor() -> Actor:
    return Actor("integration", f"api:{g.api_key.prefix}")


def _invalid(errors: dict[str, str]) -> Response:
    first = next(iter(errors.items()))
    return problem(422, "Validation failed", f"{first[0]}: {first[1]}", errors)


def _validated(schema: str) -> tuple[Any, Response | None]:
    body, error = json_body()
    if error is not None:
        return None, error
    errors = problems(body, schema)
    return body, (_invalid(errors) if errors else None)


def _check_number(number: str) -> Response | None:
    errors = parameter_problems(number, "number", ORDER_NUMBER["schema"])
    return problem(404, "Not found", f"No order {number[:40]!r}.") if errors else None


def _parse_time(value: str | None) -> datetime | None:
    """An RFC 3339 time the schema has accepted."""
    return None if value is None else parse_time(value)


def _records(schema: str) -> tuple[Any, Response | None]:
    """The body as typed records (``decoding``). A body the decoder refuses is validated the
    usual way, which explains what is wrong."""
    record = decoding.decode(request.get_data(cache=True), schema) if request.is_json else None
    if record is not None:
        return record, None
    body, error = _validated(schema)
    if error is not None:
        return None, error
    record = decoding.convert(body, schema)
    if record is None:  # the decoder and the schema disagree: a bug, but not the client's 500
        return None, problem(422, "Validation failed", "The body does not match the schema.")
    return record, None


@bp.before_request
def refuse_unknown_query_parameters() -> Response | None:
    """Every parameter an endpoint takes is in the document; anything else is a client mistake."""
    allowed = {p["name"] for p in EVENT_QUERY} if request.endpoint == "api.list_events" else set()
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        errors = {name[:60]: "Unknown query parameter." for name in unknown}
        return problem(400, "Bad request", f"Unknown query parameter {unknown[0][:60]!r}.", errors)
    return None


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(document(request.script_root + bp.url_prefix))  # type: ignore[operator]


def _address(raw: dict[str, Any] | None) -> AddressInput | None:
    if raw is None:
        return None
    return AddressInput(
        **{k: raw.get(k) for k in ("name", "line1", "line2", "city", "region", "postal_code", "country")}
    )


def _order_command(body: dict[str, Any]) -> PlaceOrder:
    lines = [
        LineInput(x["sku"], x["quantity"], x.get("unit_price_minor"), x.get("discount_minor", 0)) for x in body["lines"]
    ]
    simple = ("phone", "sms_consent", "source_ref", "number", "carrier", "currency", "shipping_minor")
    simple += ("discount_minor", "tax_minor", "fraud_score", "note", "payment_pending")
    fields = {k: body[k] for k in simple if body.get(k) is not None}
    shipping = _address(body["shipping_address"])
    return PlaceOrder(
        email=body["email"],
        name=body["name"],
        lines=lines,
        shipping_address=shipping,  # type: ignore[arg-type]
        billing_address=_address(body.get("billing_address")),
        channel="api",
        placed_at=_parse_time(body.get("placed_at")),
        **fields,
    )


@bp.post("/orders")
@require_key("write")
@idempotent
def create_order() -> Response | tuple[Response, int]:
    """Create an order (validated, stock reserved, payment authorised or held)."""
    body, error = _validated("OrderCreate")
    if error is not None:
        return error
    order = ordering.place_order(shop(), _order_command(body), actor=_actor())
    with shop().db.read() as session:
        found = queries.order_json(session, order.number)
    response = jsonify(found)
    response.headers["Location"] = url_for("api.get_order", number=order.number)
    return response, 201


@bp.get("/orders/<number>")
@require_key("read")
def get_order(number: str) -> Response:
    """An order with its lines, shipments and every event."""
    bad = _check_number(number)
    if bad is not None:
        return bad
    with shop().db.read() as session:
        found = queries.order_json(session, number)
    return jsonify(found) if found is not None else problem(404, "Not found", f"No order {number!r}.")


@bp.post("/orders/<number>/shipments")
@require_key("write")
@idempotent
def create_shipment(number: str) -> Response | tuple[Response, int]:
    """Pack lines into a labelled parcel; its first carrier event ships it."""
    bad = _check_number(number)
    if bad is not None:
        return bad
    body, error = _validated("ShipmentCreate")
    if error is not None:
        return error
    with shop().db.read() as session:
        order_id = order_id_for(session, number)
    if order_id is None:
        return problem(404, "Not found", f"No order {number!r}.")
    lines = {item["line_id"]: item["quantity"] for item in body["lines"]} if body.get("lines") else None
    if body.get("lines") and len(lines or {}) != len(body["lines"]):
        return _invalid({"lines": "Each line may appear once."})
    shipment = fulfilment.create_shipment(
        shop(),
        order_id,
        carrier_code=body["carrier"],
        service=body.get("service") or "Standard",
        tracking_number=body["tracking_number"],
        lines=lines,
        eta=_parse_time(body.get("eta")),
        actor=_actor(),
    )
    with shop().db.read() as session:
        found = queries.shipment_by_id(session, shipment.id)
    return jsonify(found), 201


def _scan(event: Any) -> tracking.CarrierScan:
    """A tracking event record (``decoding``; its times are parsed) as a carrier scan."""
    return tracking.CarrierScan(
        event.tracking_number,
        event.status,
        event.occurred_at,
        event.location,
        event.message,
        event.exception_reason,
        event.eta,
        event.external_id,
    )


@bp.post("/tracking-events")
@require_key("write")
@idempotent
def append_tracking_event() -> Response | tuple[Response, int]:
    """Apply one carrier event to the shipment with that tracking number (the batch path, for one)."""
    event, error = _records("TrackingEventInput")
    if error is not None:
        return error
    outcome = scan_batch.record_scans(shop(), [_scan(event)], actor=_actor())[0]
    if outcome.outcome == "rejected":
        status = 404 if outcome.field == "tracking_number" else 422
        errors = {outcome.field: outcome.message} if outcome.field and outcome.message else None
        return problem(status, "Not found" if status == 404 else "Validation failed", outcome.message or "", errors)
    return jsonify(outcome.as_json()), (201 if outcome.outcome == "recorded" else 200)


@bp.post("/tracking-events/batch")
@require_key("write")
@idempotent
def append_tracking_events() -> Response:
    """Apply up to 1000 carrier events in one transaction; one result per event."""
    batch, error = _records("TrackingEventBatch")
    if error is not None:
        return error
    outcomes = scan_batch.record_scans(shop(), [_scan(event) for event in batch.events], actor=_actor())
    results = [o.as_json() for o in outcomes]
    counts = Counter(o.outcome for o in outcomes)
    summary = {"recorded": counts["recorded"], "duplicates": counts["duplicate"], "rejected": counts["rejected"]}
    # orjson, not jsonify: a 1000-result answer is on the ingest path (bench/README.md).
    return Response(orjson.dumps(summary | {"results": results}), mimetype="application/json")


@bp.get("/events")
@require_key("read")
def list_events() -> Response:
    """Events after a cursor (an event id), oldest first, for syncing other systems."""
    values: dict[str, Any] = {}
    for parameter in EVENT_QUERY:
        name, default = parameter["name"], parameter["schema"]["default"]
        raw = request.args.get(name)
        try:
            values[name] = default if raw is None else int(raw)
        except ValueError:
            return problem(400, "Bad request", f"{name} must be an integer.", {name: "Must be an integer."})
        errors = parameter_problems(values[name], name, parameter["schema"])
        if errors:
            return problem(400, "Bad request", errors[name], errors)
    with shop().db.read() as session:
        events, more = queries.events_after(session, values["after"], values["limit"])
    cursor = events[-1]["id"] if events else values["after"]
    return jsonify({"events": events, "next_cursor": cursor, "has_more": more})
