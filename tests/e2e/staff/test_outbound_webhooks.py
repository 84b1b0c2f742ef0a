"""Outbound webhooks from the staff hub, in Chromium with JavaScript on and off: a manager opens the
page from the menu, adds an endpoint (a local receiver), an order is held, the dispatcher delivers, and
the delivery is listed as sent with the receiver's answer; a replay sends it once more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from core.services import ordering
from core.shop import Shop
from notifications import wiring
from tests import factories
from tests.e2e.staff.conftest import member, problems, sign_in
from tests.integration.notifications.webhook_peer import WebhookPeer

pytestmark = pytest.mark.e2e


@pytest.fixture
def peer() -> Iterator[WebhookPeer]:
    with WebhookPeer() as receiver:
        yield receiver


def _deliver(app: Flask) -> None:
    with app.app_context():
        wiring.build_dispatcher(app).drain()


def test_a_manager_adds_an_endpoint_and_replays_a_delivery(
    app: Flask, app_shop: Shop, live_server: str, staff_page: Any, js: bool, shots: Path, peer: WebhookPeer
) -> None:
    page = staff_page
    factories.make_catalog(app_shop)
    order = factories.place(app_shop, phone=None, sms_consent=False)
    sign_in(page, live_server, member(app_shop, "manager"))

    page.click("nav.staff-nav a:has-text('Outbound webhooks')")
    page.fill("#endpoint-url", peer.url)
    page.fill("#endpoint-description", "Helpdesk")
    page.check("input[name=event_type][value='order.held']")
    page.click("#add-endpoint button[type=submit]")
    expect(page.locator("#webhook-endpoints")).to_contain_text(peer.url)

    ordering.hold_order(app_shop, order.id, reason="manual", actor=factories.STAFF)
    _deliver(app)
    assert len(peer.received) == 1
    page.reload()
    row = page.locator("#delivery-results tbody tr").first
    expect(row.locator(".status")).to_have_text("sent")
    expect(row.locator(".response")).to_have_text("HTTP 200")
    page.screenshot(path=str(shots / f"outbound-webhooks-{'js' if js else 'no-js'}.png"), full_page=True)

    row.locator("button:has-text('Replay')").click()
    expect(page.locator("#delivery-results tbody tr").first.locator(".status")).to_have_text("pending")
    _deliver(app)
    assert len(peer.received) == 2
    assert peer.received[0].body == peer.received[1].body
    assert problems(page) == []
