"""The staff's journeys on a desktop, with JavaScript on and off: the hub from its sign-in page through an
order's life, and a manager from the hub to the dashboard, a drill-down and back to an order."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from core.domain.commands import ReturnLineInput
from core.events.fact import Actor
from core.models import Order, Return, Shipment
from core.services import returns
from core.services.access import create_staff_user
from tests import factories
from tests.e2e.journeys.conftest import PASSWORD, Site
from tests.e2e.journeys.harness import Journey
from tests.e2e.journeys.known import STAFF_SIZES, variants

pytestmark = pytest.mark.e2e
CUSTOMER = Actor("customer")
BARS = ".js-plotly-plot .barlayer .point path"


def sign_in(journey: Journey, site: Site, email: str, role: str) -> None:
    """From the hub's address, as bookmarked: it asks for the sign-in first."""
    create_staff_user(site.shop, email=email, password=PASSWORD, role=role)
    journey.open(site.url + "/staff/", "sign-in")
    journey.page.fill("#email", email)
    journey.page.fill("#password", PASSWORD)
    journey.click(journey.page.get_by_role("button", name="Sign in"), "hub")


def act(journey: Journey, action: str, step: str, **fields: str) -> None:
    """Fill one of the order page's action forms and send it."""
    form = journey.page.locator(f'form:has(button[data-action="{action}"])').first
    for name, value in fields.items():
        if name == "confirm":
            form.locator("[name=confirm]").check()
        else:
            form.locator(f'[name="{name}"]').fill(value)
    journey.click(form.locator(f'button[data-action="{action}"]'), step)


def status(journey: Journey) -> str:
    return str(journey.page.inner_text("#order-status"))


@pytest.mark.parametrize(("js", "size"), variants(STAFF_SIZES))
def test_hub_hold_release_ship_refund_receive(site: Site, walk: Callable[[str], Journey], js: bool, size: str) -> None:
    order = factories.place(site.shop, email=f"hub-{'js' if js else 'nojs'}@example.com", phone=None)
    journey = walk("hub")
    page = journey.page
    sign_in(journey, site, f"lead-{'js' if js else 'nojs'}@example.com", "manager")

    page.fill("#q", order.number)
    journey.click(page.get_by_role("button", name="Search"), "search")
    journey.click(page.locator("#hub-results").get_by_role("link", name=order.number), "order")
    assert status(journey) == "confirmed"
    act(journey, "hold", "held", detail="customer called to change the address")
    assert status(journey) == "on hold"
    act(journey, "release", "released")
    assert status(journey) == "confirmed"
    act(journey, "create-shipment", "shipped", tracking_number=f"1ZH{uuid.uuid4().hex[:12].upper()}")
    assert status(journey) == "shipped"
    act(journey, "refund", "refunded", amount="5.00", reason="late parcel", confirm="yes")
    assert "Refund issued." in page.inner_text("#order")

    _customer_returns_a_tee(site, order.id)
    journey.click(page.locator('nav.staff-nav a[href="/staff/"]').first, "hub-again")  # the menu's way home
    journey.click(page.locator("a[data-queue=returns]"), "returns-queue")
    journey.click(page.locator("#hub-results").get_by_role("link", name=order.number), "order-with-return")
    act(journey, "receive-return", "received")
    assert page.locator(".return .badge").first.inner_text() == "received"

    with site.shop.db.read() as session:
        saved = session.scalars(select(Order).where(Order.id == order.id)).one()
        ret = session.scalars(select(Return).where(Return.order_id == order.id)).one()
        assert (saved.status, saved.payments[0].refunded_minor, ret.status) == ("delivered", 500, "received")
    timeline = page.inner_text("#timeline")
    for fact in ("Order held for review", "Hold released", "Refund issued"):
        assert fact in timeline
    journey.finish()


def _customer_returns_a_tee(site: Site, order_id: int) -> None:
    """Meanwhile, outside the hub: the carrier delivers and the customer asks to send a tee back."""
    saved = factories.reload(site.shop, order_id)
    with site.shop.db.read() as session:
        number = session.scalars(select(Shipment.tracking_number).where(Shipment.order_id == order_id)).one()
    factories.deliver(site.shop, number)
    tee = next(line for line in saved.lines if line.sku == "TEE-M")
    returns.request_return(site.shop, order_id, [ReturnLineInput(tee.id, 1, "too_small")], actor=CUSTOMER)


@pytest.mark.parametrize(("js", "size"), variants(STAFF_SIZES))
def test_manager_dashboard_drill_down_order(site: Site, walk: Callable[[str], Journey], js: bool, size: str) -> None:
    placed = [factories.place(site.shop, email=f"kpi-{n}-{js}@example.com".lower(), phone=None) for n in range(3)]
    site.publish_analytics()  # the dashboard reads the published store, never the database in a request
    journey = walk("manager")
    page = journey.page
    sign_in(journey, site, f"boss-{'js' if js else 'nojs'}@example.com", "manager")

    dashboard = page.locator('nav.staff-nav a[href^="/dashboard"]')
    assert dashboard.count() >= 1, "the hub's menu has no link to the dashboard"
    journey.click(dashboard.first, "dashboard", shows=".kpi-card" if js else None)
    if not js:  # the dashboard is a script application: without it, it says so and leads back to the hub
        assert "needs JavaScript" in page.inner_text("body")
        journey.click(page.locator("noscript a, .noscript a").first, "back-to-hub")
        page.fill("#q", placed[0].number)
        journey.click(page.get_by_role("button", name="Search"), "search")
        journey.click(page.locator("#hub-results").get_by_role("link", name=placed[0].number), "order")
        journey.finish()
        return
    journey.click(page.locator(".dash-nav").get_by_role("link", name="Sales"), "sales", shows=".js-plotly-plot")
    bar = _tallest_bar(page)
    # Plotly listens on its drag layer above the bars: click where the bar is, as a person would.
    journey.act(lambda: page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2), "drill-down",
                shows="#drill-table a[href^='/staff/orders/']")  # fmt: skip
    numbers = page.locator("#drill-table a[href^='/staff/orders/']").all_inner_texts()
    assert {o.number for o in placed} <= set(numbers)
    journey.click(page.locator("#drill-table").get_by_role("link", name=placed[0].number), "order")
    assert placed[0].number in page.inner_text("h1")
    journey.finish()


def _tallest_bar(page: Any) -> dict[str, float]:
    """Where today's bar is drawn: the tallest (every other day of the period has no order)."""
    page.wait_for_function(f"() => [...document.querySelectorAll('{BARS}')].some(p => p.getBBox().height > 0)")
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()  # as a person scrolls to the chart
    boxes = [b for b in (bar.bounding_box() for bar in page.locator(BARS).all()) if b]
    return max(boxes, key=lambda b: b["height"])
