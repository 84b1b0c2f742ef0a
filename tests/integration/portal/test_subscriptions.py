"""Subscriptions from the tracking and order pages: consent recorded, E.164, clear errors."""

from __future__ import annotations

from sqlalchemy import select

from core.models import Order, Subscription
from core.shop import Shop
from portal.customer.texts import consent_text
from tests.integration.portal.conftest import Web

NUMBER = "1Z999AA10123456784"


def _subscriptions(shop: Shop) -> list[Subscription]:
    with shop.db.read() as session:
        return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def test_email_and_phone_subscribe_with_consent_recorded(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    data = {"email": "Fan@Example.com", "phone": "(415) 555-2671", "scope": "delivery", "consent": "yes"}
    response = web.post(f"/track/{NUMBER}/subscribe", data, htmx=True)
    assert response.status_code == 200
    assert b"+14155552671" in response.data
    rows = _subscriptions(app_shop)
    assert [(r.channel, r.address, r.scope) for r in rows] == [
        ("email", "fan@example.com", "delivery"),
        ("sms", "+14155552671", "delivery"),
    ]
    shown = consent_text(web.app.config["SHOP_NAME"])
    page = web.get(f"/track/{NUMBER}/subscribe").data.decode()
    assert shown in page
    assert all(r.consent_text == shown and r.consent_at is not None for r in rows)
    assert rows[0].consent_source.startswith(f"/track/{NUMBER}/subscribe from ")


def test_order_page_subscription_does_not_store_the_link(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    url = web.order_url(shipped_order.id)
    response = web.post(url + "/subscribe", {"email": "pal@example.com", "scope": "all", "consent": "yes"})
    assert response.status_code == 303
    follow = web.get(response.headers["Location"])
    assert b"pal@example.com" in follow.data
    [row] = _subscriptions(app_shop)
    assert row.scope == "all"
    assert url.split("/")[-1] not in row.consent_source


def test_bad_input_gets_clear_messages_and_writes_nothing(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    cases = [
        ({"email": "nope@", "consent": "yes"}, "email address does not look right"),
        ({"phone": "12", "consent": "yes"}, "phone number"),
        ({"email": "ok@example.com", "phone": "not a phone", "consent": "yes"}, "phone number"),
        ({"consent": "yes"}, "Enter an email address, a mobile number, or both"),
        ({"email": "ok@example.com"}, "tick the box"),
        ({"email": "ok@example.com", "consent": "yes", "scope": "weekly"}, "all updates, or delivery"),
        ({"email": "x" * 5000, "consent": "yes"}, "too long"),
    ]
    for data, message in cases:
        for htmx in (False, True):
            response = web.post(f"/track/{NUMBER}/subscribe", data, htmx=htmx)
            assert response.status_code == 422, data
            assert message in response.data.decode(), data
    assert _subscriptions(app_shop) == []


def test_public_tracking_page_starts_no_session_and_loads_the_form_on_demand(web: Web, shipped_order: Order) -> None:
    public = web.client.get(f"/track/{NUMBER}")
    assert "Set-Cookie" not in public.headers
    assert b"hx-headers" not in public.data
    assert b"csrf_token" not in public.data
    assert f"/track/{NUMBER}/subscribe".encode() in public.data
    form = web.get(f"/track/{NUMBER}/subscribe", htmx=True)
    assert form.status_code == 200
    assert b'name="csrf_token"' in form.data
    assert b"<html" not in form.data
