"""The role matrix the staff route tests walk: a small world of orders and returns, one call per staff
POST route, and the refusals the shop's PermissionTable implies (used by test_roles.py)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.domain.commands import ReturnLineInput
from core.domain.payments import given_back_on_cancel
from core.models import Event, Order, OutboxMessage, Refund, Return, WebhookDelivery, WebhookEndpoint
from core.permissions import Permission, cancel_needs
from core.services import fulfilment, ingest, ordering, return_resolution, returns, webhooks
from core.shop import Shop
from portal.staff.actions import ACTIONS
from tests import factories
from tests.integration.staff.conftest import csrf_token
from tests.integration.webhooks import payloads

MANAGER = factories.MANAGER
ROLES = ("anonymous", "staff", "manager")
# POST routes that are not staff's: each proves who is calling in its own way.
OWN_PROOF = {"auth", "customer", "api", "webhooks", "unsubscribe", "twilio_hooks", "subscriptions"}
DASH_CALLBACK = "/dashboard/_dash-update-component"


@dataclass
class Call:
    """One request to one staff route, made against state built for it alone."""

    path: str
    data: dict[str, Any] = field(default_factory=dict)
    needs: tuple[Permission, ...] = ()
    files: bool = False
    json_body: dict[str, Any] | None = None


class World:
    """Builds, per case, the orders the case acts on (a fresh one each time: an allowed call changes it)."""

    def __init__(self, shop: Shop) -> None:
        self.shop, self.serial = shop, 0
        factories.make_catalog(shop, on_hand=10_000)

    def number(self) -> str:
        self.serial += 1
        return f"1ZROLES{self.serial:08d}"

    def confirmed(self) -> Order:
        return factories.reload(self.shop, factories.place(self.shop).id)

    def held(self) -> Order:
        return factories.reload(self.shop, factories.place(self.shop, fraud_score=90).id)

    def shipped(self) -> tuple[Order, int]:
        order = self.confirmed()
        made = fulfilment.ship_order(
            self.shop, order.id, carrier_code="ups", service="Ground", tracking_number=self.number(), actor=MANAGER
        )
        return order, made.id

    def delivered(self) -> Order:
        order, _ = self.shipped()
        factories.deliver(self.shop, f"1ZROLES{self.serial:08d}")
        return factories.reload(self.shop, order.id)

    def requested_return(self, reason: str) -> tuple[Order, Return]:
        order = self.delivered()
        tee = next(line for line in order.lines if line.sku == "TEE-M")
        made = returns.request_return(self.shop, order.id, [ReturnLineInput(tee.id, 1, reason)], actor=MANAGER)
        with self.shop.db.read() as session:
            found = session.get_one(Return, made.id)
            _ = found.lines
        return order, found


def _act(order: Order, action: str, data: dict[str, Any] | None = None) -> Call:
    return Call(f"/staff/orders/{order.number}/{action}", data or {}, (ACTIONS[action].permission,))


def _cancel(order: Order) -> Call:
    return Call(
        f"/staff/orders/{order.number}/cancel",
        {"reason": "customer asked", "confirm": "yes"},
        cancel_needs(given_back_on_cancel(order)),
    )


def _ship(w: World) -> Call:
    order = w.confirmed()
    made = fulfilment.create_shipment(
        w.shop, order.id, carrier_code="ups", service="Ground", tracking_number=w.number(), actor=MANAGER
    )
    return _act(order, "ship", {"shipment_id": made.id})


def _receive(w: World) -> Call:
    order, ret = w.requested_return("too_small")  # approved at once by the default policy
    return _act(order, "receive-return", {"return_id": ret.id, **{f"cond_{i.id}": "resellable" for i in ret.lines}})


def _resolve(w: World) -> Call:
    order, ret = w.requested_return("too_small")
    conditions = {i.id: "resellable" for i in ret.lines}
    return_resolution.receive_return(w.shop, ret.id, conditions=conditions, actor=MANAGER)
    return _act(order, "resolve-return", {"return_id": ret.id})


def _start_return(w: World) -> Call:
    order = w.delivered()
    tee = next(line for line in order.lines if line.sku == "TEE-M")
    return _act(order, "start-return", {f"rqty_{tee.id}": "1", "reason": "too_small"})


def _reprocess(w: World, app: Flask) -> Call:
    _, _ = w.shipped()
    body = json.dumps(
        payloads.easypost_event(f"1ZROLES{w.serial:08d}", "out_for_delivery", event_id=w.number())
    ).encode()
    stored = ingest.store_delivery(w.shop, ingest.Incoming("easypost", w.number(), "tracker.updated", {}, body))
    view = app.view_functions["staff.reprocess_delivery"]
    return Call(f"/staff/webhooks/{stored.id}/process", needs=(view.permission,))


def _bulk(w: World, app: Flask) -> Call:
    order = w.confirmed()
    csv = f"order_number,carrier,tracking_number\n{order.number},ups,{w.number()}\n"
    data = {"file": (io.BytesIO(csv.encode()), "ship.csv")}
    return Call("/staff/bulk-ship", data, (app.view_functions["staff.bulk_ship"].permission,), files=True)


def _endpoint(w: World) -> int:
    return webhooks.add_endpoint(w.shop, url="https://erp.example.com/hook", event_types=["*"], actor=MANAGER)[0].id


def _remove_endpoint(w: World, app: Flask) -> Call:
    view = app.view_functions["webhooks_out.remove_endpoint"]
    return Call(f"/staff/outbound-webhooks/endpoints/{_endpoint(w)}/remove", {"confirm": "1"}, (view.permission,))


def _replay_delivery(w: World, app: Flask) -> Call:
    """A dead delivery of a fresh order's hold to a fresh endpoint."""
    endpoint = _endpoint(w)
    ordering.hold_order(w.shop, w.confirmed().id, actor=MANAGER)
    with w.shop.db.write() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.webhook_id == endpoint)).first()
        assert row is not None
        row.status = "dead"  # as after its last attempt failed
    view = app.view_functions["webhooks_out.replay_delivery"]
    return Call(f"/staff/outbound-webhooks/deliveries/{row.id}/replay", needs=(view.permission,))


