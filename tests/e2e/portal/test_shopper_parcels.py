"""Issue 14 §1, the shopper's bugs about parcels, returns by post and emails, each walked from where the
shopper starts (a link in an email the notifier really sent to the mailbox, or the home page), with
JavaScript on and off, at zero console errors.

Screenshots: artifacts/screenshots/portal/, each at desktop size and on a 390×844 phone.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.clock import utcnow
from core.domain.commands import ReturnLineInput
from core.events.fact import SYSTEM
from core.models import Order, Shipment, Variant
from core.services import fulfilment, ordering, return_resolution, returns, tracking
from core.services.settings import change_settings
from tests import factories
from tests.e2e.portal.shopper import HOODIE_L, Shopper, main_text, snap

pytestmark = pytest.mark.e2e
JS = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


def _delivered(shopper: Shopper) -> tuple[Order, str]:
    order = shopper.order()
    number = shopper.number()
    shopper.ship(order, number)
    factories.deliver(shopper.shop, number)
    return factories.reload(shopper.shop, order.id), number


def _track_from_home(tab: Any, shopper: Shopper, number: str) -> None:
    tab.goto(shopper.url + "/")
    tab.fill("#tracking-number", number.lower())
    tab.get_by_role("button", name="Track parcel").click()
    tab.wait_for_selector("#live h1")


def _fact(tab: Any, label: str) -> str:
    """The value of one of the parcel's facts ("Estimated delivery", "Delivered"), or "" if it is not shown."""
    found = tab.locator(f"#live dt:text-is('{label}') + dd")
    return str(found.inner_text()) if found.count() else ""


@JS
def test_the_exchange_parcel_lists_the_new_variant(tab: Any, shopper: Shopper, shots: Path, js: bool) -> None:
    """Was: "1 × Pullover Hoodie M / Black" in the parcel that carried the L (recorded on the old line)."""
    order, _ = _delivered(shopper)
    with shopper.shop.db.read() as session:
        large = session.scalars(select(Variant.id).where(Variant.sku == HOODIE_L)).one()
    item = ReturnLineInput(order.lines[0].id, 1, "too_small", resolution="exchange", exchange_variant_id=large)
    ret = returns.request_return(shopper.shop, order.id, [item], actor=factories.CUSTOMER)
    return_resolution.receive_return(shopper.shop, ret.id, actor=factories.STAFF)
    swap = shopper.number()
    resolved = return_resolution.resolve_return(shopper.shop, ret.id, actor=factories.STAFF, exchange_tracking=swap)
    fulfilment.ship_shipment(shopper.shop, _exchange_parcel(shopper, resolved.order_id), actor=factories.STAFF)
    mail = shopper.mail(order.email, "Your exchange for order")
    assert "1 x Pullover Hoodie (L / Black)" in mail.body_text
    tab.goto(shopper.link(mail, "View your order:"))
    parcel = tab.locator("section.shipment", has_text="Exchange parcel")
    contents = parcel.locator("dt:text-is('Contains') + dd").inner_text()
    assert contents == "1 × Pullover Hoodie L / Black"
    assert "exchange for your Pullover Hoodie M / Black" in main_text(tab)  # its own line on the order
    snap(tab, shots, "30-exchange-parcel", js)
    parcel.get_by_role("link", name=swap).click()
    tab.wait_for_selector("#live h1")
    assert "exchange" in tab.inner_text("#live .eyebrow").lower()
    assert "1 item" in _fact(tab, "In this parcel")


def _exchange_parcel(shopper: Shopper, order_id: int) -> int:
    with shopper.shop.db.read() as session:
        found = session.scalar(select(Shipment.id).where(Shipment.order_id == order_id, Shipment.kind == "exchange"))
    assert found is not None
    return int(found)


@JS
def test_out_for_delivery_means_delivery_today(tab: Any, shopper: Shopper, shots: Path, js: bool) -> None:
    """Was: "Estimated delivery Sunday 6 December" next to "Out for delivery today, Sat 5 Dec"."""
    order = shopper.order()
    number = shopper.number()
    shopper.ship(order, number, eta_days=2)
    tracking.record_scan(shopper.shop, tracking.CarrierScan(number, "out_for_delivery", utcnow(), "Local depot"))
    _track_from_home(tab, shopper, number)
    assert tab.inner_text("#live h1") == "Out for delivery"
    assert _fact(tab, "Estimated delivery").startswith("Today, ")
    assert _fact(tab, "First estimate")  # the carrier's older day, crossed out
    latest = tab.locator("#live .timeline-item").first
    assert latest.locator(".timeline-text").inner_text() == "Out for delivery"
    assert latest.locator(".timeline-meta").inner_text().startswith("Today, ")
    snap(tab, shots, "31-out-for-delivery", js)


