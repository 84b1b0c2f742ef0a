"""Staff browser fixtures: the app served, a page with JavaScript on or off, and the way staff really
come in (the sign-in page, then the hub: search, queues, links), never a URL typed in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask

from core.services.access import create_staff_user
from core.shop import Shop
from tests.e2e.conftest import serving

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture(params=["js", "no-js"])
def js(request: pytest.FixtureRequest) -> bool:
    """Every staff page test runs twice: htmx enhancing the forms, and the plain forms and links."""
    return request.param == "js"


@contextmanager
def recording_page(browser: Any, js: bool, viewport: dict[str, int]) -> Iterator[Any]:
    """A page that records what went wrong: console errors and failed requests (``problems``)."""
    context = browser.new_context(java_script_enabled=js, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def staff_page(browser: Any, js: bool) -> Iterator[Any]:
    """A desktop page that records what went wrong: console errors and failed requests (``problems``)."""
    with recording_page(browser, js, DESKTOP) as page:
        yield page


def member(shop: Shop, role: str) -> str:
    """A new member with ``role``; returns the email they sign in with."""
    email = f"{role}@example.com"
    create_staff_user(shop, email=email, password=PASSWORD, role=role)
    return email


def sign_in(page: Any, base: str, email: str) -> None:
    """From the sign-in page to the hub, as staff start their day."""
    page.goto(f"{base}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Order hub')")


def open_order(page: Any, number: str) -> None:
    """Hub search → the order's link → the order page (htmx fills the results, or the form submits)."""
    page.fill("#q", number)
    page.click(".hub-search button[type=submit]")
    page.locator(f"#hub-results a:has-text('{number}')").click()
    page.wait_for_selector(f"h1:has-text('Order {number}')")


def submit(page: Any, action: str, fields: dict[str, str] | None = None, *, check: tuple[str, ...] = ()) -> None:
    """Fill and send one action form of the order page (selects chosen, boxes ticked), then wait for
    the page to settle: the htmx swap, or the redirect's new page."""
    form = page.locator(f'form:has(button[data-action="{action}"])').first
    for name, value in (fields or {}).items():
        target = form.locator(f'[name="{name}"]')
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    for name in check:
        form.locator(f'[name="{name}"]').check()
    with page.expect_response(lambda r: f"/{action}" in r.url and r.request.method == "POST"):
        form.locator(f'button[data-action="{action}"]').click()
    page.wait_for_load_state()
    page.wait_for_selector("#order")


def problems(page: Any) -> list[str]:
    """Console errors and failed requests, less the browser's own favicon request (no page links one;
    its console line "Failed to load resource" names no URL, so the response names it)."""
    return [e for e in page.console_errors if "favicon.ico" not in e and not e.startswith("Failed to load resource")]
