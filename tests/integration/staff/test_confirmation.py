"""Destructive staff actions ask for confirmation, and the server holds to it without JavaScript.

The form carries a required "confirm" box (so a browser asks for it with or without htmx); a POST
without it, plain or htmx, is refused with a 422 that names the field, and nothing is written.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.db import Database
from core.domain.commands import ReturnLineInput
from core.models import Event, Order, Return
from core.payments import FakeGateway
from core.services import returns
from core.shop import Shop
from portal.staff.actions import ACTIONS
from tests import factories
from tests.integration.staff.conftest import Act

DESTRUCTIVE = {"cancel", "refund", "reject-return"}


@pytest.fixture
def app_shop(database: Database) -> Shop:
    return Shop(db=database, gateway=FakeGateway())


def _events(shop: Shop) -> int:
    with shop.db.read() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0


def _requested_return(shop: Shop, order: Order) -> int:
    tee = next(line for line in order.lines if line.sku == "TEE-M")
    return returns.request_return(shop, order.id, [ReturnLineInput(tee.id, 1, "damaged")], actor=factories.MANAGER).id


def test_the_destructive_actions_are_the_ones_that_ask() -> None:
    assert {name for name, action in ACTIONS.items() if action.destructive} == DESTRUCTIVE


@pytest.mark.parametrize("htmx", [False, True], ids=["plain form", "htmx"])
@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("cancel", {"reason": "customer asked"}),
        ("refund", {"amount": "5.00", "reason": "late"}),
        ("reject-return", {"reason": "worn"}),
    ],
)
def test_without_the_box_ticked_nothing_happens(
    request: pytest.FixtureRequest, app_shop: Shop, manager_act: Act, action: str, form: dict[str, str], htmx: bool
) -> None:
    order: Order = request.getfixturevalue("delivered_order" if action == "reject-return" else "confirmed_order")
    if action == "reject-return":
        form = form | {"return_id": str(_requested_return(app_shop, order))}
    before = _events(app_shop)
    for confirm in (None, "", "no"):
        sent = form | ({"confirm": confirm} if confirm is not None else {})
        refused = manager_act(order.number, action, sent, htmx=htmx)
        assert refused.status_code == 422
        text = refused.get_data(as_text=True)
        assert 'data-field="confirm"' in text
        assert "Tick the box to confirm" in text
    assert _events(app_shop) == before
    done = manager_act(order.number, action, form | {"confirm": "yes"}, htmx=htmx)
    assert done.status_code == (200 if htmx else 303)
    assert _events(app_shop) > before


def test_the_forms_carry_a_required_box_saying_what_will_happen(
    app_shop: Shop, confirmed_order: Order, manager_client: FlaskClient
) -> None:
    page = manager_client.get(f"/staff/orders/{confirmed_order.number}").get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="confirm" value="yes" id="[^"]+" required> ([^<]+)</label>', page)
    assert f"Yes, cancel order {confirmed_order.number} and refund USD 73.00. This cannot be undone." in boxes
    assert "Yes, refund this amount to the original payment. This cannot be undone." in boxes
    assert 'data-action="cancel">Cancel order and refund USD 73.00</button>' in page


def test_a_held_order_is_cancelled_without_a_refund_and_says_so(
    app_shop: Shop, held_order: Order, staff_client: FlaskClient
) -> None:
    """Only an authorisation to void: staff may cancel it, and the button does not promise a refund."""
    page = staff_client.get(f"/staff/orders/{held_order.number}").get_data(as_text=True)
    assert 'data-action="cancel">Cancel order</button>' in page
    assert f"Yes, cancel order {held_order.number}. This cannot be undone." in page


def test_rejecting_a_return_asks_too(app_shop: Shop, delivered_order: Order, manager_client: FlaskClient) -> None:
    _requested_return(app_shop, delivered_order)
    with app_shop.db.read() as session:
        rma = session.scalar(select(Return.rma).where(Return.order_id == delivered_order.id))
    page = manager_client.get(f"/staff/orders/{delivered_order.number}").get_data(as_text=True)
    assert f"Yes, reject return {rma}. This cannot be undone." in page
