"""The staff actions of /api/v1, on both backends: each is one service call (rows and events after
it), an idempotent retry replays the first answer without a second effect, a key whose role lacks the
permission gets 403 and writes nothing, and refused input is a problem document naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core import replay
from core.models import Event, Order, OutboxMessage, Refund, Return
from core.permissions import Permission, PermissionTable
from core.services.access import create_api_key
from core.shop import Shop
from tests import factories
from tests.integration.api.conftest import Call


@pytest.fixture
def app_shop(shop: Shop) -> Shop:
    """These tests run the app on both backends (``shop`` is parametrised)."""
    return shop


@pytest.fixture
def manager_key(shop: Shop) -> str:
    return create_api_key(shop, name="manager", scope="write", role="manager")[1]


def _count(shop: Shop, model: Any, *where: Any) -> int:
    with shop.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _types(shop: Shop, order_id: int) -> list[str]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event.type).where(Event.order_id == order_id).order_by(Event.id)))


def _status(shop: Shop, order_id: int) -> str:
    with shop.db.read() as session:
        return str(session.scalar(select(Order.status).where(Order.id == order_id)))


def _replays(shop: Shop) -> None:
    with shop.db.read() as session:
        assert replay.differences(session) == []


def _deny_staff(shop: Shop, permission: Permission) -> None:
    """The shop's table without ``permission`` for the staff role (as STAFF_DENIED_PERMISSIONS makes it)."""
    object.__setattr__(shop, "permissions", PermissionTable.for_shop(staff_not=[permission]))


def _once(call: Call, path: str, body: dict[str, Any], key: str | None = None) -> Any:
    """Send twice with one Idempotency-Key: the second answer is the first, replayed."""
    headers = {"Idempotency-Key": f"k-{path}"}
    first = call("POST", path, json=body, key=key, headers=headers)
    second = call("POST", path, json=body, key=key, headers=headers)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert (second.status_code, second.get_data()) == (first.status_code, first.get_data())
    return first


def test_hold_then_release(shop: Shop, confirmed_order: Order, call: Call) -> None:
    number = confirmed_order.number
    held = _once(call, f"/orders/{number}/hold", {"reason": "manual", "detail": "check the address"})
    assert (held.status_code, held.get_json()["status"]) == (200, "on_hold")
    released = _once(call, f"/orders/{number}/release", {"notify": False})
    assert released.status_code == 200
    assert _types(shop, confirmed_order.id).count("order.held") == 1
    assert _types(shop, confirmed_order.id).count("order.released") == 1
    with shop.db.read() as session:
        actor = session.scalar(select(Event.actor_id).where(Event.type == "order.held"))
    assert actor is not None
    assert actor.startswith("api:slk_")
    _replays(shop)


def test_cancel_needs_a_manager_key_when_money_goes_back(
    shop: Shop, confirmed_order: Order, call: Call, manager_key: str
) -> None:
    path, body = f"/orders/{confirmed_order.number}/cancel", {"reason": "customer asked", "message": "Sorry!"}
    refused = call("POST", path, json=body)  # a staff key: order.cancel, but not money.cancel_with_refund
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert _status(shop, confirmed_order.id) == "confirmed"
    cancelled = _once(call, path, body, key=manager_key)
    assert (cancelled.status_code, cancelled.get_json()["status"]) == (200, "cancelled")
    assert _types(shop, confirmed_order.id).count("order.cancelled") == 1
    with shop.db.read() as session:
        channels = list(session.scalars(select(OutboxMessage.channel).where(OutboxMessage.template == "cancelled")))
    assert sorted(channels) == sorted(set(channels))
    assert "email" in channels
    _replays(shop)


def test_refund_is_a_manager_action(shop: Shop, confirmed_order: Order, call: Call, manager_key: str) -> None:
    path, body = f"/orders/{confirmed_order.number}/refunds", {"amount_minor": 500, "reason": "late parcel"}
    refused = call("POST", path, json=body)
    assert (refused.status_code, refused.get_json()["errors"]) == (403, {"permission": "money.refund"})
    refund = _once(call, path, body, key=manager_key)
    assert refund.status_code == 201
    assert refund.get_json() | {"id": 0, "reference": "", "created_at": ""} == {
        "id": 0, "order_number": confirmed_order.number, "amount_minor": 500, "currency": "USD",
        "reason": "late parcel", "reference": "", "created_at": "",
    }  # fmt: skip
    assert _count(shop, Refund) == 1
    too_much = call("POST", path, json={"amount_minor": 10**9, "reason": "x"}, key=manager_key)
    assert too_much.status_code == 422
    assert too_much.mimetype == "application/problem+json"
    assert _count(shop, Refund) == 1
    _replays(shop)


def _tee(order: Order) -> int:
    return next(line.id for line in order.lines if line.sku == "TEE-M")


# "damaged" is a reason the default return policy sends to review, so the return waits for approval.
def test_a_return_from_request_to_refund(shop: Shop, delivered_order: Order, call: Call) -> None:
    line_id = _tee(delivered_order)
    opened = _once(
        call,
        f"/orders/{delivered_order.number}/returns",
        {"lines": [{"line_id": line_id, "quantity": 1, "reason": "damaged"}]},
    )
    assert (opened.status_code, opened.get_json()["status"]) == (201, "requested")
    rma, return_line = opened.get_json()["rma"], opened.get_json()["lines"][0]["id"]
    assert _once(call, f"/returns/{rma}/approve", {}).get_json()["status"] == "approved"
    received = _once(call, f"/returns/{rma}/receive", {"lines": [{"line_id": return_line, "condition": "damaged"}]})
    assert received.get_json()["lines"][0]["condition"] == "damaged"
    resolved = _once(call, f"/returns/{rma}/resolve", {})
    assert resolved.get_json()["status"] == "refunded"
    types = [t for t in _types(shop, delivered_order.id) if t.startswith("return.")]
    assert types == ["return.requested", "return.approved", "return.received", "return.refunded"]
    assert _count(shop, Return) == 1
    assert _count(shop, Refund) == 1
    _replays(shop)


