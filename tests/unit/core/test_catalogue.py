"""The event catalogue: every code a service writes exists, and describing an event never fails."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.scans import SCAN_STATUSES
from core.events.catalogue import (
    EVENT_TYPES,
    EXCEPTION_TEXT,
    HOLD_REASON_TEXT,
    VISIBLE_TO,
    Visibility,
    describe,
    event_type,
)
from core.lifecycle import ExceptionReason

CORE = Path(__file__).resolve().parents[3] / "core"
CONSTRUCTORS = [CORE / "events" / name for name in ("orders.py", "shipments.py", "returns.py")]
CODE = re.compile(
    r"^(order|note|payment|refund|stock|shipment|exchange|return|subscription|settings|product)\.[a-z_]+$"
)


def _written_codes() -> set[str]:
    """Every dotted event-code literal in the typed constructors, plus the codes built from scan statuses."""
    found: set[str] = set()
    for path in CONSTRUCTORS:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
                found.add(node.value)
    return found | {f"shipment.{status}" for status in SCAN_STATUSES}


def test_the_scan_finds_the_codes_the_constructors_make() -> None:
    codes = _written_codes()
    # A sample from each constructor module, so an empty scan cannot pass silently.
    for code in ("order.placed", "order.held", "refund.issued", "shipment.created", "return.exchanged"):
        assert code in codes
    assert "stock.reorder_needed" in codes
    assert "subscription.created" in codes


@pytest.mark.parametrize("code", sorted(_written_codes()))
def test_every_code_a_constructor_makes_is_in_the_catalogue(code: str) -> None:
    assert code in EVENT_TYPES, f"{code} is made by a constructor but missing from core.events.catalogue"


@pytest.mark.parametrize("code", sorted(EVENT_TYPES))
def test_each_type_is_well_formed(code: str) -> None:
    kind = event_type(code)
    assert kind.code == code
    assert CODE.match(code)
    assert kind.aggregate in {"order", "shipment", "return", "stock", "shop", "product"}
    assert kind.visibility in set(Visibility)
    assert kind.text.strip()


@pytest.mark.parametrize("code", sorted(EVENT_TYPES))
@pytest.mark.parametrize(
    "payload",
    [None, {}, {"sku": None, "quantity": [1]}, {"rma": {"x": 1}, "text": 3, "amount_text": "{nested}"}],
)
def test_describe_never_raises_and_never_leaves_placeholders(code: str, payload: dict | None) -> None:
    text = describe(code, payload)
    assert isinstance(text, str)
    assert text
    assert not re.search(r"\{[a-z_]+\}", text.replace("{nested}", ""))


@given(
    code=st.sampled_from(sorted(EVENT_TYPES)) | st.text(max_size=20),
    payload=st.dictionaries(st.text(max_size=12), st.none() | st.integers() | st.text(max_size=20), max_size=6),
)
def test_describe_never_raises_on_any_code_or_payload(code: str, payload: dict) -> None:
    assert isinstance(describe(code, payload), str)


def test_describe_fills_placeholders_from_the_payload() -> None:
    assert describe("refund.issued", {"amount_text": "$12.50"}) == "Refund issued: $12.50"
    assert describe("stock.restocked", {"quantity": 2, "sku": "TEE-M"}) == "2 × TEE-M back in stock"
    assert describe("return.requested", {}) == "Return requested"
    assert describe("shipment.exception", {}) == "Shipment exception"
    assert describe("shipment.exception", {"exception_text": "Held at customs"}) == "Held at customs"
    assert describe("no.such_code", {}) == "No such code"


def test_event_type_refuses_unknown_codes_for_writers() -> None:
    with pytest.raises(KeyError, match=r"add it to core\.events\.catalogue"):
        event_type("order.teleported")


def test_every_exception_reason_has_a_headline_and_next_step() -> None:
    assert set(EXCEPTION_TEXT) == {r.value for r in ExceptionReason}
    assert all(headline and step for headline, step in EXCEPTION_TEXT.values())


def test_every_hold_reason_the_policies_raise_has_staff_text() -> None:
    assert {"po_box", "fraud_score", "customisation", "payment_pending", "manual"} <= set(HOLD_REASON_TEXT)


def test_visibility_ladder() -> None:
    assert VISIBLE_TO["public"] < VISIBLE_TO["customer"] < VISIBLE_TO["staff"]
    assert event_type("note.internal_added").visibility == Visibility.INTERNAL
    assert event_type("note.customer_added").visibility == Visibility.CUSTOMER
    assert event_type("order.held").visibility == Visibility.INTERNAL
