"""Issue 14 §1, the shopper's bugs in the return wizard and on the pages around it, each walked from where
shoppers start (the order email's link, the home page), with JavaScript on and off, at zero console errors.

Screenshots: artifacts/screenshots/portal/, each at desktop size and on a 390×844 phone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.clock import utcnow
from core.models import Order
from core.services import tracking
from tests import factories
from tests.e2e.portal.shopper import HOODIE_M, Shopper, Watch, layout_intact, main_text, snap

pytestmark = pytest.mark.e2e
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


def _part_delivered(shopper: Shopper) -> tuple[Order, int]:
    """A hoodie delivered and a mug still on its way: the order page polls itself (it is still moving)."""
    order = shopper.order([(HOODIE_M, 1), ("MUG-1", 1)])
    hoodie, mug = (line.id for line in factories.reload(shopper.shop, order.id).lines)
    first = shopper.number()
    shopper.ship(order, first, {hoodie: 1})
    factories.deliver(shopper.shop, first)
    shopper.ship(order, shopper.number(), {mug: 1})
    return order, hoodie


def _delivered(shopper: Shopper) -> tuple[Order, int]:
    order = shopper.order()
    number = shopper.number()
    shopper.ship(order, number)
    factories.deliver(shopper.shop, number)
    return order, factories.reload(shopper.shop, order.id).lines[0].id


def _from_the_order_email(tab: Any, shopper: Shopper, order: Order) -> None:
    tab.goto(shopper.link(shopper.mail(order.email, "is confirmed"), "View your order:"))
    tab.wait_for_selector("h1#order-title")


def _choose(tab: Any, line: int) -> None:
    tab.get_by_role("link", name="Return or exchange items").click()
    tab.wait_for_selector("text=Step 1 of 3")
    layout_intact(tab)
    tab.select_option(f"#qty-{line}", "1")
    tab.select_option(f"#reason-{line}", "too_large")
    tab.get_by_role("button", name="Review my return").click()
    tab.wait_for_selector("text=Check your return")


@JS
def test_the_return_wizard_goes_from_the_order_page_to_a_booked_return(
    tab: Any, shopper: Shopper, shots: Path, js: bool
) -> None:
    """Was: "Review my return" did nothing with JS on (htmx:targetError #main, layout at full width)."""
    order, hoodie = _part_delivered(shopper)
    _from_the_order_email(tab, shopper, order)
    assert "This page updates itself" in main_text(tab) or not js  # the moving order that broke the wizard
    _choose(tab, hoodie)
    layout_intact(tab)
    assert tab.url.endswith("/returns/review")
    assert "Estimated refund" in main_text(tab)
    snap(tab, shots, "20-wizard-review", js)
    tab.get_by_role("button", name="Change something").click()  # was: a console error (hx-disabled-elt)
    tab.wait_for_selector("text=Step 1 of 3")
    assert tab.input_value(f"#qty-{hoodie}") == "1"  # what was chosen comes back
    tab.get_by_role("button", name="Review my return").click()
    tab.wait_for_selector("text=Check your return")
    tab.get_by_role("button", name="Confirm return").click()
    tab.wait_for_selector("text=Your return is booked")
    layout_intact(tab)
    assert "500 Dock Street" in main_text(tab)  # how to send it back, and where
    snap(tab, shots, "21-wizard-booked", js)


@JS
def test_back_after_confirming_shows_the_booked_return_not_a_live_confirm(
    tab: Any, shopper: Shopper, shots: Path, js: bool
) -> None:
    """Was: Back after "Confirm return" showed the review again with a working Confirm button."""
    order, hoodie = _delivered(shopper)  # not moving: this test is about Back alone
    _from_the_order_email(tab, shopper, order)
    _choose(tab, hoodie)
    tab.get_by_role("button", name="Confirm return").click()
    tab.wait_for_selector("text=Your return is booked")
    rma = tab.locator(".rma").first.inner_text()
    tab.go_back()
    tab.wait_for_selector(f"#live .eyebrow:has-text('{rma}')")
    tab.wait_for_load_state()
    assert tab.get_by_role("button", name="Confirm return").count() == 0
    assert "Approved: please send it back" in main_text(tab)
    layout_intact(tab)
    snap(tab, shots, "22-back-after-confirm", js)
    tab.reload()  # and asked again, it is still the booked return
    tab.wait_for_selector(f"#live .eyebrow:has-text('{rma}')")
    assert tab.get_by_role("button", name="Confirm return").count() == 0


@JS
def test_an_unknown_tracking_number_keeps_what_was_typed_with_help_and_a_404(
    tab: Any, shopper: Shopper, watch: Watch, shots: Path, js: bool
) -> None:
    """Was: a bare "404 Not Found" page, and the number typed was gone."""
    watch.expected.add(404)
    tab.goto(shopper.url + "/")
    tab.fill("#tracking-number", "1ZNOSUCH0042")
    with tab.expect_response(lambda r: "/track/1ZNOSUCH0042" in r.url) as answer:
        tab.get_by_role("button", name="Track parcel").click()
    assert answer.value.status == 404
    tab.wait_for_selector("#tracking-error")
    assert tab.input_value("#tracking-number") == "1ZNOSUCH0042"
    message = tab.inner_text("#tracking-error")
    assert "1ZNOSUCH0042" in message
    assert "order number" in message  # and the other way in: the whole order
    assert tab.locator("#order-number").count() == 1
    assert "Not Found" not in main_text(tab)
    snap(tab, shots, "23-unknown-tracking-number", js)


@JS
def test_the_page_says_it_updates_itself_only_when_it_can(tab: Any, shopper: Shopper, shots: Path, js: bool) -> None:
    """Was: "This page updates itself" without JavaScript, where nothing updates it."""
    order, _ = _part_delivered(shopper)
    moving = factories.reload(shopper.shop, order.id)
    tab.goto(shopper.url + "/")
    tab.fill("#order-number", moving.number)
    tab.fill("#order-contact", moving.email)
    tab.get_by_role("button", name="Find my order").click()
    tab.wait_for_selector("h1#order-title")
    refresh = tab.get_by_role("link", name="Refresh now")
    assert ("This page updates itself" in main_text(tab)) is js
    assert refresh.is_visible()
    if not js:
        assert "Refresh now for the latest status" in main_text(tab)
        refresh.click()  # a real link: the same page again, up to date
        tab.wait_for_selector("h1#order-title")
    snap(tab, shots, "24-order-refresh", js)


def test_no_console_error_on_any_shopper_page(tab: Any, shopper: Shopper, shots: Path) -> None:
    """Every customer page with JavaScript on, polls and partial swaps included: zero console errors
    (``tab`` fails the test on any). Was: a 404 for /favicon.ico on every page, and an hx-disabled-elt
    error from "Change something"."""
    order, hoodie = _part_delivered(shopper)
    moving = factories.reload(shopper.shop, order.id)
    number = shopper.number()
    shopper.ship(shopper.order(), number)
    tab.goto(shopper.url + "/")
    tab.fill("#tracking-number", number)
    tab.get_by_role("button", name="Track parcel").click()
    tab.wait_for_selector("#live")
    tab.get_by_role("link", name="Get email or text updates").click()
    tab.fill("#sub-email", "fan@example.com")
    tab.check("input[name=consent]")
    tab.get_by_role("button", name="Subscribe").click()
    tab.wait_for_selector("text=Until you do, nothing else is sent.")
    tracking.record_scan(shopper.shop, tracking.CarrierScan(number, "out_for_delivery", utcnow(), "Depot"))
    tab.wait_for_selector("text=New update:", timeout=10_000)  # a polled swap with news in it
    _from_the_order_email(tab, shopper, moving)
    tab.wait_for_timeout(2500)  # a poll of the order page
    _choose(tab, hoodie)
    tab.get_by_role("button", name="Change something").click()
    tab.wait_for_selector("text=Step 1 of 3")
    tab.get_by_role("button", name="Review my return").click()
    tab.get_by_role("button", name="Confirm return").click()
    tab.get_by_role("link", name="Print your return label").click()
    tab.wait_for_selector("svg.qr")
    tab.go_back()
    tab.check("#cancel-confirm")
    tab.get_by_role("button", name="Cancel this return").click()
    tab.wait_for_selector("text=is cancelled")
    snap(tab, shots, "25-return-cancelled", True)