def test_reject_and_refused_steps(shop: Shop, delivered_order: Order, call: Call) -> None:
    line_id = _tee(delivered_order)
    opened = call(
        "POST",
        f"/orders/{delivered_order.number}/returns",
        json={"lines": [{"line_id": line_id, "quantity": 1, "reason": "damaged"}]},
    )
    rma = opened.get_json()["rma"]
    early = call("POST", f"/returns/{rma}/resolve", json={})  # not received yet: the transition table refuses
    assert early.status_code == 422
    assert early.mimetype == "application/problem+json"
    missing = call("POST", f"/returns/{rma}/reject", json={})
    assert (missing.status_code, missing.get_json()["errors"]) == (422, {"reason": "This field is required."})
    rejected = _once(call, f"/returns/{rma}/reject", {"reason": "Worn"})
    assert rejected.get_json()["status"] == "rejected"
    assert call("POST", "/returns/RMA-NOPE/approve", json={}).status_code == 404
    assert _types(shop, delivered_order.id).count("return.rejected") == 1
    _replays(shop)


def test_bad_input_is_named_and_writes_nothing(shop: Shop, confirmed_order: Order, call: Call) -> None:
    number = confirmed_order.number
    before = len(_types(shop, confirmed_order.id))
    answers = {
        "unknown reason": call("POST", f"/orders/{number}/hold", json={"reason": "bored"}),
        "unknown field": call("POST", f"/orders/{number}/release", json={"why": 1}),
        "no order": call("POST", "/orders/SL0/hold", json={}),
        "not JSON": call("POST", f"/orders/{number}/release", data="x", content_type="text/plain"),
        "cannot release": call("POST", f"/orders/{number}/release", json={}),  # not on hold
        "duplicate lines": call(
            "POST", f"/orders/{number}/returns",
            json={"lines": [{"line_id": 1, "quantity": 1, "reason": "too_small"}] * 2},
        ),
    }  # fmt: skip
    statuses = {what: answer.status_code for what, answer in answers.items()}
    assert statuses == {
        "unknown reason": 422, "unknown field": 422, "no order": 404, "not JSON": 415, "cannot release": 422,
        "duplicate lines": 422,
    }  # fmt: skip
    assert answers["unknown reason"].get_json()["errors"].keys() == {"reason"}
    assert len(_types(shop, confirmed_order.id)) == before


def test_a_role_without_the_permission_gets_403_before_its_body_is_read(
    shop: Shop, held_order: Order, call: Call
) -> None:
    _deny_staff(shop, Permission.ORDER_RELEASE)
    refused = call("POST", f"/orders/{held_order.number}/release", data="not even JSON", content_type="text/plain")
    assert refused.status_code == 403
    assert refused.get_json()["errors"] == {"permission": "order.release"}
    assert _status(shop, held_order.id) == "on_hold"


def test_a_shipment_through_the_api_meets_the_table_too(shop: Shop, confirmed_order: Order, call: Call) -> None:
    _deny_staff(shop, Permission.SHIPMENT_CREATE)
    body = {"carrier": "ups", "tracking_number": factories.TRACKING}
    assert call("POST", f"/orders/{confirmed_order.number}/shipments", json=body).status_code == 403


def test_the_cli_gives_a_key_its_role(app: Any, shop: Shop, confirmed_order: Order, call: Call) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["api-keys", "create", "--scope", "write", "--role", "manager"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    body = {"amount_minor": 100, "reason": "goodwill"}
    assert call("POST", f"/orders/{confirmed_order.number}/refunds", json=body, key=key).status_code == 201
    refused = runner.invoke(args=["api-keys", "create", "--scope", "write", "--role", "owner"])
    assert refused.exit_code != 0


ROUTES = [
    ("/orders/{number}/hold", Permission.ORDER_HOLD),
    ("/orders/{number}/release", Permission.ORDER_RELEASE),
    ("/orders/{number}/cancel", Permission.ORDER_CANCEL),
    ("/orders/{number}/refunds", Permission.REFUND),
    ("/orders/{number}/returns", Permission.RETURN_OPEN),
    ("/orders/{number}/shipments", Permission.SHIPMENT_CREATE),
    ("/returns/{rma}/approve", Permission.RETURN_REVIEW),
    ("/returns/{rma}/reject", Permission.RETURN_REVIEW),
    ("/returns/{rma}/receive", Permission.RETURN_RECEIVE),
    ("/returns/{rma}/resolve", Permission.RETURN_RESOLVE),
]


def test_every_action_refuses_a_role_without_its_permission(shop: Shop, delivered_order: Order, call: Call) -> None:
    """Each route against the table: the staff role without the route's permission gets 403, writes nothing."""
    opened = call("POST", f"/orders/{delivered_order.number}/returns", json={"lines": [
        {"line_id": _tee(delivered_order), "quantity": 1, "reason": "damaged"}]})  # fmt: skip
    rma, before = opened.get_json()["rma"], _count(shop, Event)
    for route, permission in ROUTES:
        _deny_staff(shop, permission)
        answer = call("POST", route.format(number=delivered_order.number, rma=rma), json={})
        assert (answer.status_code, answer.get_json()["errors"]) == (403, {"permission": permission.value}), route
    assert _count(shop, Event) == before
