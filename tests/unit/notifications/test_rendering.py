"""Every notification renders on both channels from a hand-built context, without a database."""

from __future__ import annotations

from typing import Any

import pytest

from core.outbox import NOTIFICATION_CODES
from notifications import gsm
from notifications.rendering import Renderer

RENDERER = Renderer()
ORDER_URL = "https://shop.example.com/orders/eyJvIjoxMjM0NTZ9.awJqyw.Jl8OMC13KSDXUxsA1UNd5mG4sHs"
TRACK_URL = "https://shop.example.com/track/1Z999AA10123456784"
ITEMS = [{"name": "Classic Tee", "variant": "M", "sku": "TEE-M", "quantity": 2}]


def context(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "shop": {
            "name": "Shiplog Demo Store",
            "logo_url": None,
            "primary_color": "#1f4f82",
            "accent_color": "#f2a900",
            "support_email": "support@example.com",
            "support_phone": None,
            "timezone": "UTC",
        },
        "order": {
            "id": 1,
            "number": "SL12345678",
            "first_name": "Ada",
            "status": "shipped",
            "lines": ITEMS,
            "hold_reason": None,
        },
        "event": {"code": "x", "when": "Monday 1 June", "payload": {}},
        "payload": {
            "total_text": "$73.00",
            "amount_text": "$25.00",
            "reason": "changed mind",
            "reason_text": "payment not yet confirmed",
            "refunded_minor": 7300,
            "refunded_text": "$73.00",
            "restocking_fee_minor": 0,
        },
        "order_url": ORDER_URL,
        "shipment": {
            "kind": "outbound",
            "carrier_name": "UPS",
            "service": "Ground",
            "tracking_number": "1Z999AA10123456784",
            "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
            "track_url": TRACK_URL,
            "eta": "Tuesday 2 June",
            "location": "Springfield",
            "contents": ITEMS,
            "still_to_come": [{"name": "Enamel Mug", "variant": "One size", "sku": "MUG-1", "quantity": 1}],
        },
        "exception": {"reason": "customs", "headline": "Held at customs", "next_step": "It moves on once cleared."},
        "hold_action": "Please complete your payment.",
        "return": {
            "rma": "RMA-ABCDEFGH",
            "contents": ITEMS,
            "label_url": "https://shop.example.com/label",
            "tracking_number": None,
            "steps": ("Pack the items securely.", "Tape the label to the outside of the parcel."),
        },
        "recipient": {"channel": "email", "address": "ada@example.com"},
        "unsubscribe_url": "https://shop.example.com/unsubscribe/token",
    }
    return base | extra


CODES = sorted(NOTIFICATION_CODES)  # the order-level messages (the parcel-level ones: test_parcel_rendering)


@pytest.mark.parametrize("code", CODES)
def test_email_carries_links_and_branding(code: str) -> None:
    rendered = RENDERER.render(code, "email", context())
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert "SL12345678" in rendered.subject + rendered.text
    for part in (rendered.text, rendered.html or ""):
        assert ORDER_URL in part
        assert "https://shop.example.com/unsubscribe/token" in part
    assert "Shiplog Demo Store" in rendered.text
    assert "#1f4f82" in (rendered.html or "")


@pytest.mark.parametrize("code", CODES)
def test_sms_fits_one_gsm7_segment_with_link_and_stop_hint(code: str) -> None:
    text = RENDERER.render(code, "sms", context(recipient={"channel": "sms", "address": "+12025550143"})).text
    assert text.endswith(f"{ORDER_URL} STOP to opt out"), text
    assert gsm.is_gsm7(text), text
    assert gsm.length(text) <= 160, (len(text), text)


def test_sms_keeps_the_shop_name_when_it_fits_and_drops_it_only_to_stay_in_one_segment() -> None:
    short = RENDERER.render("delivered", "sms", context()).text
    long_name = context(shop=context()["shop"] | {"name": "The Extraordinarily Long Named Outdoor Goods Company"})
    squeezed = RENDERER.render("delivered", "sms", long_name).text
    assert short.startswith("Shiplog Demo Store: SL12345678 was delivered.")
    assert squeezed.startswith("SL12345678 was delivered.")
    assert gsm.segments(squeezed) == 1


def test_shipped_lists_this_parcel_and_what_is_still_to_come() -> None:
    text = RENDERER.render("shipped", "email", context()).text
    assert "In this parcel:\n  - 2 x Classic Tee (M)" in text
    assert "Still to come in a later parcel:\n  - 1 x Enamel Mug (One size)" in text
    assert f"Track it: {TRACK_URL}" in text  # the shop's own tracking page, not the carrier's
    assert "ups.com" not in text
    assert "Estimated delivery: Tuesday 2 June" in text


def test_html_escapes_what_comes_from_outside() -> None:
    hostile = context(payload=context()["payload"] | {"reason_text": "<script>alert(1)</script>"})
    rendered = RENDERER.render("on_hold", "email", hostile)
    assert "<script>" not in (rendered.html or "")
    assert "&lt;script&gt;" in (rendered.html or "")
    assert "<script>alert(1)</script>" in rendered.text  # plain text is not HTML: no entities there


def test_exception_gives_the_plain_reason_and_the_next_step() -> None:
    text = RENDERER.render("delivery_exception", "email", context()).text
    assert "Held at customs" in text
    assert "What happens next: It moves on once cleared." in text
