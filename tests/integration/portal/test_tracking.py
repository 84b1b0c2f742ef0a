"""Public tracking: what it shows, what it never shows, and live updates that stop when settled."""

from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.clock import utcnow
from core.domain.commands import AddressInput
from core.events.fact import SYSTEM
from core.models import Order
from core.money import money_text
from core.services import tracking
from core.services.settings import change_settings
from core.shop import Shop
from tests import factories
from tests.integration.portal.conftest import Web

NUMBER = "1Z999AA10123456784"


def test_tracking_shows_status_carrier_eta_and_timeline(web: Web, shipped_order: Order) -> None:
    page = web.get(f"/track/{NUMBER}")
    assert page.status_code == 200
    body = page.data.decode()
    assert "On its way" in body
    assert "UPS" in body
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in body
    assert "Estimated delivery" in body
    assert "Handed to UPS" in body
    assert 'aria-current="step"' in body


def test_times_are_in_the_shop_timezone_with_date(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    """Today's events say "Today" (counted in the shop's zone); older ones their date."""
    change_settings(app_shop, SYSTEM, {"timezone": "Asia/Tokyo"})  # a manager's setting
    tracking.record_scan(app_shop, tracking.CarrierScan(NUMBER, "in_transit", utcnow() - timedelta(days=3), "Hub"))
    body = web.get(f"/track/{NUMBER}").data.decode()
    assert re.search(r"Today, \d{1,2}:\d{2} [AP]M JST", body)
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{1,2}:\d{2} [AP]M JST", body)


def test_carrier_text_is_escaped(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    scan = tracking.CarrierScan(NUMBER, "in_transit", utcnow(), location="<script>alert(1)</script>")
    tracking.record_scan(app_shop, scan)
    body = web.get(f"/track/{NUMBER}").data.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_exception_reads_in_the_shops_voice(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    scan = tracking.CarrierScan(NUMBER, "exception", utcnow(), exception_reason="customs")
    tracking.record_scan(app_shop, scan)
    body = web.get(f"/track/{NUMBER}").data.decode()
    assert "Held at customs" in body
    assert "moves on once cleared" in body


def test_polls_while_moving_and_stops_when_delivered(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    moving = web.get(f"/track/{NUMBER}").data.decode()
    version = re.search(r'data-version="(\d+)"', moving).group(1)  # type: ignore[union-attr]
    assert 'hx-trigger="every' in moving
    same = web.get(f"/track/{NUMBER}/live?v={version}", htmx=True).data.decode()
    assert "New update" not in same
    factories.deliver(app_shop, NUMBER)
    live = web.get(f"/track/{NUMBER}/live?v={version}", htmx=True).data.decode()
    assert "New update" in live
    assert "Delivered" in live
    assert "hx-trigger" not in live


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.from_regex(r"Zq[a-z]{4,10} Xv[a-z]{4,10}", fullmatch=True),
    local=st.from_regex(r"q[a-z0-9]{5,12}", fullmatch=True),
    street=st.from_regex(r"[1-9][0-9]{0,3} Wq[a-z]{4,10} (Street|Road|Lane)", fullmatch=True),
    city=st.from_regex(r"Cq[a-z]{5,10}", fullmatch=True),
    postal=st.from_regex(r"9[0-9]{4}", fullmatch=True),
    shipping=st.integers(101, 99_999),
    tax=st.integers(101, 99_999),
    location=st.sampled_from(["Memphis, TN", "Louisville, KY", "", "Chicago & Co <hub>"]),
)
def test_tracking_page_never_shows_personal_data(
    web: Web, app_shop: Shop, catalog: dict[str, int], name: str, local: str, street: str, city: str,
    postal: str, shipping: int, tax: int, location: str,
) -> None:  # fmt: skip
    email = f"{local}@example.com"
    address = AddressInput(name, street, city, postal, "US", region="CA")
    order = factories.place(app_shop, email=email, name=name, shipping_address=address,
                            shipping_minor=shipping, tax_minor=tax)  # fmt: skip
    number = f"1ZQ{order.id:09d}{len(local):03d}"
    factories.ship_all(app_shop, order.id, tracking_number=number)
    tracking.record_scan(app_shop, tracking.CarrierScan(number, "out_for_delivery", utcnow(), location=location))
    tracking.record_scan(app_shop, tracking.CarrierScan(number, "delivered", utcnow() + timedelta(hours=1)))
    html = web.get(f"/track/{number}").data.decode() + web.get(f"/track/{number}/live?v=0").data.decode()
    secrets = [name, *name.split(), email, local, street, city, postal, "+15555550123", "555-0123", order.number]
    secrets += [money_text(v, "USD") for v in (shipping, tax, order.total_minor, 2500, 1800)]
    for secret in secrets:
        assert secret not in html, secret
