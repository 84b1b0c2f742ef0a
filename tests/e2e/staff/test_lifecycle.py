"""A full order lifecycle done by hand in the hub, in Chromium:
hold → release → ship → deliver → return → refund."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from core.models import Refund, Return
from core.services.access import create_staff_user
from core.shop import Shop
from tests import factories

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[3]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def shots() -> Path:
    folder = Path(os.environ.get("SHIPLOG_SCREENSHOTS") or ROOT / "artifacts" / "screenshots" / "staff")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        yield page
        browser.close()


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
