"""Hostile text in every text field of every /api/v1 body, in query parameters and in path
segments, on both backends: never a 5xx, and a refused character gets a 422 naming the field
(or a 400 when the raw bytes are not JSON any more), with nothing written."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec import inspect
from sqlalchemy import func, select

from core.clock import utcnow
from core.domain.commands import LineInput
from core.models import Event, Order
from core.services import fulfilment
from core.shop import Shop
from portal.api import action_schemas, schemas
from tests import factories
from tests.integration.api.conftest import order_body
from tests.integration.hostile.conftest import Sender
from tests.integration.hostile.strings import FUZZ, hostile, in_url, json_body, query, refused, segment

SERIAL = itertools.count(1)


def text_fields(info: Any, path: str = "") -> Iterator[tuple[str, bool]]:
    """(path, several lines allowed) of every text field of a request body, read from its Struct."""
    if isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.StrType):  # several lines when its pattern takes a line break
        yield path, info.pattern is None or re.search(info.pattern, "a\nb") is not None
    elif isinstance(info, inspect.UnionType):
        for member in info.types:
            yield from text_fields(member, path)
    elif isinstance(info, inspect.ListType):
        yield from text_fields(info.item_type, f"{path}[0]")
    elif isinstance(info, inspect.StructType):
        for field in info.fields:
            yield from text_fields(field.type, f"{path}.{field.encode_name}" if path else field.encode_name)


def _address() -> dict[str, Any]:
    return {"name": "Ada", "line1": "1 Main St", "line2": "Apt 2", "city": "Springfield", "region": "IL",
            "postal_code": "12345", "country": "US"}  # fmt: skip


def _order() -> dict[str, Any]:
    serial = next(SERIAL)
    return order_body(
        phone="+14155550100", billing_address=_address(), source_ref=f"ref-{serial}", number=f"API{serial}",
        carrier="ups", currency="USD", note="Leave it\nat the door", shipping_address=_address(),
    )  # fmt: skip


def _event() -> dict[str, Any]:
    when = (utcnow() + timedelta(minutes=next(SERIAL))).isoformat()
    return {"tracking_number": factories.TRACKING, "status": "in_transit", "occurred_at": when,
            "location": "Springfield", "message": "Arrived", "external_id": f"ev-{next(SERIAL)}"}  # fmt: skip


def _shipment() -> dict[str, Any]:
    return {"carrier": "ups", "service": "Ground", "tracking_number": f"1ZFUZZ{next(SERIAL):08d}"}


# Each body, where it goes and a valid one to spoil: every text field of each is fuzzed.
BODIES = {
    schemas.OrderCreate: ("/api/v1/orders", _order),
    schemas.ShipmentCreate: ("/api/v1/orders/{number}/shipments", _shipment),
    schemas.TrackingEventInput: ("/api/v1/tracking-events", _event),
    schemas.TrackingEventBatch: ("/api/v1/tracking-events/batch", lambda: {"events": [_event()]}),
    # The staff actions a staff-role key may call (a refund's body is refused for its role before it is read).
    action_schemas.OrderHold: ("/api/v1/orders/{number}/hold", lambda: {"reason": "manual", "detail": "Check it"}),
    action_schemas.OrderCancel: (
        "/api/v1/orders/{number}/cancel",
        lambda: {"reason": "Asked to", "message": "Sorry", "notify": False},
    ),
    action_schemas.ReturnCreate: (
        "/api/v1/orders/{number}/returns",
        lambda: {"lines": [{"line_id": 1, "quantity": 1, "reason": "too_small"}], "note": "Too tight"},
    ),
}
FIELDS = [(kind, path, lines) for kind in BODIES for path, lines in text_fields(inspect.type_info(kind))]


def test_every_text_field_of_every_body_is_fuzzed() -> None:
    """The list is read from the Structs, so a new field is fuzzed without being named here."""
    named = {f"{kind.__name__}.{path}" for kind, path, _ in FIELDS}
    assert {"OrderCreate.shipping_address.city", "OrderCreate.note", "OrderCreate.lines[0].sku"} <= named
    assert {"TrackingEventInput.message", "TrackingEventBatch.events[0].location", "ShipmentCreate.service"} <= named
    assert {"OrderHold.detail", "OrderCancel.reason", "OrderCancel.message", "ReturnCreate.note"} <= named
    assert len(FIELDS) >= 34


def _put(document: dict[str, Any], path: str, value: str) -> None:
    *parents, last = re.findall(r"[^.\[\]]+", path)
    for step in parents:
        document = document[int(step)] if step.isdigit() else document[step]  # type: ignore[index]
    document[last] = value


def _orders(shop: Shop) -> tuple[int, int]:
    with shop.db.read() as session:
        return session.scalar(select(func.count(Order.id))) or 0, session.scalar(select(func.count(Event.id))) or 0


@pytest.fixture
def shipped(app_shop: Shop, catalog: dict[str, int]) -> Order:
    """An order of 50 tees, one in a parcel on its way (``factories.TRACKING``): lines left to pack."""
    order = factories.place(app_shop, lines=[LineInput("TEE-M", 50)])
    shipment = fulfilment.create_shipment(
        app_shop, order.id, carrier_code="ups", service="Ground", tracking_number=factories.TRACKING,
        lines={order.lines[0].id: 1}, actor=factories.STAFF,
    )  # fmt: skip
    fulfilment.ship_shipment(app_shop, shipment.id, actor=factories.STAFF)
    return order


# One of each kind the rule refuses, as escapes in valid JSON: each must be named in a 422.
REFUSED = ["a\x00b", "\x00" * 100_000, "bell\x07", "del\x7f", "next\x85line", "half\ud800pair", "\udfff"]


def test_every_text_field_names_each_refused_character(
    send: Sender, app_shop: Shop, api_key: str, shipped: Order
) -> None:
    before = _orders(app_shop)
    for (kind, path, _), value in itertools.product(FIELDS, REFUSED):
        url, valid = BODIES[kind]
        body = copy.deepcopy(valid())
        _put(body, path, value)
        response = send(
            "POST", url.format(number=shipped.number), data=json_body(body),
            headers={"Authorization": f"Bearer {api_key}"}, content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 422, (path, value[:20], response.get_data()[:300])
        assert path in response.get_json()["errors"], (path, response.get_json())
    assert _orders(app_shop) == before


@FUZZ
@given(field=st.sampled_from(FIELDS), value=hostile, raw=st.booleans())
def test_hostile_text_in_each_body_field(
    send: Sender, app_shop: Shop, api_key: str, shipped: Order, field: tuple[Any, str, bool], value: str, raw: bool
) -> None:
    kind, path, lines = field
    url, valid = BODIES[kind]
    body = copy.deepcopy(valid())
    _put(body, path, value)
    before = _orders(app_shop)

    response = send(
        "POST", url.format(number=shipped.number), data=json_body(body, raw=raw),
        headers={"Authorization": f"Bearer {api_key}"}, content_type="application/json",
    )  # fmt: skip

    if refused(value, multiline=lines):
        if response.status_code == 422:
            assert path in response.get_json()["errors"], response.get_json()
        else:
            assert (raw, response.status_code) == (True, 400), response.get_data()[:300]
        assert _orders(app_shop) == before


@FUZZ
@given(value=hostile, name=st.sampled_from(["after", "limit", "cursor", "\x00"]))
def test_hostile_query_parameters_and_path_segments(
    send: Sender, api_key: str, shipped: Order, value: str, name: str
) -> None:
    auth = {"Authorization": f"Bearer {api_key}"}
    listed = send("GET", f"/api/v1/events?{query({name: value})}", headers=auth)
    found = send("GET", f"/api/v1/orders/{segment(value)}", headers=auth)
    # An integer parameter may take " 5" as 5; a URL over the API's limit is refused as too long.
    assert listed.status_code in {200, 400, 414}
    assert found.status_code in {200, 308, 404, 414}  # 308: a segment with a slash, sent to its canonical URL
    if refused(in_url(value)):
        assert found.status_code in {308, 404, 414}
