"""The new KPI tables and charts on the dashboard pages (issue 16 §3), over dataset.py's story: managers
read sales by product and channel as tables with the currency; staff never see them nor any money."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient

from tests.integration.dashboard.conftest import STORY_ARGS
from tests.integration.dashboard.test_consistency import render


def _figure(components: list[dict], series: str) -> dict:
    return next(c["props"]["figure"] for c in components if c["props"].get("id") == {"type": "chart", "series": series})


def test_the_sales_page_shows_product_and_channel_tables(manager: FlaskClient) -> None:
    components = render(manager, "/dashboard/sales", "?" + STORY_ARGS)
    [products] = _figure(components, "sales.by_product")["data"]
    assert products["type"] == "table"
    assert products["header"]["values"] == [
        "<b>SKU</b>",
        "<b>Orders</b>",
        "<b>Units</b>",
        "<b>Gross sales (USD)</b>",
        "<b>Discounts (USD)</b>",
    ]
    # A B C D E F G I (cancelled C counts where placed, as in sales.orders): TEE-S on B D I (5 units, B's line
    # discount 300), TEE-L on B E F (4), TEE-M on A C G (4), MUG-1 on A; TEE-L before TEE-M on equal gross.
    assert products["cells"]["values"] == [
        ["TEE-S", "TEE-L", "TEE-M", "MUG-1"],
        ["3", "3", "3", "1"],
        ["5", "4", "4", "1"],
        ["$125.00", "$100.00", "$100.00", "$18.00"],
        ["$3.00", "$0.00", "$0.00", "$0.00"],
    ]
    [channels] = _figure(components, "sales.by_channel")["data"]
    # web: A C D E F I = 6800 + 2500 + 7500 + 2500 + 5000 + 2500; shopify: B 5000; api: G 2500.
    assert channels["cells"]["values"][:4] == [
        ["Web", "Shopify", "Api"],
        ["6", "1", "1"],
        ["11", "2", "1"],
        ["$268.00", "$50.00", "$25.00"],
    ]
    titles = [c["props"]["children"] for c in components if c.get("type") == "H3"]
    assert {"Sales by product", "Sales by channel"} <= set(titles)


def test_the_product_table_exports_as_csv_in_major_units(manager: FlaskClient) -> None:
    reply = manager.get("/dashboard/export/sales.by_product.csv?" + STORY_ARGS)
    rows = list(csv.reader(io.StringIO(reply.get_data(as_text=True))))
    assert rows[0] == ["SKU", "Orders", "Units", "Gross sales (USD)", "Discounts (USD)"]
    assert rows[1] == ["sku", "orders", "units", "gross_minor", "discounts_minor"]
    assert rows[2] == ["TEE-S", "3", "5", "125.00", "3.00"]


def test_fulfilment_and_delivery_pages_show_the_new_charts(manager: FlaskClient) -> None:
    fulfilment = render(manager, "/dashboard/fulfilment", "?" + STORY_ARGS)
    [cancelled] = _figure(fulfilment, "fulfilment.cancellations_by_reason")["data"]
    assert (cancelled["x"], cancelled["y"]) == (["Customer asked"], [1])  # C
    assert cancelled["customdata"] == [["cancel_reason", "customer asked"]]
    delivery = render(manager, "/dashboard/delivery", "?" + STORY_ARGS)
    [on_time] = _figure(delivery, "delivery.on_time_by_carrier_service")["data"]
    # The app's days are New York's and its "now" is today, so every ETA of the week is past. UPS: A due
    # 03-05 (ETA 03-06 00:00 UTC) came 03-05: on time; I due 03-04 came 03-05 and G (due 03-11) never: late.
    # USPS: B1 due 03-05 came 03-06, B2 due 03-06 came 03-08. FedEx: E lost.
    assert (on_time["x"], on_time["y"]) == (
        ["FedEx Home Delivery", "UPS Ground", "USPS Ground<br>Advantage"],
        [0.0, 0.3333, 0.0],
    )
    assert on_time["text"] == ["0 of 1 parcels", "1 of 3 parcels", "0 of 2 parcels"]
    assert on_time["customdata"][1] == ["late", "ups|Ground"]  # a click lists the orders of the late parcels
    cards = {c["props"]["id"] for c in delivery if str(c["props"].get("id", "")).startswith("kpi-")}
    assert {"kpi-delivery-first_attempt_rate", "kpi-delivery-lost_damaged_refunds_minor"} <= cards


def test_staff_see_no_sales_tables_and_no_money(staff: FlaskClient) -> None:
    page = render(staff, "/dashboard/sales", "?" + STORY_ARGS)
    assert not [c for c in page if c["props"].get("id", {}) == {"type": "chart", "series": "sales.by_product"}]
    assert staff.get("/dashboard/export/sales.by_product.csv?" + STORY_ARGS).status_code == 403
    delivery = render(staff, "/dashboard/delivery", "?" + STORY_ARGS)
    cards = {c["props"]["id"] for c in delivery if str(c["props"].get("id", "")).startswith("kpi-")}
    assert "kpi-delivery-lost_damaged_rate" in cards
    assert "kpi-delivery-lost_damaged_refunds_minor" not in cards
    api = staff.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()
    assert "delivery.lost_damaged_refunds_minor" not in api["kpis"]
    assert not [k for k in [*api["kpis"], *api["series"]] if k.startswith("sales.")]


def test_the_late_parcels_behind_an_on_time_bar_open_as_orders(manager: FlaskClient, staff: FlaskClient) -> None:
    # UPS Ground late in the app's days: I (due 03-04, came 03-05) and G (due 03-11, never came).
    reply = manager.get("/dashboard/api/drill?" + STORY_ARGS + "&kind=late&key=ups|Ground&page=0").get_json()
    assert (reply["total"], {r["channel"] for r in reply["rows"]}) == (2, {"web", "api"})
    seen = staff.get("/dashboard/api/drill?" + STORY_ARGS + "&kind=cancel_reason&key=customer asked").get_json()
    assert seen["total"] == 1  # C
    assert "value_minor" not in seen["rows"][0]
