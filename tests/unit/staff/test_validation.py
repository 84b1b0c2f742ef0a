"""API request bodies: decoded into the Structs of ``portal.api.schemas``, refused ones explained
field by field (``portal.api.bodies``), and the OpenAPI document generated from the same types."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import jsonschema_rs
import msgspec
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.commands import AddressInput, LineInput, PlaceOrder
from core.domain.scans import SCAN_STATUSES
from core.lifecycle import ExceptionReason
from portal.api import schemas
from portal.api.bodies import problems
from portal.api.openapi import components
from portal.api.schemas import OrderCreate, ShipmentCreate, TrackingEventBatch, TrackingEventInput

TIME_MESSAGE = "Must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:00:00Z."


def _order(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": "a@example.com",
        "name": "A",
        "lines": [{"sku": "TEE-M", "quantity": 1}],
        "shipping_address": {"name": "A", "line1": "1 St", "city": "C", "postal_code": "1", "country": "US"},
    }
    body.update(changes)
    return body


def _decodes(document: object, kind: type[msgspec.Struct]) -> bool:
    try:
        msgspec.json.decode(orjson.dumps(document), type=kind)
    except msgspec.ValidationError:
        return False
    return True


def _documented(kind: type[msgspec.Struct]) -> Any:
    """A validator for ``kind``'s schema in the OpenAPI document, formats checked."""
    root = {"$ref": f"#/components/schemas/{kind.__name__}", "components": {"schemas": components()}}
    return jsonschema_rs.validator_for(root, validate_formats=True)


def test_valid_order_has_no_problems() -> None:
    assert problems(_order(), OrderCreate) == {}
    assert _decodes(_order(), OrderCreate)


def test_every_problem_is_reported_by_path() -> None:
    found = problems(
        _order(lines=[{"sku": "", "quantity": 0}, {"quantity": "2"}], extra=1, placed_at="yesterday"), OrderCreate
    )
    assert found == {
        "lines[0].sku": "Must not be empty.",
        "lines[0].quantity": "Must be at least 1.",
        "lines[1].sku": "This field is required.",
        "lines[1].quantity": "Must be integer.",
        "extra": "Unknown field.",
        "placed_at": TIME_MESSAGE,
    }


def test_nested_and_nullable_fields() -> None:
    found = problems(
        _order(billing_address={"name": "B"}, phone=None, shipping_address={"country": "USA"}), OrderCreate
    )
    assert "billing_address.line1" in found
    assert found["shipping_address.country"] == "Does not match the expected format ^[A-Za-z]{2}$."
    assert "phone" not in found
    assert problems(_order(sms_consent=None, carrier=None), OrderCreate) == {
        "sms_consent": "Must be boolean.",  # may be left out, but not null
        "carrier": "Must be string.",
    }


def test_booleans_are_not_integers_and_datetimes_need_a_zone() -> None:
    event = {"tracking_number": "1Z0000001", "status": "in_transit", "occurred_at": "2025-01-01T10:00:00"}
    assert problems(event, TrackingEventInput) == {"occurred_at": TIME_MESSAGE}
    assert not _decodes(event, TrackingEventInput)
    assert problems(_order(lines=[{"sku": "X", "quantity": True}]), OrderCreate) == {
        "lines[0].quantity": "Must be integer."
    }


def test_body_must_be_an_object_and_lists_keep_their_counts() -> None:
    assert problems([1, 2], TrackingEventBatch) == {"body": "Must be object."}
    assert problems({"events": []}, TrackingEventBatch) == {"events": "Needs at least 1 item."}
    too_many = [_EVENT] * 1000 + [{**_EVENT, "status": "lost"}]  # the count is the problem, not the event
    assert problems({"events": too_many}, TrackingEventBatch) == {"events": "Takes at most 1000 items."}
    assert problems({"carrier": "ups", "tracking_number": "1Z0000001", "lines": None}, ShipmentCreate) == {
        "lines": "Must be array."
    }


def test_every_bad_event_of_a_batch_is_named() -> None:
    events = [_EVENT, {**_EVENT, "status": "lost"}, _EVENT, {**_EVENT, "eta": 5, "exception_reason": "x"}]
    assert problems({"events": events}, TrackingEventBatch) == {
        "events[1].status": "Must be one of: in_transit, out_for_delivery, available_for_pickup, delivered, exception.",
        "events[3].eta": "Must be string or null.",
        "events[3].exception_reason": "Must be one of: delay, customs, failed_attempt, damaged, lost, returned_to_sender.",
    }


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "in_transit", "delay", "1Z0000001", "TEE-M", "2025-01-01T10:00:00Z", "2025-01-01"]),
    st.text(max_size=8),
    st.sampled_from(["x" * 120, "x" * 121, "x" * 300, "x" * 301, "ups\n", "2025-01-01T10:00:00"]),  # at the limits
)
_JSON = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)  # fmt: skip
_EVENT = {"tracking_number": "1Z0000001", "status": "exception", "occurred_at": "2025-01-01T10:00:00Z",
          "exception_reason": "delay", "eta": None, "location": "Hub", "message": "Late", "external_id": "e-1"}  # fmt: skip
_KINDS = {kind.__name__: kind for kind in schemas.REQUEST_BODIES}
_CATALOGUE = ["sku", "delta", "set", "reason", "variants", "price_minor", "option_values", "handle", "image_url"]


