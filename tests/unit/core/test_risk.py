"""The risk scorer: one test per rule, each on a hand-made history (``core.risk.Signals``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.risk import DEFAULT_RULES, RiskPolicy, Rule, Signals, StoreRisk, score, supplied_only

POLICY = RiskPolicy()
# A repeat customer with an ordinary order: nothing fires.
PLAIN = Signals(
    email="ada@example.com",
    total_minor=7_300,
    currency="USD",
    shipping_country="US",
    billing_country="US",
    shipping_text=("Ada Lovelace", "12 Analytical Way", ""),
    earlier_orders=3,
    average_minor=6_000,
    recent={"velocity_email": 0, "velocity_ip": 0, "velocity_card": 0},
)


def reasons(signals: Signals) -> dict[str, tuple[int, str]]:
    return {r.code: (r.points, r.text) for r in score(signals, POLICY).reasons}


def test_an_ordinary_order_scores_nothing() -> None:
    assessment = score(PLAIN, POLICY)
    assert (assessment.score, assessment.reasons) == (0, ())


def test_value_far_above_the_customers_average() -> None:
    """Over 3× the average of their earlier orders: $181 against a $60 average fires, $180 does not."""
    assert reasons(replace(PLAIN, total_minor=18_100))["value_above_history"] == (
        25,
        "Total $181.00 is over 3× this customer's average of $60.00 (3 earlier orders)",
    )
    assert "value_above_history" not in reasons(replace(PLAIN, total_minor=18_000))
    # One earlier order is not yet a history to compare with.
    assert "value_above_history" not in reasons(replace(PLAIN, total_minor=90_000, earlier_orders=1))


def test_a_large_first_order() -> None:
    first = replace(PLAIN, earlier_orders=0, average_minor=None)
    assert reasons(replace(first, total_minor=50_001))["large_first_order"] == (
        20,
        "First order from this customer, and over $500.00",
    )
    assert "large_first_order" not in reasons(replace(first, total_minor=50_000))
    assert "large_first_order" not in reasons(replace(PLAIN, total_minor=50_001))  # not their first


def test_billing_and_shipping_countries_differ() -> None:
    assert reasons(replace(PLAIN, billing_country="de"))["countries_differ"] == (
        20,
        "Billing country DE differs from shipping country US",
    )
    assert "countries_differ" not in reasons(replace(PLAIN, billing_country=None))


@pytest.mark.parametrize(
    ("code", "earlier", "text"),
    [
        ("velocity_email", 3, "4 orders from this email address in 24 hours"),
        ("velocity_ip", 4, "5 orders from this IP address in 24 hours"),
        ("velocity_card", 3, "4 orders paid with this card in 24 hours"),
    ],
)
def test_velocity_by_email_ip_and_card(code: str, earlier: int, text: str) -> None:
    busy = replace(PLAIN, recent={**PLAIN.recent, code: earlier})
    points = next(rule.points for rule in DEFAULT_RULES if rule.code == code)
    assert reasons(busy)[code] == (points, text)
    calmer = replace(PLAIN, recent={**PLAIN.recent, code: earlier - 1})
    assert code not in reasons(calmer)


def test_velocity_counts_only_what_was_looked_up() -> None:
    """No IP sent: no IP count, so the rule cannot fire."""
    assert "velocity_ip" not in reasons(replace(PLAIN, recent={}))


def test_disposable_email_domains_and_their_subdomains() -> None:
    for email, domain in (("x@mailinator.com", "mailinator.com"), ("x@eu.yopmail.com", "yopmail.com")):
        assert reasons(replace(PLAIN, email=email))["disposable_email"] == (
            40,
            f"Email address at {domain}, a throwaway-inbox service",
        )
    assert "disposable_email" not in reasons(replace(PLAIN, email="x@notmailinator.com"))


def test_first_order_to_a_forwarding_address() -> None:
    forwarded = replace(PLAIN, shipping_text=("Ada Lovelace", "4705 NW 103rd Ave", "Suite 123456 c/o MyUS"))
    first = replace(forwarded, earlier_orders=0, average_minor=None)
    assert reasons(first)["forwarder_first_order"] == (
        35,
        "First order from this customer, shipped to a parcel forwarder (address matches “MyUS”)",
    )
    assert "forwarder_first_order" not in reasons(forwarded)  # a customer who has ordered before
    generic = replace(first, shipping_text=("Ada", "Parcel forwarding service", ""))
    assert "forwarder_first_order" in reasons(generic)


def test_the_stores_own_risk_is_used_when_present() -> None:
    shopify = replace(PLAIN, store=StoreRisk("shopify", 85, "high risk"))
    assessment = score(shopify, POLICY)
    assert assessment.score == 85
    assert reasons(shopify)["store_risk"] == (85, "Shopify's own risk check: high risk (85 of 100)")
    assert score(replace(PLAIN, store=StoreRisk("shopify", 0, "low risk")), POLICY).reasons == ()


def test_a_supplied_score_only_adds() -> None:
    assert reasons(replace(PLAIN, supplied=30))["supplied_score"] == (30, "The order came with a fraud score of 30")
    assert supplied_only(80).score == 80
    assert supplied_only(0).reasons == ()


def test_points_add_up_to_at_most_100() -> None:
    bad = replace(PLAIN, email="x@mailinator.com", billing_country="NG", supplied=60, recent={"velocity_card": 9})
    assessment = score(bad, POLICY)
    assert [r.code for r in assessment.reasons] == [
        "supplied_score", "countries_differ", "velocity_card", "disposable_email"
    ]  # fmt: skip
    assert assessment.score == 100


def test_rules_are_data() -> None:
    """A shop changes a rule's points, window or wording without code."""
    stricter = Rule(
        "velocity_email", "velocity", 60, "{count} in {hours}h", {"signal": "email", "hours": 1, "orders": 2}
    )
    policy = RiskPolicy(rules=(stricter,))
    assert policy.velocity_windows() == {"velocity_email": ("email", 1)}
    found = score(replace(PLAIN, recent={"velocity_email": 1}), policy)
    assert (found.score, found.reasons[0].text) == (60, "2 in 1h")
