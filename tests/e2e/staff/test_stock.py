"""Stock, as staff reach it: from the hub's menu to the stock list, a search by title, one SKU's
levels, stock received against a reference and adjusted with a reason, then the low-stock list.
JavaScript on and off, desktop and a 390x844 phone; any console error or failed request fails it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.domain.commands import LineInput
from core.shop import Shop
from tests import factories
from tests.e2e.staff.conftest import member, problems, recording_page, sign_in

pytestmark = pytest.mark.e2e
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def stock_page(browser: Any, js: bool, size: str) -> Iterator[Any]:
    """A page at ``size`` that records console errors and failed requests (as ``staff_page`` does)."""
    with recording_page(browser, js, SIZES[size]) as page:
        yield page


def _send(page: Any, action: str, fields: dict[str, str]) -> None:
    form = page.locator(f'form:has(button[data-action="{action}"])')
    for name, value in fields.items():
        form.locator(f'[name="{name}"]').fill(value)
    with page.expect_response(lambda r: r.url.endswith(f"/{action}") and r.request.method == "POST"):
        form.locator(f'button[data-action="{action}"]').click()
    page.wait_for_load_state()


def test_stock_is_found_received_adjusted_and_listed_when_low(
    app_shop: Shop, live_server: str, stock_page: Any, js: bool, size: str, shots: Path
) -> None:
    page, tag = stock_page, f"{size}-{'js' if js else 'no-js'}"
    factories.make_catalog(app_shop, on_hand=6, reorder_point=5)
    factories.place(app_shop, lines=[LineInput("MUG-1", 2)])
    sign_in(page, live_server, member(app_shop, "staff"))

    page.locator("nav.staff-nav a:has-text('Stock')").click()
    expect(page.locator("h1")).to_have_text("Stock")
    page.fill("#stock-q", "classic tee")
    page.click(".hub-search button[type=submit]")
    expect(page.locator(".list-count")).to_have_text("Showing 1–3 of 3 SKUs")
    page.locator("#stock-results a:has-text('TEE-L')").click()
    expect(page.locator('[data-level="on_hand"]')).to_have_text("6")

    _send(page, "receive", {"quantity": "12", "reference": "PO-2001"})
    expect(page.locator(".flash")).to_have_text("12 × TEE-L received.")
    expect(page.locator('[data-level="on_hand"]')).to_have_text("18")
    _send(page, "adjust", {"delta": "-3", "reason": "damaged in the warehouse"})
    expect(page.locator('[data-level="available"]')).to_have_text("15")
    expect(page.locator(".stock-moves")).to_contain_text("PO-2001")
    page.screenshot(path=str(shots / f"stock-item-{tag}.png"), full_page=True)

    page.locator("a:has-text('‹ Stock')").click()
    page.locator("a[data-list=low]").click()
    expect(page.locator("#stock-results tr[data-sku]")).to_have_count(1)
    expect(page.locator("#stock-results tr[data-sku=MUG-1]")).to_be_visible()
    page.screenshot(path=str(shots / f"stock-low-{tag}.png"), full_page=True)
    assert problems(page) == []