def _dash(w: World, app: Flask) -> Call:
    body = {
        "output": "page-content.children",
        "outputs": {"id": "page-content", "property": "children"},
        "inputs": [
            {"id": "url", "property": "pathname", "value": "/dashboard/"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["url.pathname"],
        "state": [],
    }
    # dashboard.view lets a role in; the view leaves money out for a role without money.reports
    return Call(DASH_CALLBACK, needs=(Permission.DASHBOARD_VIEW,), json_body=body)


Builder = Callable[[World, Flask], Call]
CASES: dict[str, tuple[str, Builder]] = {
    "hold": ("staff.act", lambda w, a: _act(w.confirmed(), "hold", {"reason": "manual"})),
    "release": ("staff.act", lambda w, a: _act(w.held(), "release")),
    "cancel (paid: refunds)": ("staff.act", lambda w, a: _cancel(w.confirmed())),
    "cancel (authorised: voids)": ("staff.act", lambda w, a: _cancel(w.held())),
    "refund": (
        "staff.act",
        lambda w, a: _act(w.confirmed(), "refund", {"amount": "5.00", "reason": "late", "confirm": "yes"}),
    ),
    "note": ("staff.act", lambda w, a: _act(w.confirmed(), "note", {"text": "hi", "visibility": "internal"})),
    "create-shipment": (
        "staff.act",
        lambda w, a: _act(w.confirmed(), "create-shipment", {"carrier": "ups", "tracking_number": w.number()}),
    ),
    "ship": ("staff.act", lambda w, a: _ship(w)),
    "carrier-event": (
        "staff.act",
        lambda w, a: (lambda o, s: _act(o, "carrier-event", {"shipment_id": s, "status": "out_for_delivery"}))(
            *w.shipped()
        ),
    ),
    "deliver": ("staff.act", lambda w, a: (lambda o, s: _act(o, "deliver", {"shipment_id": s}))(*w.shipped())),
    "start-return": ("staff.act", lambda w, a: _start_return(w)),
    "approve-return": (
        "staff.act",
        lambda w, a: (lambda o, r: _act(o, "approve-return", {"return_id": r.id}))(*w.requested_return("damaged")),
    ),
    "reject-return": (
        "staff.act",
        lambda w, a: (lambda o, r: _act(o, "reject-return", {"return_id": r.id, "reason": "worn", "confirm": "yes"}))(
            *w.requested_return("damaged")
        ),
    ),
    "receive-return": ("staff.act", lambda w, a: _receive(w)),
    "resolve-return": ("staff.act", lambda w, a: _resolve(w)),
    "bulk ship": ("staff.bulk_ship", _bulk),
    "receive stock": (
        "staff.move_stock",
        lambda w, a: Call(
            "/staff/stock/TEE-M/receive", {"quantity": "2"}, (a.view_functions["staff.move_stock"].permission,)
        ),
    ),
    "process a webhook again": ("staff.reprocess_delivery", _reprocess),
    "retry dead notifications": (
        "notifications_staff.retry_dead_notifications",
        lambda w, a: Call(
            "/staff/notifications/dead/retry",
            {"all": "1"},
            (a.view_functions["notifications_staff.retry_dead_notifications"].permission,),
        ),
    ),
    "dashboard callback": (DASH_CALLBACK, _dash),
    "save the shop's settings": (
        "staff.save_shop_settings",
        lambda w, a: Call(
            "/staff/settings",
            {"shop_name": f"Shop {w.number()}"},
            (a.view_functions["staff.save_shop_settings"].permission,),
        ),
    ),
    "add an outbound webhook endpoint": (
        "webhooks_out.add_endpoint",
        lambda w, a: Call(
            "/staff/outbound-webhooks/endpoints",
            {"url": "https://erp.example.com/hook", "event_type": "order.held"},
            (a.view_functions["webhooks_out.add_endpoint"].permission,),
        ),
    ),
    "remove an outbound webhook endpoint": ("webhooks_out.remove_endpoint", _remove_endpoint),
    "replay an outbound webhook delivery": ("webhooks_out.replay_delivery", _replay_delivery),
}


def _writes(shop: Shop) -> tuple[int, ...]:
    with shop.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Event)) or 0,
            session.scalar(select(func.count()).select_from(Refund)) or 0,
            session.scalar(select(func.count()).where(WebhookDelivery.status == "processed")) or 0,
            session.scalar(select(func.count()).where(WebhookEndpoint.removed_at.is_(None))) or 0,
            session.scalar(select(func.count()).where(OutboxMessage.status == "dead")) or 0,
        )


