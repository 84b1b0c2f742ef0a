"""The money log page: linked from the hub for managers, refused to staff, read from the event log."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.db import Database
from core.models import Order
from core.payments import FakeGateway
from core.shop import Shop
from tests.integration.staff.conftest import Act


@pytest.fixture
def app_shop(database: Database) -> Shop:
    return Shop(db=database, gateway=FakeGateway())


def test_managers_read_who_did_what_to_money(
    confirmed_order: Order, held_order: Order, manager_act: Act, act: Act, manager_client: FlaskClient
) -> None:
    form = {"amount": "12.50", "reason": "parcel late", "message": "Sorry for the wait.", "confirm": "yes"}
    assert manager_act(confirmed_order.number, "refund", form).status_code == 303
    assert act(held_order.number, "cancel", {"reason": "fraud confirmed", "confirm": "yes"}).status_code == 303

    hub = manager_client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/money"' in hub
    page = manager_client.get("/staff/money").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr ")[1:]
    assert len(rows) == 2
    void, refund = rows  # newest first
    for text in (
        "manager@example.com",
        "Refund",
        confirmed_order.number,
        "USD 12.50",
        "parcel late",
        "Sorry for the wait.",
    ):
        assert text in refund
    for text in ("staff@example.com", "Authorisation voided", held_order.number, "USD 73.00", "fraud confirmed"):
        assert text in void
    mine = manager_client.get("/staff/money?who=staff@example.com").get_data(as_text=True)
    assert held_order.number in mine
    assert confirmed_order.number not in mine


def test_staff_and_strangers_are_refused(staff_client: FlaskClient, app: Flask) -> None:
    assert staff_client.get("/staff/money").status_code == 403
    assert 'href="/staff/money"' not in staff_client.get("/staff/").get_data(as_text=True)
    anonymous = app.test_client().get("/staff/money")
    assert anonymous.status_code == 302
    assert "/staff/login" in anonymous.headers["Location"]


@pytest.mark.parametrize("page", ["0", "-3", "²", "abc", "9" * 40])
def test_any_page_number_gets_a_page(manager_client: FlaskClient, page: str) -> None:
    assert manager_client.get("/staff/money", query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("who", ["\x00", "a\x00b", "x" * 5000])
def test_any_who_gets_a_page(manager_client: FlaskClient, who: str) -> None:
    assert manager_client.get("/staff/money", query_string={"who": who}).status_code == 200
