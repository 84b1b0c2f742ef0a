"""The shopper's journeys, each from where shoppers really start, with JavaScript on and off, on a
390x844 phone and on a desktop. Data is made fresh through the services; numbers and links are the
ones the app itself shows or sends."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import utcnow
from core.events.fact import Actor
from core.models import Order, Return, Shipment, Subscription, Variant
from core.services import fulfilment, return_resolution
from tests import factories
from tests.e2e.journeys.conftest import Site
from tests.e2e.journeys.harness import Journey
from tests.e2e.journeys.known import CUSTOMER_SIZES, OLD_VARIANT, UPDATES_ITSELF, WIZARD, variants

pytestmark = pytest.mark.e2e
WAREHOUSE = Actor("staff", "warehouse", role="staff")


def address(who: str, js: bool, size: str) -> str:
    """A mailbox of this variant's own (stored lower-case, as the services keep them)."""
    return f"{who}-{'js' if js else 'nojs'}-{size}@example.com"


def shipped(site: Site, email: str) -> tuple[Order, str]:
    """An order placed and handed to the carrier; the journeys read its tracking number where shoppers do."""
    order = factories.place(site.shop, email=email, phone=None, sms_consent=False)
    number = f"1ZJ{uuid.uuid4().hex[:13].upper()}"
    factories.ship_all(site.shop, order.id, tracking_number=number)
    return factories.reload(site.shop, order.id), number


def delivered(site: Site, email: str) -> Order:
    order, number = shipped(site, email)
    factories.deliver(site.shop, number)
    return factories.reload(site.shop, order.id)


def partly_delivered(site: Site, email: str) -> Order:
    """Two parcels: the tees delivered, the mug still on its way (so the order page keeps polling)."""
    order = factories.place(site.shop, email=email, phone=None, sms_consent=False)
    tees = {line.id: line.quantity for line in order.lines if line.sku.startswith("TEE")}
    for lines in (tees, None):
        number = f"1ZJ{uuid.uuid4().hex[:13].upper()}"
        parcel = fulfilment.create_shipment(
            site.shop, order.id, carrier_code="ups", service="Ground", tracking_number=number, lines=lines,
            eta=utcnow() + timedelta(days=3), actor=WAREHOUSE,
        )  # fmt: skip
        fulfilment.ship_shipment(site.shop, parcel.id, actor=WAREHOUSE)
        if lines:
            factories.deliver(site.shop, number)
    return factories.reload(site.shop, order.id)


def main_text(journey: Journey) -> str:
    return str(journey.page.inner_text("main"))


@pytest.mark.parametrize(("js", "size"), variants(CUSTOMER_SIZES, nojs=UPDATES_ITSELF))
def test_home_track_subscribe(site: Site, walk: Callable[[str], Journey], js: bool, size: str) -> None:
    email = address("track", js, size)
    shipped(site, email)
    number = re.search(r"Tracking number: (\S+)", site.message(email, "has shipped").body_text).group(1)  # type: ignore[union-attr]
    journey = walk("track")
    page = journey.page

    journey.open(site.url + "/", "home")
    page.fill("#tracking-number", number.lower())  # typed as read, in any case
    journey.click(page.get_by_role("button", name="Track parcel"), "track")
    assert page.url.endswith(f"/track/{number}")
    assert number in main_text(journey)
    assert "Ada" not in main_text(journey)
    assert "$" not in main_text(journey)
    claims_live = "This page updates itself" in main_text(journey)

    journey.click(page.get_by_role("link", name="Get email or text updates"), "subscribe-form")
    watcher = address("watcher", js, size)
    page.fill("#sub-email", watcher)
    page.check("input[name=consent]")
    journey.click(page.get_by_role("button", name="Subscribe"), "subscribe-asked")
    assert watcher in main_text(journey)

    journey.open(site.link(watcher, "", "confirm by"), "confirm-link")
    journey.click(page.get_by_role("button", name="Yes, send me updates"), "subscribed")
    assert "You are subscribed" in main_text(journey)
    with site.shop.db.read() as session:
        sub = session.scalars(select(Subscription).where(Subscription.address == watcher)).one()
    assert sub.confirmed_at is not None
    journey.finish()
    assert claims_live == js  # only a page that polls may say so (checked last: the rest of the walk runs first)


