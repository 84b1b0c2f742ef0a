"""Fraud scored, not supplied: an order through the API and one from a Shopify webhook are scored by
Shiplog's own rules, held over the threshold, and the staff order page says why."""

from __future__ import annotations

import html

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.models import Event, Order
from core.services.access import create_api_key
from core.shop import Shop
from tests.integration.api.conftest import order_body
from tests.integration.staff.conftest import sign_in
from tests.integration.webhooks import payloads
from tests.integration.webhooks.conftest import Post


@pytest.fixture
def staff_client(wh_client: FlaskClient, app_shop: Shop) -> FlaskClient:
    """The webhook app's client, signed in as staff: it also signs webhooks and calls the API."""
    return sign_in(wh_client, app_shop, "staff")


def _scored(shop: Shop, number: str) -> tuple[Order, dict[str, object]]:
    with shop.db.read() as session:
        order = session.scalar(select(Order).where(Order.number == number))
        assert order is not None
        event = session.scalar(select(Event).where(Event.order_id == order.id, Event.type == "order.risk_scored"))
        assert event is not None
        return order, event.payload


def _page(client: FlaskClient, number: str) -> str:
    response = client.get(f"/staff/orders/{number}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_an_api_order_is_scored_held_and_explained(
    staff_client: FlaskClient, app_shop: Shop, store_catalog: dict[str, int]
) -> None:
    """A throwaway inbox (+40), billing abroad (+20) and the caller's own 25 (+25): 85 > 75."""
    key = create_api_key(app_shop, name="checkout", scope="write")[1]
    billing = {**order_body()["shipping_address"], "country": "DE"}
    body = order_body(email="buyer@mailinator.com", billing_address=billing, client_ip="203.0.113.9", fraud_score=25)
    response = staff_client.post("/api/v1/orders", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    number = response.get_json()["number"]

    order, payload = _scored(app_shop, number)
    assert (order.status, order.hold_reason, order.fraud_score) == ("on_hold", "fraud_score", 85)
    assert order.client_ip == "203.0.113.9"
    assert order.card_fingerprint  # from the gateway's authorisation: velocity by card counts it
    assert payload["score"] == 85
    assert [(r["code"], r["points"]) for r in payload["reasons"]] == [  # type: ignore[attr-defined]
        ("supplied_score", 25), ("countries_differ", 20), ("disposable_email", 40)
    ]  # fmt: skip

    page = _page(staff_client, number)
    assert 'id="risk-reasons"' in page
    for text in (
        "+40 Email address at mailinator.com, a throwaway-inbox service",
        "+20 Billing country DE differs from shipping country US",
        "+25 The order came with a fraud score of 25",
        "Fraud risk scored 85 of 100",  # the timeline's event
    ):
        assert text in page


def test_a_shopify_order_with_shopifys_own_high_risk_is_held_and_explained(
    staff_client: FlaskClient, app_shop: Shop, store_catalog: dict[str, int], post: Post
) -> None:
    """Shopify recommends cancelling (90) and it is the buyer's first order over $500 (+20): held."""
    risk = {"recommendation": "CANCEL", "assessments": [{"riskLevel": "HIGH", "facts": []}]}
    body = payloads.shopify_order(risk=risk, browser_ip="198.51.100.7")
    assert post("shopify", body, payloads.shopify_headers("orders/create", "risk-1")).status_code == 200

    order, payload = _scored(app_shop, "1001")
    assert (order.status, order.hold_reason, order.fraud_score) == ("on_hold", "fraud_score", 100)
    assert order.client_ip == "198.51.100.7"
    assert [(r["code"], r["points"]) for r in payload["reasons"]] == [  # type: ignore[attr-defined]
        ("store_risk", 90), ("large_first_order", 20)
    ]  # fmt: skip

    page = _page(staff_client, "1001")
    assert "+90 Shopify's own risk check: recommends “cancel” (90 of 100)" in page
    assert "+20 First order from this customer, and over $500.00" in page
    assert "fraud score 100 > 75" in page  # the hold's detail


def test_a_shopify_order_without_risk_and_a_plain_history_is_not_held(
    app_shop: Shop, store_catalog: dict[str, int], post: Post
) -> None:
    body = payloads.shopify_order(  # one $199 line with Shopify's tax: an order comes to the store's own total
        total_price="210.94", line_items=[{**payloads.shopify_order()["line_items"][0], "quantity": 1}]
    )
    assert post("shopify", body, payloads.shopify_headers("orders/create", "plain-1")).status_code == 200
    with app_shop.db.read() as session:
        order = session.scalar(select(Order).where(Order.number == "1001"))
        assert order is not None
        assert (order.status, order.fraud_score) == ("confirmed", 0)
        assert session.scalar(select(Event.id).where(Event.type == "order.risk_scored")) is None
