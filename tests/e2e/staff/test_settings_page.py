"""Issue 15 §6: a manager changes the shop's settings from the hub's menu, with JavaScript on and off, on a desktop
and at 390×844: a refused value is named on its field and nothing changes; a good one shows on the public page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.shop import Shop
from tests.e2e.staff.conftest import member, problems, sign_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_manager_changes_the_shops_name_and_colour_from_the_hub(
    app_shop: Shop, live_server: str, staff_page: Any, js: bool, shots: Path, viewport: str
) -> None:
    page = staff_page
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    sign_in(page, live_server, member(app_shop, "manager"))
    page.locator("nav.staff-nav a", has_text="Settings").click()
    expect(page.locator("h1")).to_have_text("Settings")

    page.fill("#shop_name", "Harbour Coffee")
    page.fill("#primary_color", "#ffcc00")  # white text on it reads at 1.4:1
    with page.expect_response(lambda r: r.url.endswith("/staff/settings") and r.request.method == "POST") as sent:
        page.click("button:has-text('Save settings')")
    assert sent.value.status == 422
    expect(page.locator("#primary_color-error")).to_contain_text("has a contrast of")
    expect(page.locator("#primary_color")).to_have_attribute("aria-invalid", "true")
    name = f"settings-refused-{viewport}-{'js' if js else 'no-js'}.png"
    page.screenshot(path=str(shots / name), full_page=True)

    page.fill("#primary_color", "#0b3d2e")
    page.click("button:has-text('Save settings')")
    expect(page.locator(".flash")).to_contain_text("Saved: Shop name, Primary colour.")
    expect(page.locator("tr[data-setting=shop_name]")).to_contain_text("Harbour Coffee")
    page.goto(f"{live_server}/")
    expect(page.locator(".brand span")).to_have_text("Harbour Coffee")
    assert [p for p in problems(page) if not p.startswith("422 ")] == []
