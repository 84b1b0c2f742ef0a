"""Issue 14, staff: the journey hub → hold → release → ship → refund → receive return, end to end in
Chromium with JavaScript on and off, from the sign-in page and the "New" queue, never a typed URL.
(The general journey suite is tests/e2e/journeys/; this is the staff hub's own walk of it.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.models import Refund, Return
from core.shop import Shop
from tests import factories
from tests.e2e.staff.conftest import member, problems, sign_in, submit
from tests.integration.core import support

pytestmark = pytest.mark.e2e


def _status(page: Any, text: str) -> None:
    expect(page.locator("#order-status")).to_have_text(text)


def test_hold_release_ship_refund_receive_return(
    app_shop: Shop, live_server: str, staff_page: Any, js: bool, shots: Path
) -> None:
    page, mode = staff_page, "js" if js else "no-js"
    factories.make_catalog(app_shop)
    order = factories.place(app_shop, phone=None, sms_consent=False)
    tee = support.line_ids(app_shop, order.id)["TEE-M"]
    sign_in(page, live_server, member(app_shop, "manager"))

    page.click("a[data-queue=new]")
    page.locator(f"#hub-results a:has-text('{order.number}')").click()
    _status(page, "confirmed")
    submit(page, "hold", {"reason": "manual", "detail": "customer called to change size"})
    _status(page, "on hold")
    expect(page.locator("#hold-reason")).to_contain_text("customer called to change size")
    submit(page, "release")
    _status(page, "confirmed")
    submit(page, "create-shipment", {"carrier": "ups", "tracking_number": f"1ZJOURNEY{mode.upper()}1"})
    _status(page, "shipped")
    page.screenshot(path=str(shots / f"journey-1-shipped-{mode}.png"), full_page=True)
    submit(page, "deliver")
    _status(page, "delivered")

    submit(page, "refund", {"amount": "5.00", "reason": "late parcel"}, check=("confirm",))
    expect(page.locator(".flash-success")).to_have_text("Refund issued.")
    submit(page, "start-return", {f"rqty_{tee}": "1", "reason": "too_small"})
    expect(page.locator("article.return .badge")).to_have_text("approved")
    submit(page, "receive-return")
    expect(page.locator("article.return .badge")).to_have_text("received")
    expect(page.locator("article.return")).to_contain_text(
        "1 × TEE-M Classic Tee · M — Too small, refund; received: As new"
    )
    submit(page, "resolve-return")
    expect(page.locator("article.return .badge")).to_have_text("refunded")
    page.screenshot(path=str(shots / f"journey-2-return-refunded-{mode}.png"), full_page=True)

    page.locator("p.back a").click()  # back to the hub, where the order left every queue
    expect(page.locator("h1")).to_have_text("Order hub")
    with app_shop.db.read() as session:
        ret = session.scalars(select(Return).where(Return.order_id == order.id)).one()
        refunded = sorted(r.amount_minor for r in session.scalars(select(Refund).where(Refund.order_id == order.id)))
    assert ret.status == "refunded"
    assert refunded == [500, factories.reload(app_shop, order.id).lines[0].paid_unit_minor]
    codes = support.types(app_shop, order.id)
    for code in ("order.held", "order.released", "shipment.shipped", "refund.issued", "return.received"):
        assert code in codes
    assert problems(page) == []
