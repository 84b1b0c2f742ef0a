"""axe-core on every dashboard page, on a desktop and on a phone (390×844): no critical or serious finding.

Also measured in the browser: the drill-down table head's contrast as drawn, the phone navigation fitting
the screen, and a drilled order's link opening its staff page. Screenshots: artifacts/screenshots/dashboard/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from core.contrast import ratio, to_hex
from dashboard.pages import PAGES
from tests.e2e.dashboard.conftest import STORY, sign_in
from tests.e2e.journeys.audit import audit

pytestmark = pytest.mark.e2e
VIEWPORTS = {"desktop": (1400, 1000), "phone": (390, 844)}
HEAD_COLOURS = """() => { const th = document.querySelector('#drill-table th');
  let el = th, bg = 'rgba(0, 0, 0, 0)';
  while (el && /rgba\\(.*, 0\\)|transparent/.test(bg)) { bg = getComputedStyle(el).backgroundColor; el = el.parentElement; }
  return [getComputedStyle(th).color, bg]; }"""


def _hex(css: str) -> str:
    return to_hex([float(n) for n in re.findall(r"[\d.]+", css)[:3]])


def _open(page: Any, base_url: str, path: str, title: str) -> None:
    page.goto(f"{base_url}/dashboard/{path}?{STORY}")
    page.wait_for_selector(f"h1:text('{title}')", timeout=20_000)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout)")


def _drill_first_bar(page: Any) -> None:
    first = page.locator(".js-plotly-plot .barlayer .point path").first
    first.scroll_into_view_if_needed()  # on a phone the chart starts below the fold
    bar = first.bounding_box()
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] * 0.75)
    page.wait_for_selector("#drill-table a[href^='/staff/orders/']", timeout=20_000)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_dashboard_page_has_no_serious_axe_finding(page: Any, base_url: str, shots: Path, viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, base_url)
    found: dict[str, list[str]] = {}
    for path, spec in PAGES.items():
        _open(page, base_url, path, spec.title)
        if path == "sales":  # the drill-down table is part of the page once a bar is clicked
            _drill_first_bar(page)
        found[path or "overview"] = audit(page, path, js=True).blocking()
        page.screenshot(path=str(shots / f"axe-{path or 'overview'}-{viewport}.png"), full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"{path or 'overview'} is {overflow} px wide on a {width} px screen"
        nav = page.locator(".dash-nav").bounding_box()
        assert nav["x"] + nav["width"] <= width
    assert found == {name: [] for name in found}


def test_drill_table_head_reads_and_its_links_open_the_order(page: Any, base_url: str) -> None:
    sign_in(page, base_url)
    _open(page, base_url, "sales", "Sales")
    _drill_first_bar(page)
    colour, background = page.evaluate(HEAD_COLOURS)
    assert ratio(_hex(colour), _hex(background)) >= 4.5, (colour, background)
    link = page.locator("#drill-table a[href^='/staff/orders/']").first
    number = link.inner_text()
    with page.expect_navigation() as went:
        link.click()
    assert went.value.status == 200
    assert page.url.endswith(f"/staff/orders/{number}")
    assert f"Order {number}" in page.inner_text("h1")
