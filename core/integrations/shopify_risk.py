"""What a Shopify order tells the risk scorer (``core.risk``): Shopify's own risk, the buyer's IP, the card.

Shopify's order risk comes in three shapes, all read when the order carries them: the GraphQL
``risk`` summary (``recommendation`` and ``assessments[].riskLevel``), the REST Order Risk list
(``risks[]`` with ``score`` from 0 to 1 and ``recommendation``) and a bare ``risk_level``. The most
severe one is the store's risk, on Shiplog's 0-100 scale (the tables below).
"""

from __future__ import annotations

from typing import Any

from core.integrations.common import ip_or_none, text
from core.risk import StoreRisk

# Shopify's words -> Shiplog's 0-100 score (policies as data: the risk_store rule adds it in full).
LEVELS: dict[str, int] = {"high": 85, "medium": 50, "low": 10, "none": 0, "pending": 0}
RECOMMENDATIONS: dict[str, int] = {"cancel": 90, "investigate": 50, "accept": 0, "none": 0}


def _word(value: object) -> str:
    return text(value, 20).lower()


def _recommended(value: object) -> tuple[int, str]:
    word = _word(value)
    return RECOMMENDATIONS.get(word, 0), f"recommends “{word}”" if word else ""


def _level(value: object) -> tuple[int, str]:
    word = _word(value)
    return LEVELS.get(word, 0), f"{word} risk" if word else ""


def _graphql(risk: dict[str, Any]) -> list[tuple[int, str]]:
    found = [_recommended(risk.get("recommendation"))]
    for assessment in risk.get("assessments") or []:
        if isinstance(assessment, dict):
            found.append(_level(assessment.get("riskLevel") or assessment.get("risk_level")))
    return found


def _rest(risks: list[Any]) -> list[tuple[int, str]]:
    found = []
    for item in risks:
        if not isinstance(item, dict) or item.get("display") is False:
            continue  # Shopify leaves risks that are not displayed out of its own verdict
        try:
            share = float(text(item.get("score"), 10))
        except ValueError:
            share = -1.0  # no score, or not a number: the recommendation still counts
        if 0 <= share <= 1:
            found.append((round(share * 100), f"score {share:g}"))
        found.append(_recommended(item.get("recommendation")))
    return found


def store_risk(order: dict[str, Any]) -> StoreRisk | None:
    """Shopify's own risk of the order, or None when the order says nothing about it."""
    found: list[tuple[int, str]] = []
    if isinstance(order.get("risk"), dict):
        found += _graphql(order["risk"])
    if isinstance(order.get("risks"), list):
        found += _rest(order["risks"])
    found.append(_level(order.get("risk_level")))
    found = [(score, label) for score, label in found if label]
    if not found:
        return None
    score, label = max(found)
    return StoreRisk("shopify", score, label)


def browser_ip(order: dict[str, Any]) -> str | None:
    """The buyer's IP address, when it is one."""
    client = order.get("client_details") if isinstance(order.get("client_details"), dict) else {}
    return ip_or_none(order.get("browser_ip") or client.get("browser_ip"))


def card_fingerprint(order: dict[str, Any]) -> str | None:
    """The card as far as the order shows it: its BIN and last four digits (``payment_details``)."""
    details = order.get("payment_details")
    if not isinstance(details, dict):
        return None
    bin_digits = "".join(ch for ch in text(details.get("credit_card_bin"), 8) if ch.isdigit())
    last4 = "".join(ch for ch in text(details.get("credit_card_number"), 40) if ch.isdigit())[-4:]
    return f"shopify:{bin_digits}:{last4}" if bin_digits and len(last4) == 4 else None
