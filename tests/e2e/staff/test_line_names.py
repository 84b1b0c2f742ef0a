"""Issue 14, staff: parcels and returns named their lines "1 × line 3344" and "Condition of line 4".
From the sign-in page, through the hub's search, every line on the order page reads by SKU, product
and variant, with JavaScript on and off, exchange parcels by the variant they carry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.domain.commands import ReturnLineInput
from core.models import Order
from core.services import return_resolution, returns
from core.shop import Shop
from tests import factories
from tests.e2e.staff.conftest import member, open_order, problems, sign_in, submit

pytestmark = pytest.mark.e2e
LINE_IDS = re.compile(r"\bline \d+")


def _delivered_with_return(shop: Shop) -> tuple[Order, int]:
    """2 × TEE-M and 1 × MUG-1 delivered; 1 × TEE-M on its way back (approved at once)."""
    factories.make_catalog(shop)
    order = factories.place(shop, phone=None, sms_consent=False)
    factories.ship_all(shop, order.id)
    factories.deliver(shop, factories.TRACKING)
    tee = next(line for line in factories.reload(shop, order.id).lines if line.sku == "TEE-M")
    made = returns.request_return(shop, order.id, [ReturnLineInput(tee.id, 1, "too_small")], actor=factories.STAFF)
    return order, made.id


def test_parcels_and_returns_name_each_line_by_sku_and_name(
    app_shop: Shop, live_server: str, staff_page: Any, js: bool, shots: Path
) -> None:
    page = staff_page
    order, _ = _delivered_with_return(app_shop)
    sign_in(page, live_server, member(app_shop, "staff"))
    open_order(page, order.number)

    parcel = page.locator("article.shipment").first
    expect(parcel).to_contain_text("2 × TEE-M Classic Tee · M")
    expect(parcel).to_contain_text("1 × MUG-1 Enamel Mug · One size")
    back = page.locator("article.return").first
    expect(back).to_contain_text("1 × TEE-M Classic Tee · M — Too small, refund")
    receive = back.locator('form:has(button[data-action="receive-return"])')
    expect(receive.locator("label")).to_contain_text(["Condition of 1 × TEE-M Classic Tee · M"])
    assert not LINE_IDS.findall(page.locator("#order").inner_text())
    page.screenshot(path=str(shots / f"line-names-{'js' if js else 'no-js'}.png"), full_page=True)

    submit(page, "receive-return", {back.locator("select").first.get_attribute("name") or "": "damaged"})
    expect(page.locator("article.return").first).to_contain_text(
        "TEE-M Classic Tee · M — Too small, refund; received: Damaged"
    )
    assert not LINE_IDS.findall(page.locator("#order").inner_text())
    assert problems(page) == []


def test_an_exchange_parcel_names_the_variant_it_carries(
    app_shop: Shop, live_server: str, staff_page: Any, js: bool
) -> None:
    page = staff_page
    variants = factories.make_catalog(app_shop)
    order = factories.place(app_shop, phone=None, sms_consent=False)
    factories.ship_all(app_shop, order.id)
    factories.deliver(app_shop, factories.TRACKING)
    tee = next(line for line in factories.reload(app_shop, order.id).lines if line.sku == "TEE-M")
    wanted = ReturnLineInput(tee.id, 1, "too_small", "exchange", variants["TEE-L"])
    made = returns.request_return(app_shop, order.id, [wanted], actor=factories.STAFF)
    return_resolution.receive_return(app_shop, made.id, conditions={}, actor=factories.STAFF)
    sign_in(page, live_server, member(app_shop, "staff"))
    open_order(page, order.number)

    submit(page, "resolve-return", {"tracking_number": "1ZEXCHANGE0001"})
    replacement = page.locator("article.shipment", has_text="1ZEXCHANGE0001")
    expect(replacement).to_contain_text("1 × TEE-L Classic Tee · L")
    expect(page.locator("article.return").first).to_contain_text("exchange for TEE-L L")
    assert problems(page) == []