@JS
def test_a_delivered_parcel_shows_its_day_says_yesterday_for_yesterday_and_offers_no_updates(
    tab: Any, shopper: Shopper, shots: Path, js: bool
) -> None:
    """Was: events of past days said "today", an estimate stayed next to the delivery, and "Get updates"."""
    order = shopper.order()
    number = shopper.number()
    shopper.ship(order, number)
    yesterday = utcnow() - timedelta(days=1)
    tracking.record_scan(shopper.shop, tracking.CarrierScan(number, "out_for_delivery", yesterday, "Local depot"))
    factories.deliver(shopper.shop, number)
    _track_from_home(tab, shopper, number)
    assert _fact(tab, "Delivered").startswith("Today, ")
    assert not _fact(tab, "Estimated delivery")
    went_out = tab.locator("#live .timeline-item", has_text="Out for delivery")
    assert went_out.locator(".timeline-text").inner_text() == "Out for delivery"  # was: "... today", yesterday
    assert went_out.locator(".timeline-meta").inner_text().startswith("Yesterday, ")
    assert tab.get_by_role("link", name="Get email or text updates").count() == 0
    assert "Get updates" not in main_text(tab)
    snap(tab, shots, "32-delivered", js)


@JS
def test_the_return_label_and_the_email_agree_on_where_it_goes(
    tab: Any, shopper: Shopper, shots: Path, js: bool
) -> None:
    """Was: "Drop it at any post office" with no address, and the RMA "inside" in the email but outside on the page."""
    order, _ = _delivered(shopper)
    returns.request_return(shopper.shop, order.id, [ReturnLineInput(order.lines[0].id, 1, "too_large")],
                           actor=factories.CUSTOMER)  # fmt: skip
    mail = shopper.mail(order.email, "approved: here is your label")
    emailed = re.findall(r"^\s+\d\. (.+)$", mail.body_text, re.M)
    label_url = re.search(rf"{re.escape(shopper.url)}/\S+/label", mail.body_text)
    assert label_url, mail.body_text
    tab.goto(label_url.group(0))
    tab.wait_for_selector("svg.qr")
    label = main_text(tab)
    assert "500 Dock Street, Unit 4" in label
    assert "outside of the parcel" in label
    assert "inside" not in label + mail.body_text
    assert tab.get_by_role("button", name="Print label").is_visible() is js  # never a dead button without JS
    snap(tab, shots, "33-return-label", js)
    tab.get_by_role("link", name=re.compile("Back to return")).click()
    tab.wait_for_selector(".instructions")
    assert [step.inner_text() for step in tab.locator(".instructions li").all()] == emailed  # one source
    address = shopper.app.config["SHOP_RETURN_ADDRESS"]
    change_settings(shopper.shop, SYSTEM, {"return_address": ""})
    try:  # a shop with no return address set
        tab.goto(label_url.group(0))
        tab.wait_for_selector("svg.qr")
        assert "post office" not in main_text(tab)
        assert "email help@shop.example.com" in main_text(tab)
        snap(tab, shots, "34-return-label-no-address", js)
    finally:
        change_settings(shopper.shop, SYSTEM, {"return_address": address})


@JS
def test_the_shipped_email_sends_shoppers_to_our_tracking_page_with_its_estimate(
    tab: Any, shopper: Shopper, shots: Path, js: bool
) -> None:
    """Was: "Track it:" went to the carrier's site and no estimated delivery was given."""
    order = shopper.order()
    number = shopper.number()
    shopper.ship(order, number, eta_days=3)
    mail = shopper.mail(order.email, "has shipped")
    day = re.search(r"Estimated delivery: (\w+day \d+ \w+)", mail.body_text)
    assert day, mail.body_text
    assert "ups.com" not in mail.body_text
    tab.goto(shopper.link(mail, "Track it:"))
    tab.wait_for_selector("#live h1")
    assert tab.url == f"{shopper.url}/track/{number}"
    assert day.group(1) in _fact(tab, "Estimated delivery")  # the same day, in the shop's time zone
    snap(tab, shots, "35-tracking-from-shipped-email", js)
    held = shopper.order()
    ordering.hold_order(shopper.shop, held.id, reason="address_unverified", actor=factories.STAFF)
    asking = shopper.mail(held.email, "Action needed")
    assert "reply to this email" in asking.body_text
    assert asking.headers["Reply-To"] == "help@shop.example.com"
