"""The permission table: defaults, a shop's changes, the one check, and the docs that show it (no database)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.errors import NotPermitted, ValidationFailed
from core.events.fact import CARRIER, CUSTOMER, SYSTEM, Actor
from core.permissions import (
    MANAGERS_ONLY,
    MONEY,
    ROLES,
    WHAT,
    Permission,
    PermissionTable,
    cancel_needs,
    markdown,
    parse_permissions,
)
from web.app import permission_table

DOCS = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
STAFF, MANAGER = Actor("staff", "s@example.com", role="staff"), Actor("staff", "m@example.com", role="manager")
NAMED_MONEY = {"money.refund", "money.cancel_with_refund", "money.restocking_fee_override", "money.store_credit"}


def test_money_actions_return_overrides_and_webhook_endpoints_are_managers_by_default() -> None:
    table = PermissionTable()
    assert {p.value for p in MONEY} >= NAMED_MONEY
    assert MONEY | {Permission.RETURN_OVERRIDE, Permission.SETTINGS_MANAGE, Permission.WEBHOOK_MANAGE} == MANAGERS_ONLY
    assert not [p for p in MANAGERS_ONLY if table.allows("staff", p)]
    assert [p for p in Permission if not table.allows("staff", p)] == [p for p in Permission if p in MANAGERS_ONLY]
    assert all(table.allows("manager", p) for p in Permission)


def test_every_permission_says_what_it_allows() -> None:
    assert set(WHAT) == set(Permission)


def test_the_check_refuses_a_staff_role_without_the_permission() -> None:
    table = PermissionTable()
    with pytest.raises(NotPermitted, match=r"Your role \(staff\) may not do this: issue a refund"):
        table.require(STAFF, Permission.REFUND)
    table.require(MANAGER, Permission.REFUND)
    table.require(STAFF, Permission.ORDER_HOLD)


@pytest.mark.parametrize("role", [None, "owner", ""])
def test_a_staff_actor_without_a_known_role_may_do_nothing(role: str | None) -> None:
    for permission in Permission:
        with pytest.raises(NotPermitted):
            PermissionTable().require(Actor("staff", "x@example.com", role=role), permission)


@pytest.mark.parametrize("actor", [CUSTOMER, CARRIER, SYSTEM, Actor("integration", "shopify")])
def test_other_actors_are_not_staffs_to_limit(actor: Actor) -> None:
    """A store cancelling its own order (a webhook) or a carrier scan is not a staff decision."""
    nothing = PermissionTable({})
    for permission in Permission:
        nothing.require(actor, permission)


def test_cancelling_needs_more_when_it_gives_money_back() -> None:
    assert cancel_needs(0) == (Permission.ORDER_CANCEL,)
    assert cancel_needs(7300) == (Permission.ORDER_CANCEL, Permission.CANCEL_WITH_REFUND)


def test_a_shop_changes_the_staff_role_in_configuration() -> None:
    config = {"STAFF_EXTRA_PERMISSIONS": "money.refund, money.audit", "STAFF_DENIED_PERMISSIONS": "order.hold"}
    table = permission_table(config)
    assert table.allows("staff", Permission.REFUND)
    assert table.allows("staff", Permission.MONEY_AUDIT)
    assert not table.allows("staff", Permission.ORDER_HOLD)
    assert not table.allows("staff", Permission.CANCEL_WITH_REFUND)
    assert all(table.allows("manager", p) for p in Permission)
    assert permission_table({}) == PermissionTable()


def test_an_unknown_permission_in_configuration_is_refused_by_name() -> None:
    with pytest.raises(ValidationFailed, match=r"STAFF_EXTRA_PERMISSIONS: unknown permission.*money\.everything"):
        parse_permissions("money.refund,money.everything", setting="STAFF_EXTRA_PERMISSIONS")


def test_the_docs_show_the_default_table() -> None:
    text = DOCS.read_text()
    shown = re.search(r"<!-- permissions table[^>]*-->\n(.*?)<!-- end of permissions table -->", text, re.S)
    assert shown is not None
    assert shown.group(1) == markdown(PermissionTable())
    header = markdown(PermissionTable()).splitlines()[0]
    assert header.endswith(" | ".join(ROLES) + " |")


def test_an_api_key_acting_with_a_role_meets_the_table() -> None:
    table = PermissionTable()
    table.require(Actor("integration", "api:slk_1", "manager"), Permission.REFUND)
    table.require(Actor("integration", "shopify"), Permission.REFUND)  # a store integration: not staff's to limit
    with pytest.raises(NotPermitted):
        table.require(Actor("integration", "api:slk_1", "staff"), Permission.REFUND)
