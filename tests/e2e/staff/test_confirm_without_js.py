"""Cancelling and refunding in Chromium with JavaScript off: the browser asks for the confirmation box,
the plain form posts, and a staff member sees the money actions disabled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from core.services.access import create_staff_user
from core.shop import Shop
from tests import factories
from tests.e2e.conftest import serving

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery"


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def no_js(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_cancel_and_refund_ask_for_the_box_without_javascript(
    app_shop: Shop, live_server: str, no_js: Any, shots: Path
) -> None:
    page = no_js
    factories.make_catalog(app_shop)
    order = factories.place(app_shop, phone=None, sms_consent=False)
    create_staff_user(app_shop, email="lead@example.com", password=PASSWORD, role="manager")
    create_staff_user(app_shop, email="picker@example.com", password=PASSWORD, role="staff")

    _sign_in(page, live_server, "picker@example.com")
    page.goto(f"{live_server}/staff/orders/{order.number}")
    assert page.locator('[data-refused="cancel"] button').is_disabled()
    assert page.locator('[data-refused="refund"] button').is_disabled()
    page.screenshot(path=str(shots / "20-staff-sees-money-actions-disabled.png"), full_page=True)
    page.context.clear_cookies()

    _sign_in(page, live_server, "lead@example.com")
    page.goto(f"{live_server}/staff/orders/{order.number}")
    form = page.locator('form:has(button[data-action="refund"])')
    form.locator("[name=amount]").fill("5.00")
    form.locator("[name=reason]").fill("late parcel")
    form.locator("[name=message]").fill("Sorry it was late: here is $5 back.")
    form.locator('button[data-action="refund"]').click()  # the browser stops it: the box is required
    assert form.locator("[name=confirm]").evaluate("box => !box.validity.valid")
    assert factories.reload(app_shop, order.id).payments[0].refunded_minor == 0
    form.locator("[name=confirm]").check()
    form.locator('button[data-action="refund"]').click()
    page.wait_for_selector("text=Refund issued.")
    assert factories.reload(app_shop, order.id).payments[0].refunded_minor == 500

    cancel = page.locator('form:has(button[data-action="cancel"])')
    cancel.locator("[name=reason]").fill("customer asked")
    cancel.locator("[name=confirm]").check()
    page.screenshot(path=str(shots / "21-manager-confirms-cancel.png"), full_page=True)
    cancel.locator('button[data-action="cancel"]').click()
    page.wait_for_selector("text=Order cancelled")
    assert factories.reload(app_shop, order.id).status == "cancelled"
