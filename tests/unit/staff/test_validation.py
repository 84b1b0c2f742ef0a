"""The API's schema validator: one message per field, the same schemas as the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.api import decoding
from portal.api.schemas import SCHEMAS
from portal.api.validation import compile_schema, problems
from portal.api.validity import is_valid


def _order(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": "a@example.com",
        "name": "A",
        "lines": [{"sku": "TEE-M", "quantity": 1}],
        "shipping_address": {"name": "A", "line1": "1 St", "city": "C", "postal_code": "1", "country": "US"},
    }
    body.update(changes)
    return body


def test_valid_order_has_no_problems() -> None:
    assert problems(_order(), "OrderCreate") == {}


def test_every_problem_is_reported_by_path() -> None:
    found = problems(
        _order(lines=[{"sku": "", "quantity": 0}, {"quantity": "2"}], extra=1, placed_at="yesterday"), "OrderCreate"
    )
    assert found == {
        "lines[0].sku": "Must not be empty.",
        "lines[0].quantity": "Must be at least 1.",
        "lines[1].sku": "This field is required.",
        "lines[1].quantity": "Must be integer.",
        "extra": "Unknown field.",
        "placed_at": "Must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:00:00Z.",
    }


def test_nested_and_nullable_fields() -> None:
    found = problems(
        _order(billing_address={"name": "B"}, phone=None, shipping_address={"country": "USA"}), "OrderCreate"
    )
    assert "billing_address.line1" in found
    assert "shipping_address.country" in found
    assert "phone" not in found


def test_booleans_are_not_integers_and_datetimes_need_a_zone() -> None:
    event = {"tracking_number": "1Z0000001", "status": "in_transit", "occurred_at": "2025-01-01T10:00:00"}
    assert problems(event, "TrackingEventInput") == {
        "occurred_at": "Must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:00:00Z."
    }
    assert "lines[0].quantity" in problems(_order(lines=[{"sku": "X", "quantity": True}]), "OrderCreate")


def test_body_must_be_an_object() -> None:
    assert problems([1, 2], "TrackingEventBatch") == {"body": "Must be object."}


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "in_transit", "delay", "1Z0000001", "TEE-M", "2025-01-01T10:00:00Z", "2025-01-01"]),
    st.text(max_size=8),
    st.sampled_from(["x" * 120, "x" * 121, "x" * 300, "x" * 301]),  # each side of the length limits
)
_JSON = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)  # fmt: skip
_EVENT = {"tracking_number": "1Z0000001", "status": "exception", "occurred_at": "2025-01-01T10:00:00Z",
          "exception_reason": "delay", "eta": None, "location": "Hub", "message": "Late", "external_id": "e-1"}  # fmt: skip


def _collected(value: object, name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    compile_schema(SCHEMAS[name])(value, None, errors)
    return errors


@settings(max_examples=400, deadline=None)
@given(
    name=st.sampled_from(["TrackingEventInput", "TrackingEventBatch", "OrderCreate", "ShipmentCreate"]),
    field=st.sampled_from([*_EVENT, "events", "lines", "email", "shipping_address", "unknown"]),
    value=_JSON,
    drop=st.booleans(),
)
def test_the_yes_no_validator_agrees_with_the_collecting_one(name: str, field: str, value: object, drop: bool) -> None:
    """``problems`` answers valid documents from ``is_valid`` alone: both forms must agree."""
    bases: dict[str, object] = {
        "TrackingEventInput": dict(_EVENT),
        "TrackingEventBatch": {"events": [dict(_EVENT), dict(_EVENT)]},
        "OrderCreate": _order(),
        "ShipmentCreate": {"carrier": "ups", "tracking_number": "1Z0000001"},
    }
    document = bases[name]
    target = document["events"][1] if name == "TrackingEventBatch" and field in _EVENT else document  # type: ignore[index]
    if drop:
        target.pop(field, None)  # type: ignore[union-attr]
    else:
        target[field] = value  # type: ignore[index]
    valid = _collected(document, name) == {}
    assert is_valid(document, SCHEMAS[name]) == valid
    if name.startswith("Tracking"):  # the typed decoder's schemas: it accepts exactly the valid ones
        assert (decoding.decode(orjson.dumps(document), name) is not None) == valid
        assert (decoding.convert(document, name) is not None) == valid


_EDGES = {
    "tracking_number": {
        "1Z0000": True,
        "1Z000": False,
        "A" * 64: True,
        "A" * 65: False,
        "1Z 00001": False,
        None: False,
    },
    "status": {"delivered": True, "lost": False, None: False, 1: False},
    "occurred_at": {"2025-01-01T10:00:00+02:00": True, "2025-01-01T10:00:00": False, None: False},
    "location": {"x" * 120: True, "x" * 121: False, "": True, None: True, 5: False},
    "message": {"x" * 300: True, "x" * 301: False, None: True, True: False},
    "exception_reason": {"customs": True, "other": False, None: True},
    "eta": {"2025-01-02T10:00:00Z": True, "tomorrow": False, None: True},
    "external_id": {"x": True, "": False, "x" * 120: True, "x" * 121: False, None: True},
}


def test_each_tracking_event_field_at_its_limits() -> None:
    """The one-loop check of text-only objects (``validity._text_record``), field by field."""
    for field, cases in _EDGES.items():
        for value, expected in cases.items():
            document = {**_EVENT, field: value}
            assert is_valid(document, SCHEMAS["TrackingEventInput"]) is expected, (field, value)
            assert (_collected(document, "TrackingEventInput") == {}) is expected, (field, value)
            assert (decoding.decode(orjson.dumps(document), "TrackingEventInput") is not None) is expected
    assert not is_valid({**_EVENT, "extra": "x"}, SCHEMAS["TrackingEventInput"])
    assert not is_valid({"status": "delivered", "occurred_at": "2025-01-01T10:00:00Z"}, SCHEMAS["TrackingEventInput"])


def test_the_decoder_reads_times_and_leaves_other_schemas_to_the_validator() -> None:
    raw = orjson.dumps({"events": [{**_EVENT, "eta": "2025-01-02t10:00:00z"}, {**_EVENT, "location": None}]})
    batch = decoding.decode(raw, "TrackingEventBatch")
    assert [e.location for e in batch.events] == ["Hub", None]
    assert batch.events[0].occurred_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert batch.events[0].eta == datetime(2025, 1, 2, 10, tzinfo=UTC)
    assert decoding.decode(b'{"events": []}', "TrackingEventBatch") is None  # minItems
    assert decoding.decode(orjson.dumps({"events": [_EVENT] * 1001}), "TrackingEventBatch") is None
    assert decoding.decode(b'{"events": [', "TrackingEventBatch") is None
    assert decoding.decode(orjson.dumps(_order()), "OrderCreate") is None  # outside the subset
