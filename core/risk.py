"""An order's fraud risk: rules as data, each adding points with a reason staff read.

``score`` is the one scorer: the capture path (``core.services.ordering``) gathers the signals
(``core.queries.risk``), scores them here and records the score with its reasons in the order's
``order.risk_scored`` event. The order is held when the score is over the hold threshold
(``core.policies.HoldPolicy``, the ``FRAUD_SCORE_THRESHOLD`` setting). Reasons are staff's words
(internal, in English): a customer never reads them. See docs/risk.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from core.money import money_text

DATA = Path(__file__).parent / "data"
MAX_SCORE = 100


def _listed(name: str) -> tuple[str, ...]:
    """The non-comment lines of a data file in ``core/data``."""
    lines = (line.strip() for line in (DATA / name).read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def disposable_domains() -> frozenset[str]:
    return frozenset(domain.lower() for domain in _listed("disposable_email_domains.txt"))


@cache
def forwarder_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in _listed("freight_forwarders.txt"))


@dataclass(frozen=True)
class StoreRisk:
    """The store's own assessment (Shopify's order risk), on Shiplog's 0-100 scale."""

    source: str  # "shopify"
    score: int
    label: str  # what the store said, in words: "high risk", "recommends “cancel”", "score 0.9"


@dataclass(frozen=True)
class Signals:
    """What the scorer reads about one order; ``core.queries.risk`` gathers them from the log."""

    email: str
    total_minor: int
    currency: str
    shipping_country: str
    billing_country: str | None = None
    shipping_text: tuple[str, ...] = ()  # the shipping name and address lines
    earlier_orders: int = 0  # the customer's orders before this one, cancelled ones left out
    average_minor: int | None = None  # their average total, in this order's currency
    recent: Mapping[str, int] = field(default_factory=dict)  # velocity rule code -> earlier orders in its window
    store: StoreRisk | None = None
    supplied: int = 0  # a score the caller sent with the order (0-100)


@dataclass(frozen=True)
class Rule:
    """``check`` names what to look at (``CHECKS``); ``points`` is what the rule adds when it fires
    (for the store's and the caller's own scores: what a score of 100 adds); ``reason`` is staff's
    text, its ``{placeholders}`` filled from what the check found and ``params``."""

    code: str
    check: str
    points: int
    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    text: str


@dataclass(frozen=True)
class Assessment:
    score: int
    reasons: tuple[Reason, ...] = ()

    def payload(self) -> list[dict[str, Any]]:
        return [{"code": r.code, "points": r.points, "text": r.text} for r in self.reasons]


# A first order over this much, by currency (minor units); currencies not listed are not checked.
FIRST_ORDER_LIMITS: dict[str, int] = {"USD": 50_000, "EUR": 50_000, "GBP": 40_000, "CAD": 70_000, "AUD": 75_000}
FIRST_ORDER_LIMITS |= {"JPY": 7_500_000}

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("store_risk", "store", 100, "{source}'s own risk check: {label} ({score} of 100)"),
    Rule("supplied_score", "supplied", 100, "The order came with a fraud score of {score}"),
    Rule("value_above_history", "above_average", 25,
         "Total {total} is over {times}× this customer's average of {average} ({orders} earlier orders)",
         {"times": 3, "min_orders": 2}),
    Rule("large_first_order", "large_first_order", 20, "First order from this customer, and over {limit}",
         {"limits": FIRST_ORDER_LIMITS}),
    Rule("countries_differ", "countries_differ", 20, "Billing country {billing} differs from shipping country {shipping}"),
    Rule("velocity_email", "velocity", 25, "{count} orders from this email address in {hours} hours",
         {"signal": "email", "hours": 24, "orders": 4}),
    Rule("velocity_ip", "velocity", 20, "{count} orders from this IP address in {hours} hours",
         {"signal": "ip", "hours": 24, "orders": 5}),
    Rule("velocity_card", "velocity", 30, "{count} orders paid with this card in {hours} hours",
         {"signal": "card", "hours": 24, "orders": 4}),
    Rule("disposable_email", "disposable_email", 40, "Email address at {domain}, a throwaway-inbox service"),
    Rule("forwarder_first_order", "forwarder_first_order", 35,
         "First order from this customer, shipped to a parcel forwarder (address matches “{match}”)"),
)  # fmt: skip


