"""Issue 14, staff: the frame every staff page shares, walked from the sign-in page with JavaScript on and off.

- The hub linked neither the mailbox nor the dashboard, and one page had two names ("Dead notifications"
  in the menu, "Undelivered" beside the mailbox): every staff page is now one click from the menu, and
  each link's label is its page's title and heading; the dashboard link only for roles that may open it.
- Staff read UTC while customers read shop time: every moment reads in the shop's zone, named.
- The sign-in and search inputs were the browser's tiny defaults: readable, large targets, visible focus.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from core.events.fact import SYSTEM
from core.permissions import Permission, PermissionTable
from core.services import refunds
from core.services.settings import change_settings
from core.shop import Shop
from tests import factories
from tests.e2e.staff.conftest import member, problems, sign_in

pytestmark = pytest.mark.e2e
STAFF_MENU = [
    "Order hub",
    "Bulk ship",
    "Stock",
    "Undelivered messages",
    "Mailbox",
    "Message previews",
    "Webhook deliveries",
    "Outbound webhooks",
    "Dashboard",
]
WINTER = datetime(2026, 12, 5, 13, 3, tzinfo=UTC)  # 14:03 in Berlin (CET)


def _menu(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("nav.staff-nav a").all_inner_texts()]


def test_every_staff_page_is_in_the_menu_under_one_name(
    app_shop: Shop, live_server: str, staff_page: Any, js: bool, shots: Path
) -> None:
    page = staff_page
    factories.make_catalog(app_shop)
    sign_in(page, live_server, member(app_shop, "staff"))
    assert _menu(page) == STAFF_MENU  # no money log: staff lack money.audit
    page.screenshot(path=str(shots / f"menu-staff-{'js' if js else 'no-js'}.png"))

    for label in STAFF_MENU[:-1]:
        page.locator("nav.staff-nav a", has_text=label).first.click()
        expect(page.locator("h1")).to_have_text(label)
        expect(page).to_have_title(re.compile(rf"^{label} · "))
        expect(page.locator("nav.staff-nav a[aria-current=page]")).to_have_text(label)
    page.locator("nav.staff-nav a", has_text="Dashboard").click()
    page.wait_for_url(f"{live_server}/dashboard/")
    if js:  # Dash draws its page with JavaScript; its way back to the hub is there too
        page.locator("a", has_text="Order hub").first.click()
        expect(page.locator("h1")).to_have_text("Order hub")
    assert "Dead notifications" not in page.content()
    assert problems(page) == []


def test_the_dashboard_link_is_only_for_roles_that_may_open_it(
    app: Flask, app_shop: Shop, live_server: str, staff_page: Any
) -> None:
    page = staff_page
    app_shop.permissions = PermissionTable.for_shop(staff_not={Permission.DASHBOARD_VIEW})
    sign_in(page, live_server, member(app_shop, "staff"))
    assert "Dashboard" not in _menu(page)
    assert page.goto(f"{live_server}/dashboard/").status == 403  # an old bookmark, say
    assert _menu(page) == STAFF_MENU[:-1]  # the refusal keeps the staff frame: no dead end
    page.locator("main a", has_text="Back to the order hub").click()
    expect(page.locator("h1")).to_have_text("Order hub")
    page.context.clear_cookies()

    sign_in(page, live_server, member(app_shop, "manager"))
    assert _menu(page) == [*STAFF_MENU[:-1], "Money log", "Dashboard", "Settings"]
    assert page.goto(f"{live_server}/dashboard/").status == 200


def test_staff_read_the_shops_time_with_its_zone(app: Flask, app_shop: Shop, live_server: str, staff_page: Any) -> None:
    page = staff_page
    change_settings(app_shop, SYSTEM, {"timezone": "Europe/Berlin"})  # a manager's setting
    factories.make_catalog(app_shop)
    order = factories.place(app_shop, phone=None, sms_consent=False, placed_at=WINTER)
    refunds.refund_order(app_shop, order.id, amount_minor=500, reason="late", actor=factories.MANAGER)
    sign_in(page, live_server, member(app_shop, "manager"))

    page.fill("#q", order.number)
    page.click(".hub-search button[type=submit]")
    expect(page.locator("#hub-results tbody tr").first).to_contain_text("5 Dec 2026, 14:03 CET")
    page.locator(f"#hub-results a:has-text('{order.number}')").click()
    placed = page.locator(".staff-facts div:has(dt:text-is('Placed')) time")
    expect(placed).to_have_text("5 Dec 2026, 14:03 CET")
    expect(page.locator("#timeline [data-code='order.placed']")).to_contain_text("5 Dec 2026, 14:03 CET")
    assert placed.get_attribute("title") == "2026-12-05 13:03 UTC"
    expect(page.locator("footer")).to_contain_text("Europe/Berlin")
    page.locator("nav.staff-nav a", has_text="Money log").click()
    expect(page.locator(".money-log tbody tr").first).to_contain_text(re.compile(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d CET"))
    for path in ("/staff/", f"/staff/orders/{order.number}", "/staff/money", "/staff/mailbox", "/staff/webhooks"):
        page.goto(live_server + path)
        assert "UTC" not in page.locator("main").inner_text(), path
    assert problems(page) == []


def _target(page: Any, selector: str) -> dict[str, float]:
    return page.eval_on_selector(
        selector,
        """e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
                  return {height: r.height, width: r.width, font: parseFloat(s.fontSize),
                          outline: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth)}; }""",
    )


def test_sign_in_and_search_inputs_are_readable_targets_with_visible_focus(
    app_shop: Shop, live_server: str, staff_page: Any, js: bool, shots: Path
) -> None:
    page = staff_page
    email = member(app_shop, "staff")
    page.goto(f"{live_server}/staff/login")
    page.keyboard.press("Tab")  # skip link
    for selector in ("#email", "#password"):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") != selector[1:]:
            page.focus(selector)
        box = _target(page, selector)
        assert (box["height"] >= 44, box["width"] >= 240, box["font"] >= 16, box["outline"] >= 2) == (True,) * 4, box
    page.screenshot(path=str(shots / f"sign-in-focus-{'js' if js else 'no-js'}.png"))
    sign_in(page, live_server, email)
    page.focus("#q")
    box = _target(page, "#q")
    assert (box["height"] >= 44, box["width"] >= 400, box["font"] >= 16, box["outline"] >= 2) == (True,) * 4, box
    button = _target(page, ".hub-search button")
    assert min(button["height"], button["width"]) >= 24, button
    page.screenshot(path=str(shots / f"search-focus-{'js' if js else 'no-js'}.png"))
    assert problems(page) == []
