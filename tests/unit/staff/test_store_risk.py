"""What a store order (and Stripe) tells the risk scorer: Shopify's own risk in its three shapes, the IP, the card."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.integrations import shopify, woocommerce
from core.integrations.shopify_risk import browser_ip, card_fingerprint, store_risk
from core.risk import StoreRisk
from tests.shared_fixtures import FIXTURES


def _order(**changes: Any) -> dict[str, Any]:
    order = json.loads((FIXTURES / "shopify-order.json").read_text())["order"]
    order.update(changes)
    return order


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, None),  # the published fixture carries no risk
        ({"risk": {"recommendation": "ACCEPT", "assessments": [{"riskLevel": "LOW"}]}}, StoreRisk("shopify", 10, "low risk")),
        ({"risk": {"recommendation": "INVESTIGATE", "assessments": [{"riskLevel": "HIGH"}]}}, StoreRisk("shopify", 85, "high risk")),
        ({"risk": {"recommendation": "CANCEL", "assessments": []}}, StoreRisk("shopify", 90, "recommends “cancel”")),
        ({"risks": [{"score": "0.7", "recommendation": "investigate", "display": True}]}, StoreRisk("shopify", 70, "score 0.7")),
        ({"risks": [{"score": "1.0", "recommendation": "cancel", "display": False}]}, None),  # not displayed: not Shopify's verdict
        ({"risk_level": "medium"}, StoreRisk("shopify", 50, "medium risk")),
        ({"risks": [{"score": "lots"}], "risk_level": "bogus"}, StoreRisk("shopify", 0, "bogus risk")),
    ],
)  # fmt: skip
def test_shopifys_own_risk(changes: dict[str, Any], expected: StoreRisk | None) -> None:
    assert store_risk(_order(**changes)) == expected


def test_the_buyers_ip_and_card_reach_the_command() -> None:
    order = _order(
        browser_ip="2001:db8::1",
        payment_details={"credit_card_bin": "424242", "credit_card_number": "•••• •••• •••• 4242"},
        risk={"recommendation": "CANCEL"},
    )
    cmd = shopify.order_command(order)
    assert (cmd.client_ip, cmd.card_fingerprint) == ("2001:db8::1", "shopify:424242:4242")
    assert cmd.store_risk == StoreRisk("shopify", 90, "recommends “cancel”")
    assert browser_ip(_order(browser_ip="not an ip", client_details={"browser_ip": "x"})) is None
    assert card_fingerprint(_order()) is None  # the fixture has no BIN: no fingerprint from half a card


def test_woocommerce_sends_the_customers_ip() -> None:
    base = {
        "id": 1, "number": "1", "currency": "USD", "line_items": [{"sku": "TEE-M", "quantity": 1}],
        "billing": {"first_name": "A", "last_name": "B", "email": "a@example.com", "address_1": "1 St", "city": "C",
                    "postcode": "1", "country": "US"},
    }  # fmt: skip
    assert woocommerce.order_command({**base, "customer_ip_address": "203.0.113.4"}).client_ip == "203.0.113.4"
    assert woocommerce.order_command({**base, "customer_ip_address": "junk"}).client_ip is None


def test_stripes_card_fingerprint_when_the_charge_comes_expanded() -> None:
    from types import SimpleNamespace

    from core import stripe_gateway

    card = {"last4": "4242", "fingerprint": "Xt5EWLLDS7FJjR1c"}
    expanded = SimpleNamespace(to_dict=lambda: {"latest_charge": {"payment_method_details": {"card": card}}})
    assert stripe_gateway._fingerprint(expanded) == "stripe:Xt5EWLLDS7FJjR1c"
    assert stripe_gateway._fingerprint(SimpleNamespace(to_dict=lambda: {"latest_charge": "ch_1"})) is None
