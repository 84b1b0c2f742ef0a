"""Exchange lines through POST /api/v1/orders/{number}/returns, on both backends: the replacement named by
its SKU, opened by the service the customer portal's exchange calls (same product only, its stock
reserved, the same permission), and a bad replacement SKU a 422 naming the line with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core import replay
from core.models import Event, Order, Return, ReturnLine, Variant
from core.permissions import Permission, PermissionTable
from core.shop import Shop
from portal.api.openapi import components
from tests.integration.api.conftest import Call

SAME_PRODUCT = "another variant of the same product"  # the domain's rule, as the portal's exchange meets it


@pytest.fixture
def app_shop(shop: Shop) -> Shop:
    return shop


def _tee(order: Order) -> int:
    return next(line.id for line in order.lines if line.sku == "TEE-M")


def _reserved(shop: Shop, sku: str) -> int:
    with shop.db.read() as session:
        return int(session.scalar(select(Variant.reserved).where(Variant.sku == sku)) or 0)


def _written(shop: Shop) -> tuple[int, int, int]:
    """(returns, return lines, events): what a refused request must leave as it was."""
    with shop.db.read() as session:
        return tuple(int(session.scalar(select(func.count()).select_from(m)) or 0) for m in (Return, ReturnLine, Event))  # type: ignore[return-value]


def _line(order: Order, **changes: Any) -> dict[str, Any]:
    return {"line_id": _tee(order), "quantity": 1, "reason": "too_small"} | changes


def test_an_exchange_line_opens_a_return_with_its_replacement_reserved(
    shop: Shop, delivered_order: Order, call: Call
) -> None:
    before = _reserved(shop, "TEE-L")
    body = {"lines": [_line(delivered_order, resolution="exchange", exchange_sku="TEE-L")]}
    opened = call("POST", f"/orders/{delivered_order.number}/returns", json=body, headers={"Idempotency-Key": "x1"})
    assert opened.status_code == 201, opened.get_json()
    answer = opened.get_json()
    assert answer["status"] == "approved"  # "too small" needs no review under the default policy
    [line] = answer["lines"]
    assert (line["resolution"], line["exchange_sku"], line["quantity"]) == ("exchange", "TEE-L", 1)
    assert _reserved(shop, "TEE-L") == before + 1
    again = call("POST", f"/orders/{delivered_order.number}/returns", json=body, headers={"Idempotency-Key": "x1"})
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert _reserved(shop, "TEE-L") == before + 1  # once
    with shop.db.read() as session:
        requested = session.scalars(select(Event.payload).where(Event.type == "return.requested")).one()
        assert requested["lines"] == [[_tee(delivered_order), 1, "too_small", "exchange"]]
        assert replay.differences(session) == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"resolution": "exchange", "exchange_sku": "NOPE-1"}, "lines[0].exchange_sku", "No variant with SKU 'NOPE-1'"),
        ({"resolution": "exchange", "exchange_sku": "MUG-1"}, "exchange_variant_id", SAME_PRODUCT),
        ({"resolution": "exchange", "exchange_sku": "TEE-M"}, "exchange_variant_id", SAME_PRODUCT),
        ({"resolution": "exchange"}, "lines[0].exchange_sku", "names the SKU of its replacement"),
        ({"exchange_sku": "TEE-L"}, "lines[0].exchange_sku", "Only an exchange line"),
        ({"resolution": "swap", "exchange_sku": "TEE-L"}, "lines[0].resolution", ""),
    ],
)
def test_a_bad_replacement_is_a_422_naming_it_and_writes_nothing(
    shop: Shop, delivered_order: Order, call: Call, changes: dict[str, Any], field: str, words: str
) -> None:
    before, reserved = _written(shop), _reserved(shop, "TEE-L")
    refused = call(
        "POST", f"/orders/{delivered_order.number}/returns", json={"lines": [_line(delivered_order, **changes)]}
    )
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    errors = refused.get_json()["errors"]
    assert list(errors) == [field]
    assert words in errors[field]
    assert _written(shop) == before
    assert _reserved(shop, "TEE-L") == reserved


def test_an_exchange_needs_the_permission_a_return_needs(shop: Shop, delivered_order: Order, call: Call) -> None:
    object.__setattr__(shop, "permissions", PermissionTable.for_shop(staff_not=[Permission.RETURN_OPEN]))
    body = {"lines": [_line(delivered_order, resolution="exchange", exchange_sku="TEE-L")]}
    refused = call("POST", f"/orders/{delivered_order.number}/returns", json=body)
    assert (refused.status_code, refused.get_json()["errors"]) == (403, {"permission": "return.open"})
    assert _written(shop)[:2] == (0, 0)


def test_the_openapi_document_describes_exchange_lines() -> None:
    schemas = components()
    line = schemas["ReturnLineRequest"]["properties"]
    assert sorted(line["resolution"]["enum"]) == ["exchange", "refund"]
    assert "SKU of the replacement" in line["exchange_sku"]["anyOf"][0]["description"]
    assert "exchange_sku" in schemas["ReturnLine"]["properties"]