@dataclass(frozen=True)
class RiskPolicy:
    """The shop's risk rules; the lists default to the files in ``core/data``."""

    rules: tuple[Rule, ...] = DEFAULT_RULES
    disposable_domains: frozenset[str] = field(default_factory=disposable_domains)
    forwarder_patterns: tuple[re.Pattern[str], ...] = field(default_factory=forwarder_patterns)

    def velocity_windows(self) -> dict[str, tuple[str, int]]:
        """Velocity rule code -> (signal, hours): what ``core.queries.risk`` counts."""
        return {r.code: (r.params["signal"], r.params["hours"]) for r in self.rules if r.check == "velocity"}


Found = dict[str, Any] | None  # what a check saw (the reason's placeholders), or None: it did not fire
Check = Callable[[Signals, Rule, RiskPolicy], Found]


def _scaled(rule: Rule, score: int) -> int:
    return rule.points * max(0, min(score, MAX_SCORE)) // MAX_SCORE


def _store(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    store = signals.store
    if store is None or _scaled(rule, store.score) <= 0:
        return None
    return {"source": store.source.capitalize(), "label": store.label, "score": store.score, "points": store.score}


def _supplied(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    return {"score": signals.supplied, "points": signals.supplied} if signals.supplied > 0 else None


def _above_average(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    times, average = rule.params["times"], signals.average_minor
    if signals.earlier_orders < rule.params["min_orders"] or not average:
        return None
    if signals.total_minor <= times * average:
        return None
    money = {
        "total": money_text(signals.total_minor, signals.currency),
        "average": money_text(average, signals.currency),
    }
    return money | {"times": times, "orders": signals.earlier_orders}


def _large_first_order(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    limit = rule.params["limits"].get(signals.currency)
    if signals.earlier_orders or limit is None or signals.total_minor <= limit:
        return None
    return {"limit": money_text(limit, signals.currency)}


def _countries_differ(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    billing, shipping = (signals.billing_country or "").upper(), signals.shipping_country.upper()
    return {"billing": billing, "shipping": shipping} if billing and billing != shipping else None


def _velocity(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    earlier = signals.recent.get(rule.code)
    if earlier is None or earlier + 1 < rule.params["orders"]:
        return None
    return {"count": earlier + 1, "hours": rule.params["hours"]}


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower().rstrip(".")


def _disposable(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    """The domain or any parent of it (``x.mailinator.com``) on the list."""
    labels = email_domain(signals.email).split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    listed = sorted(parents & policy.disposable_domains)
    return {"domain": listed[0]} if listed else None


def _forwarder(signals: Signals, rule: Rule, policy: RiskPolicy) -> Found:
    if signals.earlier_orders:
        return None
    for text in signals.shipping_text:
        for pattern in policy.forwarder_patterns:
            found = pattern.search(text or "")
            if found:
                return {"match": found.group(0)}
    return None


CHECKS: dict[str, Check] = {
    "store": _store,
    "supplied": _supplied,
    "above_average": _above_average,
    "large_first_order": _large_first_order,
    "countries_differ": _countries_differ,
    "velocity": _velocity,
    "disposable_email": _disposable,
    "forwarder_first_order": _forwarder,
}


def _reason(rule: Rule, found: dict[str, Any]) -> Reason:
    # A score passed on (the store's, the caller's) adds its own share of the rule's points.
    points = _scaled(rule, found["points"]) if "points" in found else rule.points
    return Reason(rule.code, points, rule.reason.format_map({**rule.params, **found}))


def score(signals: Signals, policy: RiskPolicy) -> Assessment:
    """Every rule that fires adds its points; the score is their sum, at most 100."""
    reasons = []
    for rule in policy.rules:
        found = CHECKS[rule.check](signals, rule, policy)
        if found is not None:
            reasons.append(_reason(rule, found))
    total = min(MAX_SCORE, sum(reason.points for reason in reasons))
    return Assessment(total, tuple(reason for reason in reasons if reason.points > 0))


def supplied_only(supplied: int, policy: RiskPolicy | None = None) -> Assessment:
    """The score of an order whose only signal is the score it came with (the demo seed's orders)."""
    alone = Signals(email="", total_minor=0, currency="", shipping_country="", supplied=supplied)
    return score(alone, policy or RiskPolicy())