@settings(max_examples=400, deadline=None)
@given(
    name=st.sampled_from(sorted(_KINDS)),
    field=st.sampled_from([*_EVENT, "events", "lines", "email", "carrier", "shipping_address", "unknown", *_CATALOGUE]),
    value=_JSON,
    drop=st.booleans(),
)
def test_problems_are_found_exactly_when_the_decoder_refuses(name: str, field: str, value: object, drop: bool) -> None:
    """A refused body always gets at least one message, and an accepted one never gets any."""
    bases: dict[str, object] = {
        "TrackingEventInput": dict(_EVENT),
        "TrackingEventBatch": {"events": [dict(_EVENT), dict(_EVENT)]},
        "OrderCreate": _order(),
        "ShipmentCreate": {"carrier": "ups", "tracking_number": "1Z0000001"},
        "ProductCreate": {"handle": "tee", "title": "Tee", "variants": [{"sku": "TEE-M", "price_minor": 100}]},
        "VariantPatch": {"price_minor": 100, "compare_at_minor": None, "option_values": ["M"]},
        "InventoryAdjustment": {"sku": "TEE-M", "delta": 1, "reason": "received"},
    }
    document = bases[name]
    target = document["events"][1] if name == "TrackingEventBatch" and field in _EVENT else document  # type: ignore[index]
    if drop:
        target.pop(field, None)  # type: ignore[union-attr]
    else:
        target[field] = value  # type: ignore[index]
    assert (problems(document, _KINDS[name]) == {}) == _decodes(document, _KINDS[name])


_EDGES: dict[str, dict[Any, bool]] = {
    "tracking_number": {
        "1Z0000": True,
        "1Z000": False,
        "A" * 64: True,
        "A" * 65: False,
        "1Z 00001": False,
        "1Z00001\n": False,
        None: False,
    },
    "status": {"delivered": True, "lost": False, None: False, 1: False},
    "occurred_at": {
        "2025-01-01T10:00:00+02:00": True,
        "2025-01-01t10:00:00z": True,
        "2025-01-01T10:00:00": False,
        "2025-W01-1T10:00:00Z": False,
        None: False,
    },
    "location": {"x" * 120: True, "x" * 121: False, "": True, None: True, 5: False},
    "message": {"x" * 300: True, "x" * 301: False, None: True, True: False},
    "exception_reason": {"customs": True, "other": False, None: True},
    "eta": {"2025-01-02T10:00:00Z": True, "tomorrow": False, None: True},
    "external_id": {"x": True, "": False, "x" * 120: True, "x" * 121: False, None: True},
}


def test_each_tracking_event_field_at_its_limits_in_the_api_and_in_its_document() -> None:
    documented = _documented(TrackingEventInput)
    for field, cases in _EDGES.items():
        for value, expected in cases.items():
            event = {**_EVENT, field: value}
            assert _decodes(event, TrackingEventInput) is expected, (field, value)
            assert (problems(event, TrackingEventInput) == {}) is expected, (field, value)
            assert documented.is_valid(event) is expected, (field, value)
    for refused in ({**_EVENT, "extra": "x"}, {"status": "delivered", "occurred_at": "2025-01-01T10:00:00Z"}):
        assert not _decodes(refused, TrackingEventInput)
        assert not documented.is_valid(refused)


@pytest.mark.parametrize(
    ("changes", "valid"),
    [
        ({}, True),
        ({"carrier": "ups\n"}, False),  # Python's "$" alone would let the newline through
        ({"currency": "usd"}, False),
        ({"phone": "+15551234567"}, True),
        ({"phone": None, "note": None, "billing_address": None}, True),
        ({"sms_consent": None}, False),
        ({"lines": []}, False),
        ({"lines": [{"sku": "X", "quantity": 10_001}]}, False),
        ({"fraud_score": 101}, False),
        ({"placed_at": "2025-01-01T10:00:00"}, False),
        ({"name": "A\x00B"}, False),  # control characters: core.characters, published as the field's pattern
        ({"name": "two\nlines"}, False),
        ({"note": "two\nlines\tand a tab"}, True),
        ({"note": "bell\x07"}, False),
        ({"lines": [{"sku": "TEE-M\x85", "quantity": 1}]}, False),
        ({"name": "Zoë \u202eevil\u200b 👩\u200d👩\u200d👧"}, True),
    ],
)
def test_orders_at_their_limits_in_the_api_and_in_its_document(changes: dict[str, object], valid: bool) -> None:
    order = _order(**changes)
    assert _decodes(order, OrderCreate) is valid
    assert _documented(OrderCreate).is_valid(order) is valid


def test_the_decoder_reads_times_with_their_zone() -> None:
    raw = orjson.dumps({"events": [{**_EVENT, "eta": "2025-01-02t10:00:00z"}, {**_EVENT, "location": None}]})
    batch = msgspec.json.decode(raw, type=TrackingEventBatch)
    assert [e.location for e in batch.events] == ["Hub", None]
    assert batch.events[0].occurred_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert batch.events[0].eta == datetime(2025, 1, 2, 10, tzinfo=UTC)
    with pytest.raises(msgspec.DecodeError):
        msgspec.json.decode(b'{"events": [', type=TrackingEventBatch)


def test_request_fields_are_named_as_the_service_commands_take_them() -> None:
    """The views hand a request's fields to the commands by name (``PlaceOrder(**fields)``)."""
    pairs = [(OrderCreate, PlaceOrder), (schemas.OrderLineInput, LineInput), (schemas.Address, AddressInput)]
    for struct, command in pairs:
        assert set(struct.__struct_fields__) <= {field.name for field in dataclasses.fields(command)}, struct


def test_the_api_takes_the_statuses_and_reasons_the_service_knows() -> None:
    assert set(schemas.ShipmentStatus.__args__) == SCAN_STATUSES
    assert set(schemas.ExceptionReason.__args__) == {reason.value for reason in ExceptionReason}