def _choose_return(journey: Journey, exchange: bool) -> None:
    """Step 1 of the wizard: one tee back, too small; for an exchange, size L instead."""
    page = journey.page
    tee = str(page.locator("select[name^=qty-]").first.get_attribute("name")).split("-")[1]
    page.select_option(f"#qty-{tee}", "1")
    page.select_option(f"#reason-{tee}", "too_small")
    if exchange:
        page.check(f"input[name=resolution-{tee}][value=exchange]")
        page.select_option(f"#variant-{tee}", label="L")
    journey.click(page.get_by_role("button", name="Review my return"), "review")
    assert "Check your return" in main_text(journey)


@pytest.mark.parametrize(("js", "size"), variants(CUSTOMER_SIZES, js=WIZARD))
def test_email_link_order_return_label_status(site: Site, walk: Callable[[str], Journey], js: bool, size: str) -> None:
    email = address("return", js, size)
    order = partly_delivered(site, email)
    journey = walk("return")
    page = journey.page

    journey.open(site.link(email, "delivered", "View your order"), "order-from-email")
    assert page.inner_text("h1#order-title") == "Partly delivered"
    journey.click(page.get_by_role("link", name="Return or exchange items"), "choose")
    assert page.inner_text("h1") == "Return or exchange"
    _choose_return(journey, exchange=False)
    assert "Estimated refund" in main_text(journey)
    journey.click(page.get_by_role("button", name="Confirm return"), "booked")
    rma = re.search(r"RMA-[A-Z0-9]{8}", main_text(journey)).group(0)  # type: ignore[union-attr]
    assert "Your return is booked" in main_text(journey)

    journey.click(page.get_by_role("link", name="Print your return label"), "label")
    assert page.locator("svg.qr").count() == 1
    assert "400 Dock Road" in main_text(journey)
    journey.click(page.get_by_role("link", name=f"Back to return {rma}"), "return-status")
    assert page.inner_text("h1") == "Approved: please send it back"
    with site.shop.db.read() as session:
        ret = session.scalars(select(Return).where(Return.order_id == order.id)).one()
    assert (ret.rma, ret.status) == (rma, "approved")
    journey.finish()


@pytest.mark.parametrize(("js", "size"), variants(CUSTOMER_SIZES, all=OLD_VARIANT))
def test_order_page_exchange(site: Site, walk: Callable[[str], Journey], js: bool, size: str) -> None:
    email = address("exchange", js, size)
    order = delivered(site, email)
    journey = walk("exchange")
    page = journey.page

    journey.open(site.url + "/", "home")
    page.fill("#order-number", order.number)
    page.fill("#order-contact", email.upper())
    journey.click(page.get_by_role("button", name="Find my order"), "order")
    journey.click(page.get_by_role("link", name="Return or exchange items"), "choose")
    _choose_return(journey, exchange=True)
    assert "Exchange for L" in main_text(journey)
    journey.click(page.get_by_role("button", name="Confirm return"), "booked")
    assert "Exchange for L" in main_text(journey)

    _warehouse_sends_the_exchange(site, order.id)
    journey.open(site.link(email, "Your exchange", "View your order"), "exchange-parcel")
    parcel = page.locator("section.shipment", has_text="Exchange parcel").inner_text()
    journey.finish()
    assert "1 × Classic Tee L" in parcel, parcel  # checked last: the rest of the walk runs first


def _warehouse_sends_the_exchange(site: Site, order_id: int) -> None:
    """The parcel comes back, is checked, and the exchange leaves: the warehouse's part, through the services."""
    with site.shop.db.read() as session:
        ret = session.scalars(select(Return).where(Return.order_id == order_id)).one()
        lines = {line.id: "resellable" for line in ret.lines}
        large = session.scalars(select(Variant).where(Variant.sku == "TEE-L")).one()
    assert [line.exchange_variant_id for line in ret.lines] == [large.id]
    return_resolution.receive_return(site.shop, ret.id, conditions=lines, actor=WAREHOUSE)
    return_resolution.resolve_return(
        site.shop, ret.id, exchange_tracking=f"9400X{uuid.uuid4().hex[:12]}", actor=WAREHOUSE
    )
    with site.shop.db.read() as session:
        parcel = session.scalars(
            select(Shipment).where(Shipment.order_id == order_id, Shipment.kind == "exchange")
        ).one()
    fulfilment.ship_shipment(site.shop, parcel.id, actor=WAREHOUSE)
