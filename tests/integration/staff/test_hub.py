"""The staff hub with the test client: every route, with and without htmx, auth and CSRF."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.models import Event, Order, Shipment
from core.shop import Shop
from tests import factories
from tests.integration.staff.conftest import Act, csrf_token

PAGES = [
    "/staff/",
    "/staff/?queue=new",
    "/staff/?q=ada",
    "/staff/bulk-ship",
    "/staff/notifications/dead",
    "/staff/webhooks",
]


@pytest.mark.parametrize("path", [*PAGES, "/staff/orders/X1"])
def test_every_page_needs_a_signed_in_user(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_whole_or_as_a_block(staff_client: FlaskClient, catalog: dict[str, int], path: str) -> None:
    page = staff_client.get(path)
    block = staff_client.get(path, headers={"HX-Request": "true"})
    assert page.status_code == block.status_code == 200
    assert "<html" in page.get_data(as_text=True)
    assert "<html" not in block.get_data(as_text=True)


def test_queues_show_held_orders_with_their_reason(
    staff_client: FlaskClient, held_order: Order, confirmed_order: Order
) -> None:
    held = staff_client.get("/staff/?queue=on_hold").get_data(as_text=True)
    new = staff_client.get("/staff/?queue=new", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert held_order.number in held
    assert "fraud score" in held
    assert confirmed_order.number in new
    assert held_order.number not in new


@pytest.mark.parametrize(
    "term", ["grace@example.com", "Grace", "hopper", "{number}", "#{number}", "1Z999AA10123456784"]
)
def test_search_finds_by_number_email_name_and_tracking(
    app_shop: Shop, staff_client: FlaskClient, held_order: Order, term: str
) -> None:
    other = factories.place(app_shop, email="grace@example.com", name="Grace Hopper")
    factories.ship_all(app_shop, other.id)
    body = staff_client.get("/staff/", query_string={"q": term.format(number=other.number)}).get_data(as_text=True)
    assert other.number in body


def test_order_page_shows_internal_events(staff_client: FlaskClient, held_order: Order) -> None:
    body = staff_client.get(f"/staff/orders/{held_order.number}").get_data(as_text=True)
    assert "Order held for review" in body
    assert "order.held" in body
    assert "internal" in body


def test_post_without_csrf_token_is_refused(staff_client: FlaskClient, held_order: Order, app_shop: Shop) -> None:
    response = staff_client.post(f"/staff/orders/{held_order.number}/release", data={})
    assert response.status_code == 400
    assert factories.reload(app_shop, held_order.id).status == "on_hold"


def test_release_plain_redirects_and_htmx_gets_the_block(act: Act, app_shop: Shop, held_order: Order) -> None:
    response = act(held_order.number, "release")
    assert response.status_code == 303
    assert factories.reload(app_shop, held_order.id).status == "confirmed"
    again = act(held_order.number, "hold", {"reason": "manual", "detail": "check address"}, htmx=True)
    text = again.get_data(as_text=True)
    assert again.status_code == 200
    assert 'id="order"' in text
    assert "<html" not in text
    assert "Order put on hold." in text


def test_dont_notify_checkbox_suppresses_the_customer_message(
    manager_act: Act, app_shop: Shop, confirmed_order: Order
) -> None:
    manager_act(confirmed_order.number, "cancel", {"reason": "customer asked", "quiet": "1", "confirm": "yes"})
    with app_shop.db.read() as session:
        event = session.scalar(select(Event).where(Event.type == "order.cancelled"))
    assert event is not None
    assert event.notify is False


def test_invalid_action_input_gets_422_with_the_message(manager_act: Act, confirmed_order: Order) -> None:
    response = manager_act(
        confirmed_order.number, "refund", {"amount": "abc", "reason": "x", "confirm": "yes"}, htmx=True
    )
    assert response.status_code == 422
    assert "is not an amount" in response.get_data(as_text=True)


def test_full_fulfilment_actions(act: Act, app_shop: Shop, confirmed_order: Order) -> None:
    number = confirmed_order.number
    assert (
        act(
            number,
            "create-shipment",
            {"carrier": "ups", "service": "Ground", "tracking_number": "1ZHUB0000001", "ship_now": "1"},
        ).status_code
        == 303
    )
    with app_shop.db.read() as session:
        shipment = session.scalar(select(Shipment).where(Shipment.order_id == confirmed_order.id))
    assert shipment is not None
    assert shipment.status == "in_transit"
    act(
        number,
        "carrier-event",
        {"shipment_id": shipment.id, "status": "exception", "exception_reason": "delay", "location": "Memphis"},
    )
    act(number, "deliver", {"shipment_id": shipment.id})
    act(number, "note", {"text": "Left with neighbour", "visibility": "customer"})
    assert factories.reload(app_shop, confirmed_order.id).status == "delivered"
    with app_shop.db.read() as session:
        types = list(session.scalars(select(Event.type).where(Event.order_id == confirmed_order.id)))
    assert types[-4:] == ["shipment.shipped", "shipment.exception", "shipment.delivered", "note.customer_added"]


def test_bulk_ship_reports_each_row(staff_client: FlaskClient, app_shop: Shop, confirmed_order: Order) -> None:
    csv = f"order_number,carrier,tracking_number\n{confirmed_order.number},ups,1ZBULK000001\nNOPE,ups,1ZBULK000002\n"
    token = csrf_token(staff_client, "/staff/bulk-ship")
    response = staff_client.post(
        "/staff/bulk-ship",
        data={"csrf_token": token, "file": (io.BytesIO(csv.encode()), "ship.csv")},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1</strong> shipped" in text
    assert "No order &#39;NOPE&#39;" in text
    assert factories.reload(app_shop, confirmed_order.id).status == "shipped"


def test_bulk_ship_refuses_a_file_without_the_columns(staff_client: FlaskClient, catalog: dict[str, int]) -> None:
    token = csrf_token(staff_client, "/staff/bulk-ship")
    data = {"csrf_token": token, "file": (io.BytesIO(b"order,tracking\n"), "x.csv")}
    response = staff_client.post("/staff/bulk-ship", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Missing column" in response.get_data(as_text=True)


def test_unknown_order_and_action_are_404(staff_client: FlaskClient, act: Act, confirmed_order: Order) -> None:
    assert staff_client.get("/staff/orders/NOPE").status_code == 404
    assert act(confirmed_order.number, "explode").status_code == 404
