"""A manager signs in, opens every dashboard page in Chromium, filters, drills down; screenshots saved.

The page runs under the dashboard CSP (no inline script): any CSP violation or script error fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.pages import PAGES
from tests.e2e.dashboard.conftest import STORY, sign_in

pytestmark = pytest.mark.e2e


def _graphs_have_data(page) -> int:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length > 0 && "
        "[...document.querySelectorAll('.js-plotly-plot')].every(p => p.data && p._fullLayout)",
        timeout=20_000,
    )
    # A chart's points, or a table's rows (sales by product and channel are Plotly tables: no y).
    counts = page.eval_on_selector_all(
        ".js-plotly-plot",
        # points of a chart, rows of a table (the policy back-test)
        "plots => plots.map(p => (p.data || []).reduce((n, t) => n + (t.y || t.cells?.values[0] || []).length, 0))",
    )
    assert counts, "no charts"
    assert all(n > 0 for n in counts), counts
    return len(counts)


def test_manager_uses_every_page_filters_and_drills_down(page, base_url: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, base_url)
    for path, spec in PAGES.items():
        page.goto(f"{base_url}/dashboard/{path}?{STORY}")
        page.wait_for_selector(f"h1:text('{spec.title}')", timeout=20_000)
        assert _graphs_have_data(page) >= 1
        page.screenshot(path=str(shots / f"{path or 'overview'}.png"), full_page=True)

    # Filter: choose the UPS carrier; the URL carries it, the page says what it filters, and order counts stay
    # whole (a carrier filters parcel KPIs only: docs/kpis.md, "Filters").
    page.goto(f"{base_url}/dashboard/sales?{STORY}")
    page.wait_for_selector("#kpi-sales-orders")
    assert page.inner_text("#kpi-sales-orders .value") == "8"  # cancelled C counts where it was placed
    page.click("#filter-carrier")
    page.get_by_role("option", name="UPS", exact=True).click()  # the code stays in the URL
    page.wait_for_url("**carrier=ups**")
    page.wait_for_selector(".filter-note:text('Filter carrier = ups')")
    assert page.inner_text("#kpi-sales-orders .value") == "8"  # cancelled C counts where it was placed
    page.screenshot(path=str(shots / "sales-filtered-ups.png"), full_page=True)
    page.click(".dash-nav >> text=Delivery")  # the filters travel with the navigation
    page.wait_for_selector("h1:text('Delivery')")
    assert "carrier=ups" in page.url

    # Drill-down: click the first day's bar and get its orders, each linking to the staff order page.
    page.goto(f"{base_url}/dashboard/sales?{STORY}")
    _graphs_have_data(page)
    first_bar = page.locator(".js-plotly-plot .barlayer .point path").first
    first_bar.scroll_into_view_if_needed()  # below the cards on a 1000 px high window, as a person scrolls
    bar = first_bar.bounding_box()
    assert bar is not None
    # Plotly listens on its drag layer above the bars: click where the bar is, like a person would.
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] * 0.75)
    page.wait_for_selector("#drill-table a[href^='/staff/orders/']", timeout=20_000)
    assert "3 orders placed in period 2025-03-03" in page.inner_text("#drill-title")
    assert page.locator("#drill-table a[href^='/staff/orders/']").count() == 3
    page.screenshot(path=str(shots / "sales-drilldown.png"), full_page=True)
    assert [p for p in page.problems if "Content Security Policy" in p or "Refused" in p] == []
    # Chromium's own /favicon.ico probe on the sign-in page shows up only as a console line; real
    # failed requests are caught by the response listener above.
    assert [p for p in page.problems if not p.startswith("Failed to load resource")] == []
