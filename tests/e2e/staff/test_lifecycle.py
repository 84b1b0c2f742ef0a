"""A full order lifecycle done by hand in the hub, in Chromium:
hold → release → ship → deliver → return → refund."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.models import Refund, Return
from core.services.access import create_staff_user
from core.shop import Shop
from tests import factories
from tests.e2e.conftest import serving

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    yield page
    page.close()


def _submit(page, action: str, fields: dict[str, str] | None = None, scope: str = "#order") -> None:  # type: ignore[no-untyped-def]
    form = page.locator(f'{scope} form:has(button[data-action="{action}"])').first
    for name, value in (fields or {}).items():
        target = form.locator(f'[name="{name}"]')
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator(f'button[data-action="{action}"]').click()


def _status(page, expected: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.locator("#order-status")).to_have_text(expected)


def test_hold_release_ship_deliver_return_refund(app_shop: Shop, live_server: str, browser_page, shots: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    factories.make_catalog(app_shop)
    order = factories.reload(app_shop, factories.place(app_shop, phone=None, sms_consent=False).id)
    create_staff_user(app_shop, email="hub@example.com", password="correct horse battery", role="staff")

    page.goto(f"{live_server}/staff/login")
    page.fill("#email", "hub@example.com")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.fill("#q", order.number)
    page.locator(f"#hub-results a:has-text('{order.number}')").click()
    _status(page, "confirmed")
    page.screenshot(path=str(shots / "01-order.png"), full_page=True)

    _submit(page, "hold", {"reason": "manual", "detail": "customer called to change size"})
    _status(page, "on hold")
    page.screenshot(path=str(shots / "02-held.png"), full_page=True)
    _submit(page, "release")
    _status(page, "confirmed")

    _submit(page, "create-shipment", {"carrier": "ups", "tracking_number": "1ZE2EHUB00001"})
    _status(page, "shipped")
    page.screenshot(path=str(shots / "03-shipped.png"), full_page=True)
    _submit(page, "deliver")
    _status(page, "delivered")

    _submit(page, "start-return", {"rqty_" + str(order.lines[0].id): "1", "reason": "too_small"})
    page.locator('.return .badge:has-text("approved")').wait_for()
    _submit(page, "receive-return")
    page.locator('.return .badge:has-text("received")').wait_for()
    _submit(page, "resolve-return")
    page.locator('.return .badge:has-text("refunded")').wait_for()
    page.screenshot(path=str(shots / "04-refunded.png"), full_page=True)

    timeline = page.locator("#timeline").inner_text()
    assert "Order held for review" in timeline
    assert "Hold released" in timeline
    assert "Refund issued" in timeline
    with app_shop.db.read() as session:
        ret = session.scalar(select(Return).where(Return.order_id == order.id))
        refund = session.scalar(select(Refund).where(Refund.return_id == ret.id)) if ret else None
    assert ret is not None
    assert ret.status == "refunded"
    assert refund is not None
    assert refund.amount_minor == order.lines[0].paid_unit_minor