def _client(app: Flask, shop: Shop, role: str) -> FlaskClient:
    client = app.test_client()
    if role != "anonymous":
        from tests.integration.staff.conftest import sign_in

        sign_in(client, shop, role)
    return client


def _send(client: FlaskClient, role: str, call: Call) -> int:
    if call.json_body is not None:
        headers = {}
        if role != "anonymous":
            assert client.get("/dashboard/").status_code in {200, 403}  # 403: a role without dashboard.view
            cookie = client.get_cookie("shiplog_dash_csrf", path="/dashboard/")
            headers = {"X-CSRFToken": cookie.value} if cookie else {}
        return client.post(call.path, json=call.json_body, headers=headers).status_code
    token = csrf_token(client, "/staff/login" if role == "anonymous" else "/staff/")
    kind = {"content_type": "multipart/form-data"} if call.files else {}
    return client.post(call.path, data={"csrf_token": token, **call.data}, **kind).status_code


def refusals(app: Flask, shop: Shop) -> Iterator[tuple[str, str, bool, bool, int]]:
    """(case, role, refused as expected by the table, refused in fact, status) for every case and role."""
    world, table = World(shop), shop.permissions
    clients = {role: _client(app, shop, role) for role in ROLES}
    for name, (_, build) in CASES.items():
        for role in ROLES:
            call = build(world, app)
            before = _writes(shop)
            status = _send(clients[role], role, call)
            # Anonymous: sent to sign in (a page) or 401 (the dashboard); signed in: 403.
            refused = status in ({302, 401} if role == "anonymous" else {403})
            if refused:
                assert _writes(shop) == before, f"{name} refused for {role} but something was written"
            else:
                assert status in {200, 303}, f"{name} for {role}: {status}"
            expected = role == "anonymous" or not all(table.allows(role, p) for p in call.needs)
            yield name, role, expected, refused, status
