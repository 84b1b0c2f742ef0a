"""/api/v1 endpoints: parse and validate, call one service or query, answer JSON."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
from flask import Response, g, jsonify, request, url_for

from core.domain.commands import AddressInput, LineInput, PlaceOrder
from core.permissions import Permission
from core.queries import api as queries
from core.queries.staff import order_id_for
from core.services import fulfilment, ordering, scan_batch, tracking
from portal.api import bp
from portal.api.auth import cursor_page, idempotent, key_actor, public, require_key
from portal.api.bodies import conforms, invalid, read, read_query
from portal.api.openapi import document
from portal.api.schemas import (
    Address,
    EventQuery,
    OrderCreate,
    OrderNumber,
    ShipmentCreate,
    TrackingEventBatch,
    TrackingEventInput,
)
from web.errors import problem
from web.extensions import shop


def _check_number(number: str) -> Response | None:
    return None if conforms(number, OrderNumber) else problem(404, "Not found", f"No order {number[:40]!r}.")


def _sent(record: msgspec.Struct) -> dict[str, Any]:
    """The fields of a request record that the client sent with a value (not left out, not null),
    so the service's own defaults apply to the others."""
    return {k: v for k, v in msgspec.structs.asdict(record).items() if v is not None and v is not msgspec.UNSET}


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(document(request.script_root + bp.url_prefix))  # type: ignore[operator]


def _address(address: Address | None) -> AddressInput | None:
    return None if address is None else AddressInput(**msgspec.structs.asdict(address))


def _order_command(order: OrderCreate) -> PlaceOrder:
    fields = _sent(order) | {
        "lines": [LineInput(**_sent(line)) for line in order.lines],
        "shipping_address": _address(order.shipping_address),
        "billing_address": _address(order.billing_address),
    }
    # The request's own key also keys the card authorisation: a retried request authorises once.
    given = request.headers.get("Idempotency-Key")
    payment_key = f"{g.api_key.prefix}:{given}" if given else None
    return PlaceOrder(**fields, channel="api", payment_key=payment_key)


@bp.post("/orders")
@require_key("write")
@idempotent
def create_order() -> Response | tuple[Response, int]:
    """Create an order (validated, stock reserved, payment authorised or held)."""
    body, error = read(OrderCreate)
    if body is None:
        return error
    order = ordering.place_order(shop(), _order_command(body), actor=key_actor())
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
@require_key("write", permission=Permission.SHIPMENT_CREATE)
@idempotent
def create_shipment(number: str) -> Response | tuple[Response, int]:
    """Pack lines into a labelled parcel; its first carrier event ships it."""
    bad = _check_number(number)
    if bad is not None:
        return bad
    body, error = read(ShipmentCreate)
    if body is None:
        return error
    with shop().db.read() as session:
        order_id = order_id_for(session, number)
    if order_id is None:
        return problem(404, "Not found", f"No order {number!r}.")
    lines = None if body.lines is msgspec.UNSET else {item.line_id: item.quantity for item in body.lines}
    if lines is not None and len(lines) != len(body.lines):  # type: ignore[arg-type]
        return invalid({"lines": "Each line may appear once."})
    shipment = fulfilment.create_shipment(
        shop(),
        order_id,
        carrier_code=body.carrier,
        service=body.service,
        tracking_number=body.tracking_number,
        lines=lines,
        eta=body.eta,
        actor=key_actor(),
    )
    with shop().db.read() as session:
        found = queries.shipment_by_id(session, shipment.id)
    return jsonify(found), 201


def _scan(event: TrackingEventInput) -> tracking.CarrierScan:
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
    event, error = read(TrackingEventInput)
    if event is None:
        return error
    outcome = scan_batch.record_scans(shop(), [_scan(event)], actor=key_actor())[0]
    if outcome.outcome == "rejected":
        status = 404 if outcome.field == "tracking_number" else 422
        errors = {outcome.field: outcome.message} if outcome.field and outcome.message else None
        return problem(status, "Not found" if status == 404 else "Validation failed", outcome.message or "", errors)
    answer = Response(msgspec.json.encode(outcome), mimetype="application/json")
    return answer, (201 if outcome.outcome == "recorded" else 200)


@bp.post("/tracking-events/batch")
@require_key("write")
@idempotent
def append_tracking_events() -> Response:
    """Apply up to 1000 carrier events in one transaction; one result per event."""
    batch, error = read(TrackingEventBatch)
    if batch is None:
        return error
    outcomes = scan_batch.record_scans(shop(), [_scan(event) for event in batch.events], actor=key_actor())
    counts = Counter(o.outcome for o in outcomes)
    summary = {"recorded": counts["recorded"], "duplicates": counts["duplicate"], "rejected": counts["rejected"]}
    # The outcomes are encoded as they are, not through jsonify: a 1000-result answer is on the ingest path.
    return Response(msgspec.json.encode(summary | {"results": outcomes}), mimetype="application/json")


@bp.get("/events")
@require_key("read", query=EventQuery)
def list_events() -> Response:
    """Events after a cursor (an event id), oldest first, for syncing other systems."""
    query, error = read_query(EventQuery)
    if query is None:
        return error
    with shop().db.read() as session:
        events, more = queries.events_after(session, query.after, query.limit)
    return cursor_page("events", events, more, query.after)
