"""A refund or a cancellation: staff's internal reason stays with staff, the customer reads only the message.

Each case is acted end to end (the hub's form, the service, the outbox, the dispatcher into the local
sink), then every place the customer can read is searched for the reason: the email (subject, text,
HTML), the SMS, and the order page's data and timeline. Both backends.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.clock import utcnow
from core.db import Database
from core.events.fact import Actor
from core.models import Event, Order, SinkMessage
from core.payments import FakeGateway
from core.queries.orders import order_view
from core.services import refunds
from core.shop import Shop
from tests.integration.notifications.conftest import deliver
from tests.integration.staff.conftest import Act

INTERNAL = "Suspected reseller, third order this week"  # what staff must never send
MESSAGE = "We are sorry: this item sold out before we could pack it."


@pytest.fixture
def app_shop(database: Database) -> Shop:
    return Shop(db=database, gateway=FakeGateway())


def _cancel(act: Act, order: Order, message: str | None) -> None:
    form = {"reason": INTERNAL, "confirm": "yes"} | ({"message": message} if message else {})
    assert act(order.number, "cancel", form).status_code == 303


def _refund(act: Act, order: Order, message: str | None) -> None:
    form = {"amount": "10.00", "reason": INTERNAL, "confirm": "yes"} | ({"message": message} if message else {})
    assert act(order.number, "refund", form).status_code == 303


CASES: dict[str, tuple[Callable[[Act, Order, str | None], None], str]] = {
    "cancel": (_cancel, "order.cancelled"),
    "refund": (_refund, "refund.issued"),
}


def _sent(shop: Shop) -> list[SinkMessage]:
    with shop.db.read() as session:
        return list(session.scalars(select(SinkMessage).order_by(SinkMessage.id)))


def _customer_page_text(shop: Shop, order_id: int) -> str:
    """Everything the customer's order page is given (not only what its template prints)."""
    with shop.db.read() as session:
        view = order_view(session, order_id, shop.return_policy, utcnow())
    return repr(view)


def _event(shop: Shop, order_id: int, code: str) -> Event:
    with shop.db.read() as session:
        found = session.scalar(select(Event).where(Event.order_id == order_id, Event.type == code))
    assert found is not None
    return found


@pytest.mark.parametrize("message", [MESSAGE, None], ids=["with a message", "without one"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_customer_reads_the_message_and_never_the_reason(
    app: Flask,
    app_shop: Shop,
    confirmed_order: Order,
    manager_act: Act,
    manager_client: FlaskClient,
    case: str,
    message: str | None,
) -> None:
    act, code = CASES[case]
    deliver(app)  # the order confirmation, out of the way
    already = len(_sent(app_shop))
    act(manager_act, confirmed_order, message)
    deliver(app)

    sent = _sent(app_shop)[already:]
    assert {m.channel for m in sent} == {"email", "sms"}
    for copy in sent:
        assert INTERNAL not in f"{copy.subject} {copy.body_text} {copy.body_html}"
    email = next(m for m in sent if m.channel == "email")
    assert (MESSAGE in email.body_text) is (message is not None)
    assert (MESSAGE in (email.body_html or "")) is (message is not None)
    page = _customer_page_text(app_shop, confirmed_order.id)
    assert INTERNAL not in page
    assert (MESSAGE in page) is (message is not None)  # the message is the timeline entry's detail

    event = _event(app_shop, confirmed_order.id, code)
    assert (event.payload["reason"], event.payload["customer_message"]) == (INTERNAL, message)
    staff_page = manager_client.get(f"/staff/orders/{confirmed_order.number}").get_data(as_text=True)
    assert f"Internal reason: {INTERNAL}" in staff_page
    assert (f"Told the customer: {MESSAGE}" in staff_page) is (message is not None)


def test_a_store_cancelling_its_order_does_not_tell_the_customer_its_reason(
    app: Flask, app_shop: Shop, confirmed_order: Order
) -> None:
    """A Shopify cancel_reason ("fraud") used to go to the customer word for word."""
    deliver(app)
    already = len(_sent(app_shop))
    refunds.cancel_order(app_shop, confirmed_order.id, reason="fraud", actor=Actor("integration", "shopify"))
    deliver(app)
    email = next(m for m in _sent(app_shop)[already:] if m.channel == "email")
    assert "was cancelled." in email.body_text
    assert "fraud" not in f"{email.subject} {email.body_text} {email.body_html}"


def test_a_message_too_long_is_refused_and_nothing_happens(
    app_shop: Shop, confirmed_order: Order, manager_act: Act
) -> None:
    form = {"reason": "x", "message": "m" * 501, "confirm": "yes"}
    refused = manager_act(confirmed_order.number, "cancel", form)
    assert refused.status_code == 422
    assert "at most 500 characters" in refused.get_data(as_text=True)
    with app_shop.db.read() as session:
        assert session.get_one(Order, confirmed_order.id).status == "confirmed"
