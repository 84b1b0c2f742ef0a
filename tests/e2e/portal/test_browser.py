"""Customer flows in headless Chromium, with JavaScript (htmx) and without it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from core.clock import utcnow
from core.services import tracking
from tests.e2e.portal.conftest import Server

pytestmark = pytest.mark.e2e
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Any:
    callspec = getattr(request.node, "callspec", None)
    js = callspec.params.get("js", True) if callspec else True
    context = browser.new_context(java_script_enabled=js, viewport={"width": 414, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def snap(page: Any, shots: Path, name: str, js: bool) -> None:
    page.screenshot(path=str(shots / f"{name}-{'js' if js else 'nojs'}.png"), full_page=True)


def open_order(page: Any, server: Server, index: int) -> None:
    order = server.orders[index]
    page.goto(server.url + "/")
    page.fill("#order-number", order.number)
    page.fill("#order-contact", order.email)
    page.get_by_role("button", name="Find my order").click()
    page.wait_for_selector("h1#order-title")


@JS
def test_track_by_number(page: Any, server: Server, shots: Path, js: bool) -> None:
    page.goto(server.url + "/")
    snap(page, shots, "01-lookup", js)
    page.fill("#tracking-number", "1ze2e0000000000001 ")
    page.get_by_role("button", name="Track parcel").click()
    page.wait_for_selector("text=Parcel updates")
    assert page.url.endswith("/track/1ZE2E0000000000001")
    assert page.locator("h1").first.inner_text() == "On its way"
    assert "Ada" not in page.content()
    assert "$" not in page.locator("#live").inner_text()
    snap(page, shots, "02-track", js)
    page.get_by_role("link", name="Get email or text updates").click()
    page.fill("#sub-email", "watcher@example.com")
    page.check("input[name=consent]")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_selector("text=watcher@example.com")
    assert "Until you do, nothing else is sent." in page.content()  # double opt-in
    snap(page, shots, "02b-track-subscribed", js)


def test_live_update_notice_appears_and_polling_stops(page: Any, server: Server, shots: Path) -> None:
    page.goto(server.url + "/track/1ZE2E0000000000003")
    assert page.locator("#live[hx-trigger]").count() == 1
    tracking.record_scan(server.shop, tracking.CarrierScan("1ZE2E0000000000003", "delivered", utcnow(), "Dock 4"))
    page.wait_for_selector("text=New update:", timeout=10_000)
    assert page.locator("#live[hx-trigger]").count() == 0
    snap(page, shots, "03-track-live-update", True)


@JS
def test_open_order_by_number_and_email(page: Any, server: Server, shots: Path, js: bool) -> None:
    page.goto(server.url + "/")
    page.fill("#order-number", server.orders[2].number)
    page.fill("#order-contact", "wrong@example.com")
    page.get_by_role("button", name="Find my order").click()
    page.wait_for_selector("text=We could not find an order")
    snap(page, shots, "04-lookup-miss", js)
    open_order(page, server, 2 if js else 4)
    body = page.content()
    assert "Classic Tee" in body
    assert "Delivered" in body
    assert "A•• L••••••" in body
    snap(page, shots, "05-order", js)


@JS
def test_subscribe(page: Any, server: Server, shots: Path, js: bool) -> None:
    open_order(page, server, 7 if js else 9)  # still on its way: a delivered order offers no updates
    page.fill("#sub-phone", "415 555 2671")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_selector("text=tick the box")
    page.check("input[name=consent]")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_selector("text=+14155552671")
    snap(page, shots, "06-subscribed", js)


def _return_flow(page: Any, server: Server, index: int, shots: Path, js: bool, exchange: bool) -> str:
    open_order(page, server, index)
    page.get_by_role("link", name="Return or exchange items").click()
    page.wait_for_selector("text=Step 1 of 3")
    snap(page, shots, f"07-return-choose{'-exchange' if exchange else ''}", js)
    tee = page.locator("select[name^=qty-]").first.get_attribute("name").split("-")[1]
    page.select_option(f"#qty-{tee}", "1")
    page.select_option(f"#reason-{tee}", "too_small")
    if exchange:
        page.check(f"input[name=resolution-{tee}][value=exchange]")
        page.select_option(f"#variant-{tee}", label="L")
    page.get_by_role("button", name="Review my return").click()
    page.wait_for_selector("text=Check your return")
    assert ("Exchange for L" if exchange else "Estimated refund") in page.inner_text("main")
    snap(page, shots, f"08-return-review{'-exchange' if exchange else ''}", js)
    page.get_by_role("button", name="Confirm return").click()
    page.wait_for_selector("text=Your return is booked")
    rma = re.search(r"RMA-[A-Z0-9]{8}", page.inner_text("main")).group(0)  # type: ignore[union-attr]
    snap(page, shots, f"09-return-confirmed{'-exchange' if exchange else ''}", js)
    return rma


@JS
def test_full_return_with_label_and_back_button(page: Any, server: Server, shots: Path, js: bool) -> None:
    rma = _return_flow(page, server, 10 if js else 0, shots, js, exchange=False)
    page.get_by_role("link", name="Print your return label").click()
    page.wait_for_selector("svg.qr")
    snap(page, shots, "10-return-label", js)
    page.go_back()
    page.wait_for_selector(f"text={rma}")
    page.go_back()  # to the review step: it shows the booked return now, never a live "Confirm" again
    page.wait_for_selector(f"h1:has-text('{rma}'), h1:has-text('Approved')")
    assert page.get_by_role("button", name="Confirm return").count() == 0
    assert rma in page.inner_text("main")
    open_order(page, server, 10 if js else 0)
    assert page.locator("a[href*='/returns/RMA-']").count() == 1


@JS
def test_full_exchange_and_cancel(page: Any, server: Server, shots: Path, js: bool) -> None:
    rma = _return_flow(page, server, 2 if js else 4, shots, js, exchange=True)
    assert "Exchange for L" in page.inner_text("main")
    page.check("#cancel-confirm")  # required: the browser asks for it even without JavaScript
    page.get_by_role("button", name="Cancel this return").click()
    page.wait_for_selector(f"text=Return {rma} is cancelled")
    snap(page, shots, "11-return-cancelled", js)
