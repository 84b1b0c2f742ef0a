"""The card gateway is chosen in one place from configuration: the fake by default, Stripe when asked."""

from __future__ import annotations

import pytest

from core.payments import FakeGateway
from core.stripe_gateway import StripeGateway
from web.app import build_gateway


def test_the_fake_gateway_stays_the_default() -> None:
    assert isinstance(build_gateway({}), FakeGateway)
    assert isinstance(build_gateway({"PAYMENT_GATEWAY": "fake"}), FakeGateway)


def test_stripe_is_built_with_its_key_and_base_address() -> None:
    gateway = build_gateway(
        {"PAYMENT_GATEWAY": "stripe", "STRIPE_API_KEY": "sk_test_x", "STRIPE_API_BASE": "http://127.0.0.1:9"}
    )
    assert isinstance(gateway, StripeGateway)
    assert gateway.name == "stripe"


@pytest.mark.parametrize(
    ("config", "says"),
    [({"PAYMENT_GATEWAY": "stripe"}, "STRIPE_API_KEY"), ({"PAYMENT_GATEWAY": "paypal"}, "fake or stripe")],
)
def test_a_gateway_that_cannot_be_built_is_refused_at_start(config: dict[str, str], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        build_gateway(config)
