"""The capture path scores every order from the log (history, velocity) on both backends, records the
score with its reasons in ``order.risk_scored``, and holds it over the threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.domain.commands import AddressInput, LineInput
from core.errors import ValidationFailed
from core.models import Order
from core.services import refunds
from core.shop import Shop
from tests import factories
from tests.integration.core import support

CARDS = ["4242424242424242", "5555555555554444", "4000056655665556", "378282246310005", "6011111111111117"]


def _reasons(shop: Shop, order: Order) -> dict[str, int]:
    scored = support.events(shop, order.id, type="order.risk_scored")
    if not scored:
        return {}
    assert len(scored) == 1
    return {r["code"]: r["points"] for r in scored[0].payload["reasons"]}


def test_velocity_by_email_and_card_then_a_throwaway_inbox_holds(shop: Shop, catalog: dict[str, int]) -> None:
    """The same throwaway email and card four times in a day: the fourth scores 40 + 25 + 30 = 95."""
    placed = [factories.place(shop, email="quick@mailinator.com") for _ in range(4)]
    assert [_reasons(shop, o) for o in placed[:3]] == [{"disposable_email": 40}] * 3
    fourth = support.order(shop, placed[3].id)
    assert _reasons(shop, fourth) == {"velocity_email": 25, "velocity_card": 30, "disposable_email": 40}
    assert (fourth.status, fourth.hold_reason, fourth.fraud_score) == ("on_hold", "fraud_score", 95)
    assert fourth.hold_detail == "fraud score 95 > 75"
    assert [support.order(shop, o.id).status for o in placed[:3]] == ["confirmed"] * 3


def test_velocity_counts_only_inside_the_window(shop: Shop, catalog: dict[str, int]) -> None:
    """Three orders two days ago do not make today's a burst."""
    before = utcnow() - timedelta(days=2)
    for index in range(3):
        factories.place(shop, placed_at=before + timedelta(minutes=index))
    assert _reasons(shop, factories.place(shop)) == {}


def test_velocity_by_client_ip_across_emails_and_cards(shop: Shop, catalog: dict[str, int]) -> None:
    ip = "203.0.113.50"
    made = [factories.place(shop, email=f"p{i}@example.com", card=CARDS[i], client_ip=ip) for i in range(5)]
    assert [_reasons(shop, o) for o in made] == [{}, {}, {}, {}, {"velocity_ip": 20}]
    assert support.order(shop, made[4].id).client_ip == ip


def test_value_against_the_customers_history(shop: Shop, catalog: dict[str, int]) -> None:
    """Two $55 orders last week and a $505 one that was cancelled (no history), then $230 today: over 3× the
    $55 average of what counts. Counting the cancelled one, the average would be $205 and nothing would fire."""
    week_ago = utcnow() - timedelta(days=7)
    first = factories.place(shop, lines=[LineInput("TEE-M", 2)], placed_at=week_ago)
    cancelled = factories.place(shop, lines=[LineInput("TEE-M", 20)], placed_at=week_ago + timedelta(hours=1))
    refunds.cancel_order(shop, cancelled.id, reason="test", actor=support.MANAGER)
    second = factories.place(shop, lines=[LineInput("TEE-M", 2)], placed_at=week_ago + timedelta(hours=2))
    assert (_reasons(shop, first), _reasons(shop, second)) == ({}, {})
    big = factories.place(shop, lines=[LineInput("TEE-M", 9)])
    assert _reasons(shop, big) == {"value_above_history": 25}
    assert support.order(shop, big.id).status == "confirmed"


def test_first_orders_large_or_to_a_forwarder_and_countries_that_differ(shop: Shop, catalog: dict[str, int]) -> None:
    forwarder = AddressInput("Ada Lovelace", "1011 Ramona Ave, Suite A", "Corona", "92879", "US", "c/o Shipito")
    abroad = AddressInput("Ada Lovelace", "1 Rue de Rivoli", "Paris", "75001", "FR")
    order = factories.place(
        shop, email="new@example.com", lines=[LineInput("TEE-M", 20)], shipping_address=forwarder,
        billing_address=abroad,
    )  # fmt: skip
    assert _reasons(shop, order) == {"large_first_order": 20, "countries_differ": 20, "forwarder_first_order": 35}
    stored = support.order(shop, order.id)
    assert (stored.fraud_score, stored.status) == (75, "confirmed")  # 75 is not over the threshold of 75


def test_the_callers_score_adds_and_a_bad_ip_is_refused(shop: Shop, catalog: dict[str, int]) -> None:
    held = factories.place(shop, fraud_score=80)
    assert _reasons(shop, held) == {"supplied_score": 80}
    assert support.order(shop, held.id).status == "on_hold"
    before = support.row_counts(shop)
    with pytest.raises(ValidationFailed) as refused:
        factories.place(shop, client_ip="999.1.1.1")
    assert refused.value.field == "client_ip"
    assert support.row_counts(shop) == before
