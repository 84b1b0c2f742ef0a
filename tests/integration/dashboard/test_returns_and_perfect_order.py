"""The new returns KPIs and perfect order on the dashboard: cards, tables with links that open the
order, charts, CSV exports and drill-downs, and no money for staff (numbers from dataset.py; worked out
in tests/integration/analytics/test_returns_more.py and test_perfect_order.py).

The dashboard reads the story on the shop's clock (New York) as of today, not as of 2025-03-10: every
promise has passed since, so G (promised 03-12, never delivered) and E (lost) arrived late too, F has
waited past the SLA, and I, delivered Wed 05:00 New York time against a promise of Tue 19:00 New York
time (03-05 00:00 UTC), is late by the shop's days. Only A is perfect: 1 of 7 (C cancelled)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.integration.dashboard.conftest import STORY_ARGS
from tests.integration.dashboard.test_consistency import render


def _by_id(components: list[dict], ident: object) -> dict:
    return next(c for c in components if c["props"].get("id") == ident)


def test_the_json_has_the_new_kpis_with_their_basis(manager: FlaskClient) -> None:
    bundle = manager.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()
    kpis = bundle["kpis"]
    # The week before: H, delivered Fri 05:00 New York time, was promised Thu 19:00 New York time.
    assert (kpis["fulfilment.perfect_order_rate"]["value"], kpis["fulfilment.perfect_order_rate"]["previous"]) == (
        0.1429,
        0.0,
    )
    assert kpis["returns.rejection_rate"]["value"] == 0.25
    assert kpis["returns.restock_rate"]["value"] == 1.0
    assert kpis["returns.request_to_received_median_hours"]["value"] == 12.0
    assert kpis["returns.received_to_refund_median_hours"]["value"] == 1.0
    assert bundle["counts"]["fulfilment.perfect_order_judged"] == 7
    # Newest first: G, F, E, D, B, I.
    assert [r["reasons"] for r in bundle["series"]["fulfilment.perfect_order_failures"]] == [
        ["late_delivery"],
        ["late_shipment"],
        ["late_delivery", "exception"],
        ["late_shipment"],
        ["late_delivery", "exception"],
        ["late_delivery"],
    ]


def test_failed_orders_table_links_each_order_to_its_page(manager: FlaskClient) -> None:
    components = render(manager, "/dashboard/fulfilment", "?" + STORY_ARGS)
    card = _by_id(components, "kpi-fulfilment-perfect_order_rate")
    assert card["props"]["children"][2]["props"]["children"] == "14.3%"  # under its label and basis
    table = _by_id(components, {"type": "table", "series": "fulfilment.perfect_order_failures"})
    rows = table["props"]["data"]
    late, slow, both = (
        "Delivered after the promised day",
        "Shipped after the SLA",
        "Delivered after the promised day; Carrier exception",
    )
    assert [r["reasons"] for r in rows] == [late, slow, both, slow, both, late]
    for row in rows:
        number, href = re.fullmatch(r"\[(.+)\]\((.+)\)", row["number"]).groups()  # type: ignore[union-attr]
        page = manager.get(href)
        assert page.status_code == 200
        assert f"Order {number}" in page.get_data(as_text=True)


def test_failed_orders_export_as_csv(manager: FlaskClient) -> None:
    csv = manager.get("/dashboard/export/fulfilment.perfect_order_failures.csv?" + STORY_ARGS).get_data(as_text=True)
    labels, keys, *rows = csv.splitlines()
    assert labels == "Order id,Order,Placed (UTC),Failed tests"
    assert keys == "order_id,number,placed_at,reasons"
    late, slow, both = "late_delivery", "late_shipment", "late_delivery; exception"
    assert [row.split(",")[-1] for row in rows] == [late, slow, both, slow, both, late]


def test_returns_page_shows_tables_and_charts(manager: FlaskClient) -> None:
    components = render(manager, "/dashboard/returns", "?" + STORY_ARGS)
    people = _by_id(components, {"type": "table", "series": "returns.frequent_returners"})["props"]["data"]
    assert [(r["customer"], r["returned_orders"], r["return_rate"]) for r in people] == [
        ("ada@example.com", 2, "66.7%")
    ]
    split = _by_id(components, {"type": "chart", "series": "returns.resolution_split"})["props"]["figure"]
    assert (split["data"][0]["x"], split["data"][0]["y"]) == (
        ["Refund", "Store credit", "Exchange"],
        [48.16, 0.0, 25.0],
    )
    reasons = _by_id(components, {"type": "chart", "series": "returns.reasons_by_sku"})["props"]["figure"]
    assert {(t["name"], tuple(t["x"]), tuple(t["y"])) for t in reasons["data"]} == {
        ("Too large", ("TEE-L",), (1,)),
        ("Too small", ("TEE-M",), (1,)),
        ("Changed my mind", ("TEE-S",), (1,)),
    }
    for card in ("returns-rejection_rate", "returns-restock_rate", "returns-request_to_received_p90_hours"):
        assert _by_id(components, f"kpi-{card}")


def test_staff_see_the_split_in_units_not_money(staff: FlaskClient) -> None:
    rows = staff.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()["series"]["returns.resolution_split"]
    assert rows == [
        {"resolution": "refund", "units": 2},
        {"resolution": "store_credit", "units": 0},
        {"resolution": "exchange", "units": 1},
    ]
    figure = _by_id(
        render(staff, "/dashboard/returns", "?" + STORY_ARGS), {"type": "chart", "series": "returns.resolution_split"}
    )
    assert figure["props"]["figure"]["data"][0]["y"] == [2, 0, 1]


def test_drill_from_a_reason_of_a_sku_and_from_a_resolution(manager: FlaskClient) -> None:
    def numbers(kind: str, key: str) -> list[str]:
        found = manager.get(f"/dashboard/api/drill?{STORY_ARGS}&kind={kind}&key={key}").get_json()
        return [row["number"] for row in found["rows"]]

    exchanged = numbers("resolution", "exchange")
    assert len(exchanged) == 1
    assert numbers("sku_reason", "TEE-L|too_large") == exchanged  # B's TEE-L, exchanged
    assert numbers("sku_reason", "TEE-L|too_small") == []
    assert len(numbers("resolution", "refund")) == 2  # A and H
