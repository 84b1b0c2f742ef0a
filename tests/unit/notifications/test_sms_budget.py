"""Every SMS, in every language shipped, stays within the segment budget (``gsm.within_budget``), rendered
with the longest values a real message carries: links signed as messages sign them (an order id in the
tens of millions) on the README's production domain, each carrier with its longest tracking numbers
(USPS: 22 digits), a seven-figure amount, the longest hold reason and exception in that language, and
a shop name too long to keep (the rendering drops it to stay in budget)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pytest
from flask import Flask

from core.carriers import CARRIERS
from core.domain.subscriptions import CODE_DIGITS
from core.events.catalogue import CUSTOMER_ACTION_HOLDS, EXCEPTION_TEXT, HOLD_REASON_TEXT
from core.outbox import NOTIFICATION_CODES, ORDER, PARCEL, PARCEL_CODES
from notifications import gsm
from notifications.links import AppLinks
from notifications.rendering import Renderer
from web import formats
from web.i18n import catalogue, languages
from web.wording import exception, hold_reason

RENDERER = Renderer()
LANGUAGES = languages()
BASE = "https://track.example.com"  # PUBLIC_BASE_URL as the README sets it for production
LONG_SHOP = "The Extraordinarily Long Named Outdoor Goods Company"
# Each carrier with its longest tracking numbers: USPS IMpb 22 digits, UPS 1Z + 16, FedEx 15, DHL Express 10.
PARCELS = {"usps": "9400111899223197428490", "ups": "1Z999AA10123456784", "fedex": "794612345678901"}
PARCELS |= {"dhl": "1234567890"}
BIG_AMOUNT = 99_999_99  # 99,999.99 in minor units
PICKUP = "Network Distribution Center, Jersey City, NJ"  # a carrier's own location text (the seed's longest)


@lru_cache
def _links(tracking: str) -> dict[str, str]:
    """Links as messages carry them, signed for an order id in the tens of millions (once: they carry the time)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x" * 64, ORDER_LINK_MAX_AGE_DAYS=30, RETURN_LINK_MAX_AGE_DAYS=60)
    with app.app_context():
        links = AppLinks(BASE)
        return {"order": links.order(98_765_432), "track": links.track(tracking)}


def _longest(language: str, texts: list[str]) -> str:
    return max(texts, key=len)


def _order_context(language: str, shop_name: str, carrier: str = "usps") -> dict[str, Any]:
    words = catalogue(language)
    amount = formats.money(BIG_AMOUNT, "USD", language)
    holds = [hold_reason(code, words) for code in HOLD_REASON_TEXT if code in CUSTOMER_ACTION_HOLDS]
    headlines = [exception(reason, words, ("", ""))[0] for reason in EXCEPTION_TEXT]
    return {
        "language": language,
        "shop": {"name": shop_name},
        "order": {"number": "SL12345678", "first_name": "Maximiliane"},
        "order_url": _links(PARCELS[carrier])["order"],
        "payload": {"amount_text": amount, "refunded_text": amount, "refunded_minor": BIG_AMOUNT,
                    "reason_text": _longest(language, holds)},
        "shipment": {"carrier_name": CARRIERS[carrier].name, "tracking_number": PARCELS[carrier], "location": PICKUP,
                     "still_to_come": [{"name": "x"}]},
        "exception": {"headline": _longest(language, headlines)},
        "return": {"rma": "RMA-ABCDEFGH"},
        "recipient": {"channel": "sms", "address": "+12025550143"},
        "unsubscribe_url": None,
    }  # fmt: skip


def _parcel_context(language: str, shop_name: str, confirming: bool, carrier: str) -> dict[str, Any]:
    words = catalogue(language)
    headline = _longest(language, [exception(reason, words, ("", ""))[0] for reason in EXCEPTION_TEXT])
    confirm = {"channel": "sms", "url": None, "code": "9" * CODE_DIGITS, "until": "x"} if confirming else None
    return {
        "language": language,
        "shop": {"name": shop_name},
        "parcel": {"carrier_name": CARRIERS[carrier].name, "tracking_number": PARCELS[carrier],
                   "track_url": _links(PARCELS[carrier])["track"], "exception": {"headline": headline}},
        "confirm": confirm,
        "recipient": {"channel": "sms", "address": "+12025550143"},
        "unsubscribe_url": None,
    }  # fmt: skip


def _check(text: str, language: str, must_end: str) -> None:
    assert gsm.is_gsm7(text), (language, text)  # one accent outside GSM-7 would make it UCS-2: 70 a segment
    assert gsm.within_budget(text), (language, gsm.segments(text), gsm.length(text), text)
    assert text.endswith(must_end), (language, text)


def test_every_language_is_shipped() -> None:
    assert set(LANGUAGES) >= {"en", "es", "de"}


@pytest.mark.parametrize("carrier", sorted(PARCELS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(NOTIFICATION_CODES))
@pytest.mark.parametrize("shop_name", ["Shop", LONG_SHOP])
def test_order_sms_within_budget_in_every_language(language: str, code: str, shop_name: str, carrier: str) -> None:
    text = RENDERER.render(code, "sms", _order_context(language, shop_name, carrier), ORDER).text
    stop = catalogue(language).gettext("STOP to opt out")
    _check(text, language, gsm.to_gsm7(f"{_links(PARCELS[carrier])['order']} {stop}"))


@pytest.mark.parametrize("carrier", sorted(PARCELS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", sorted(PARCEL_CODES))
@pytest.mark.parametrize("shop_name", ["Shop", LONG_SHOP])
def test_parcel_sms_within_budget_in_every_language(language: str, code: str, shop_name: str, carrier: str) -> None:
    confirming = code == "subscription_confirm"
    text = RENDERER.render(code, "sms", _parcel_context(language, shop_name, confirming, carrier), PARCEL).text
    stop = gsm.to_gsm7(catalogue(language).gettext("STOP to opt out"))
    _check(text, language, stop if confirming else f"{_links(PARCELS[carrier])['track']} {stop}")


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_sms_are_written_in_the_language_not_english(language: str) -> None:
    """The budget is checked on the translated text: an SMS left in English would pass it unnoticed."""
    english = RENDERER.render("shipped", "sms", _order_context("en", "Shop"), ORDER).text
    translated = RENDERER.render("shipped", "sms", _order_context(language, "Shop"), ORDER).text
    assert translated != english
    assert "STOP" in translated  # the keyword carriers and the inbound handler know stays as it is


def test_accents_outside_gsm7_are_folded_not_sent_as_ucs2() -> None:
    assert gsm.to_gsm7("Paquete en camino: sábado, „ok“") == 'Paquete en camino: sabado, "ok"'
    assert gsm.segments("á" * 70) == 1
    assert gsm.segments("á" * 71) == 2
    assert gsm.within_budget("x" * 160)
    assert not gsm.within_budget("x" * 161)


def test_a_date_in_spanish_or_german_stays_gsm7_after_folding() -> None:
    """Dates reach SMS too (an ETA): the months and days of every shipped language fold into GSM-7."""
    moment = datetime(2026, 8, 15, 12, tzinfo=UTC)  # a Saturday: sábado / Samstag
    for language in LANGUAGES:
        assert gsm.is_gsm7(gsm.to_gsm7(formats.day(moment, language, "Europe/Madrid", year=False))), language
