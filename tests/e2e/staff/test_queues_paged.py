"""Issue 14, staff: queues stopped at 50 with no pagination (In transit had 107). From the hub, with
JavaScript on and off: the queue says how many there are, and its page links walk all 107 orders,
each once, newest first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.models import Order
from core.shop import Shop
from tests import factories
from tests.e2e.staff.conftest import member, problems, sign_in

pytestmark = pytest.mark.e2e
IN_TRANSIT = 107


def in_transit(shop: Shop, count: int) -> list[str]:
    """``count`` orders with a parcel on its way; their numbers as the queue lists them (newest first)."""
    factories.make_catalog(shop, on_hand=10 * count)
    for serial in range(count):
        order = factories.place(shop, phone=None, sms_consent=False)
        factories.ship_all(shop, order.id, tracking_number=f"1ZQUEUE{serial:08d}")
    with shop.db.read() as session:
        return list(session.scalars(select(Order.number).order_by(Order.placed_at.desc(), Order.id.desc())))


def _listed(page: Any) -> list[str]:
    return page.locator("#hub-results table.grid tbody tr td:first-child a").all_inner_texts()


def test_a_queue_of_107_is_walked_page_by_page(
    app_shop: Shop, live_server: str, staff_page: Any, js: bool, shots: Path
) -> None:
    page, expected = staff_page, in_transit(app_shop, IN_TRANSIT)
    sign_in(page, live_server, member(app_shop, "staff"))

    page.click("a[data-queue=in_transit]")
    expect(page.locator("a[data-queue=in_transit] .count")).to_have_text(str(IN_TRANSIT))
    expect(page.locator(".list-count")).to_have_text(f"Showing 1–50 of {IN_TRANSIT} orders")
    seen = _listed(page)
    page.screenshot(path=str(shots / f"queue-page-1-{'js' if js else 'no-js'}.png"), full_page=True)
    for first, last in ((51, 100), (101, IN_TRANSIT)):
        page.click(".pager a[rel=next]")
        expect(page.locator(".list-count")).to_have_text(f"Showing {first}–{last} of {IN_TRANSIT} orders")
        seen += _listed(page)
    expect(page.locator(".pager a[aria-current=page]")).to_have_text("3")
    assert page.url.endswith("queue=in_transit&page=3")
    expect(page.locator(".pager a[rel=next]")).to_have_count(0)
    page.screenshot(path=str(shots / f"queue-page-3-{'js' if js else 'no-js'}.png"), full_page=True)

    assert seen == expected  # every order once, in the queue's stable order
    page.click(".pager a[aria-label='Page 1']")
    expect(page.locator(".list-count")).to_have_text(f"Showing 1–50 of {IN_TRANSIT} orders")
    assert problems(page) == []


def test_search_results_are_paged_too(app_shop: Shop, live_server: str, staff_page: Any) -> None:
    page, expected = staff_page, in_transit(app_shop, 60)
    sign_in(page, live_server, member(app_shop, "staff"))
    page.fill("#q", "ada@example.com")
    page.click(".hub-search button[type=submit]")
    expect(page.locator(".list-count")).to_have_text("Showing 1–50 of 60 orders")
    page.click(".pager a[rel=next]")
    expect(page.locator(".list-count")).to_have_text("Showing 51–60 of 60 orders")
    assert _listed(page) == expected[50:]
    expect(page.locator("#q")).to_have_value("ada@example.com")
    assert problems(page) == []
