"""The API's schema validator: one message per field, the same schemas as the OpenAPI document."""

from __future__ import annotations

from portal.api.validation import problems


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
