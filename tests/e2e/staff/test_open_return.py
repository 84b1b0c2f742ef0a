"""Issue 14, staff: "Open a return" offered final-sale lines, then refused them, with no manager override.
From the hub, with JavaScript on and off: staff are offered only what the rule accepts and told why the
rest cannot go back; a manager takes back a damaged final-sale item with a reason, kept in the event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.models import Order
from core.shop import Shop
from tests import factories
from tests.e2e.staff.conftest import member, open_order, problems, sign_in, submit
from tests.integration.core import support

pytestmark = pytest.mark.e2e
REASON = "Chipped in transit, photo in ticket 4411"


def _delivered(shop: Shop) -> Order:
    """2 × TEE-M and 1 × MUG-1 (final sale), delivered today."""
    factories.make_catalog(shop)
    order = factories.place(shop, phone=None, sms_consent=False)
    factories.ship_all(shop, order.id)
    factories.deliver(shop, factories.TRACKING)
    return factories.reload(shop, order.id)


def test_staff_are_offered_only_returnable_lines(
    app_shop: Shop, live_server: str, staff_page: Any, shots: Path, js: bool
) -> None:
    page, order = staff_page, _delivered(app_shop)
    ids = support.line_ids(app_shop, order.id)
    sign_in(page, live_server, member(app_shop, "staff"))
    open_order(page, order.number)

    form = page.locator('form:has(button[data-action="start-return"])')
    expect(form.locator(f'[name="rqty_{ids["TEE-M"]}"]')).to_have_count(1)
    expect(form.locator(f'[name="rqty_{ids["MUG-1"]}"]')).to_have_count(0)
    expect(form.locator("#return-override")).to_have_count(0)
    refused = page.locator(f'#not-returnable [data-line="{ids["MUG-1"]}"]')
    expect(refused).to_contain_text("MUG-1 Enamel Mug · One size: Final sale: this item cannot be returned.")
    expect(refused).to_contain_text("A manager can take it back if it arrived damaged")
    page.screenshot(path=str(shots / f"open-return-staff-{'js' if js else 'no-js'}.png"), full_page=True)

    submit(page, "start-return", {f"rqty_{ids['TEE-M']}": "1", "reason": "too_small"})
    expect(page.locator(".flash-success")).to_have_text("Return opened.")
    expect(page.locator("article.return").first).to_contain_text("1 × TEE-M Classic Tee · M")
    assert problems(page) == []


def test_a_manager_overrides_final_sale_for_a_damaged_item(
    app_shop: Shop, live_server: str, staff_page: Any, shots: Path, js: bool
) -> None:
    page, order = staff_page, _delivered(app_shop)
    mug = support.line_ids(app_shop, order.id)["MUG-1"]
    sign_in(page, live_server, member(app_shop, "manager"))
    open_order(page, order.number)

    override = page.locator("#return-override")
    expect(override).to_contain_text("MUG-1 Enamel Mug · One size")
    submit(page, "start-return", {f"rqty_{mug}": "1", "reason": "too_small", "override_reason": REASON})
    expect(page.locator(".form-error")).to_contain_text(
        "A manager may take it back only as arrived damaged or wrong item sent"
    )
    assert support.events(app_shop, order.id, type="return.requested") == []
    if not js:  # the browser now shows the action's address: reopening it leads back to the order
        assert page.url.endswith("/start-return")
        page.goto(page.url)
        expect(page.locator("h1")).to_contain_text(f"Order {order.number}")
        submit(page, "start-return", {f"rqty_{mug}": "1", "reason": "too_small", "override_reason": REASON})

    expect(page.locator("#override-reason")).to_have_value(REASON)  # what was typed is kept
    submit(page, "start-return", {"reason": "damaged", "override_reason": ""})
    expect(page.locator(".form-error")).to_contain_text("MUG-1: give an override reason")
    expect(page.locator("#override-reason")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f'[name="rqty_{mug}"]')).to_have_value("1")
    expect(page.locator("#return-reason")).to_have_value("damaged")
    page.screenshot(path=str(shots / f"open-return-override-{'js' if js else 'no-js'}.png"), full_page=True)
    submit(page, "start-return", {"override_reason": REASON})
    expect(page.locator(".flash-success")).to_have_text("Return opened.")
    expect(page.locator("article.return").first).to_contain_text("1 × MUG-1 Enamel Mug · One size — Arrived damaged")
    expect(page.locator("#timeline")).to_contain_text(f"Manager override for MUG-1 (final sale): {REASON}")

    requested = support.events(app_shop, order.id, type="return.requested")
    assert [e.payload["override"] for e in requested] == [{"reason": REASON, "lines": [[mug, "MUG-1", "final_sale"]]}]
    assert [e.actor_id for e in requested] == ["manager@example.com"]
    # the 422 answers above were expected; nothing else failed
    assert [p for p in problems(page) if not p.startswith("422 ")] == []
