"""Every staff POST route against every role: who is refused, and a refusal writes nothing.

The routes come from the app's url_map: any POST route outside the blueprints that carry their own
proof (sign-in, customer links, the API key, signatures, unsubscribe tokens) is a staff route, and
this module must know how to call it, so a new one cannot be left out. What each route needs is
read from the code (the hub's ``ACTIONS``, a view's ``.permission``, ``cancel_needs``), and who may
is the shop's ``PermissionTable``: the expected refusals are computed, never typed in.
"""

from __future__ import annotations

import pytest
from flask import Flask

from core.db import Database
from core.payments import FakeGateway
from core.permissions import MONEY, Permission, PermissionTable
from core.shop import Shop
from portal.staff.actions import ACTIONS
from tests.integration.staff.conftest import PASSWORD
from tests.integration.staff.role_matrix import CASES, DASH_CALLBACK, OWN_PROOF, World, _client, refusals


@pytest.fixture
def app_shop(database: Database) -> Shop:
    """These tests run on both backends (the staff hub's other tests use SQLite)."""
    return Shop(db=database, gateway=FakeGateway())


def test_every_staff_post_route_is_in_the_matrix(app: Flask) -> None:
    staff_routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and rule.endpoint.split(".")[0] not in OWN_PROOF
    }
    assert staff_routes == {endpoint for endpoint, _ in CASES.values()}
    acted = {name.split(" (")[0] for name, (endpoint, _) in CASES.items() if endpoint == "staff.act"}
    assert acted == set(ACTIONS), "every order action of the hub is called"
    for endpoint in staff_routes - {"staff.act", DASH_CALLBACK}:
        assert isinstance(app.view_functions[endpoint].permission, Permission), endpoint


def test_routes_times_roles_with_the_default_table(app: Flask, app_shop: Shop) -> None:
    """The default table: anonymous refused everywhere, staff refused the money actions, the shop's settings and
    managing webhook endpoints, managers nowhere."""
    found = list(refusals(app, app_shop))
    wrong = [(name, role, status) for name, role, expected, refused, status in found if expected != refused]
    assert wrong == []
    refused = sorted((name, role) for name, role, _, was, _ in found if was)
    staff_refused = [name for name, role in refused if role == "staff"]
    assert staff_refused == [
        "add an outbound webhook endpoint", "cancel (paid: refunds)", "refund", "remove an outbound webhook endpoint",
        "save the shop's settings",
    ]  # fmt: skip
    assert not [name for name, role in refused if role == "manager"]
    # The figure for the closing note: 24 staff routes (the order actions one by one) x 3 roles.
    assert (len(found), len(refused)) == (72, 29)


def test_a_shop_that_denies_staff_everything_is_refused_on_every_route(app: Flask, app_shop: Shop) -> None:
    """Each route checks what it needs: with nothing granted to staff, nothing stays open, the dashboard included."""
    app_shop.permissions = PermissionTable.for_shop(staff_not=Permission)
    found = list(refusals(app, app_shop))
    assert [(n, r, s) for n, r, expected, refused, s in found if expected != refused] == []
    open_to_staff = [name for name, role, _, refused, _ in found if role == "staff" and not refused]
    assert open_to_staff == []


def test_a_shop_can_give_staff_the_money_actions(app: Flask, app_shop: Shop) -> None:
    app_shop.permissions = PermissionTable.for_shop(staff_also=MONEY | {Permission.WEBHOOK_MANAGE})
    found = list(refusals(app, app_shop))
    assert [(n, r, s) for n, r, expected, refused, s in found if expected != refused] == []
    refused = [(n, r) for n, r, _, was, _ in found if was and r != "anonymous"]
    assert refused == [("save the shop's settings", "staff")]  # not a money action


def test_staff_pages_offer_only_what_the_role_may_do(app_shop: Shop, app: Flask) -> None:
    """The refused money actions are shown disabled (so staff know to ask), never as a form."""
    world = World(app_shop)
    order = world.confirmed()
    staff = _client(app, app_shop, "staff").get(f"/staff/orders/{order.number}").get_data(as_text=True)
    manager = _client(app, app_shop, "manager").get(f"/staff/orders/{order.number}").get_data(as_text=True)
    for action in ("cancel", "refund"):
        assert f'data-action="{action}"' not in staff
        assert f'data-refused="{action}"' in staff
        assert f'data-action="{action}"' in manager
    assert 'data-action="hold"' in staff
    assert "Money log" not in staff
    assert "Money log" in manager
    assert PASSWORD not in staff
