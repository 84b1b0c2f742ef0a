"""Parcel-level messages (for subscribers) render from a parcel alone: no order in the context at all."""

from __future__ import annotations

from typing import Any

import pytest

from core.outbox import PARCEL, PARCEL_CODES
from notifications import gsm
from notifications.rendering import Renderer
from tests.unit.notifications.test_rendering import context as order_context

RENDERER = Renderer()
TRACK_URL = "https://shop.example.com/track/1Z999AA10123456784"
CONFIRM_URL = "https://shop.example.com/subscriptions/confirm/eyJzIjo5fQ.awJqyw.abc"
UNSUBSCRIBE = "https://shop.example.com/unsubscribe/token"
NEWS = sorted(PARCEL_CODES - {"subscription_confirm"})


def parcel_context(**extra: Any) -> dict[str, Any]:
    """What ``notifications.context.parcel_context`` gives: shop, event, parcel, confirm. No ``order``."""
    base: dict[str, Any] = {
        "shop": order_context()["shop"],
        "event": {"code": "shipment.shipped", "when": "Monday 1 June"},
        "parcel": {
            "kind": "outbound",
            "carrier_name": "UPS",
            "tracking_number": "1Z999AA10123456784",
            "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
            "eta": "Tuesday 2 June",
            "track_url": TRACK_URL,
            "exception": {"headline": "Held at customs", "next_step": "It moves on once cleared."},
        },
        "confirm": None,
        "recipient": {"channel": "email", "address": "fan@example.com"},
        "unsubscribe_url": UNSUBSCRIBE,
    }
    return base | extra


def confirm_context(channel: str, parcel: bool = True) -> dict[str, Any]:
    confirm = {"channel": channel, "url": CONFIRM_URL if channel == "email" else None, "code": "123456"}
    found = parcel_context(confirm=confirm | {"until": "Monday 8 June"})
    return found if parcel else found | {"parcel": None}


@pytest.mark.parametrize("code", NEWS)
def test_parcel_news_email_links_the_tracking_page_and_never_an_order(code: str) -> None:
    rendered = RENDERER.render(code, "email", parcel_context(), PARCEL)
    assert "1Z999AA10123456784" in rendered.subject
    for part in (rendered.text, rendered.html or ""):
        assert TRACK_URL in part
        assert UNSUBSCRIBE in part
        assert "/orders/" not in part
        assert "order" not in part.lower().replace("border", "")  # no order number, link or wording of one


@pytest.mark.parametrize("code", NEWS)
def test_parcel_news_sms_is_one_segment_with_the_tracking_page(code: str) -> None:
    text = RENDERER.render(code, "sms", parcel_context(), PARCEL).text
    assert text.endswith(f"{TRACK_URL} STOP to opt out"), text
    assert text.startswith("Shiplog Demo Store: ")
    assert gsm.segments(text) == 1, text


@pytest.mark.parametrize("code", sorted(PARCEL_CODES))
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_an_order_field_in_a_parcel_template_would_fail_to_render(code: str, channel: str) -> None:
    """The context has no ``order``: a parcel template that reached for one would raise (StrictUndefined)."""
    given = confirm_context(channel) if code == "subscription_confirm" else parcel_context()
    assert "order" not in given
    RENDERER.render(code, channel, given, PARCEL)


def test_the_confirmation_request_asks_for_the_link_or_a_reply() -> None:
    email = RENDERER.render("subscription_confirm", "email", confirm_context("email"), PARCEL)
    sms = RENDERER.render("subscription_confirm", "sms", confirm_context("sms"), PARCEL).text
    assert email.subject == "Confirm updates on parcel 1Z999AA10123456784"
    assert CONFIRM_URL in email.text
    assert CONFIRM_URL in (email.html or "")
    assert "nothing more will be sent" in email.text
    assert sms == (
        "Shiplog Demo Store: Reply YES or 123456 to get texts on parcel 1Z999AA10123456784. "
        "Not you? Ignore this. STOP to opt out"
    )
    no_parcel = RENDERER.render("subscription_confirm", "email", confirm_context("email", parcel=False), PARCEL)
    assert "the parcels of an order" in no_parcel.text


@pytest.mark.parametrize("code", sorted(PARCEL_CODES))
def test_a_parcel_email_stencil_filled_in_is_the_full_rendering(code: str) -> None:
    given = confirm_context("email") if code == "subscription_confirm" else parcel_context()
    shared = {k: v for k, v in given.items() if k not in ("recipient", "unsubscribe_url")}
    stencil = RENDERER.stencil(code, "email", shared, PARCEL)
    assert stencil is not None
    assert stencil.fill(UNSUBSCRIBE) == RENDERER.render(code, "email", given, PARCEL)


def test_codes_without_a_parcel_version_have_no_parcel_message() -> None:
    assert set(RENDERER.codes(PARCEL)) == PARCEL_CODES
    with pytest.raises(Exception, match="refunded"):
        RENDERER.render("refunded", "email", parcel_context(), PARCEL)
