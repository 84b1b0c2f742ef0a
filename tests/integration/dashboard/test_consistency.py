"""The JSON endpoint, the CLI and the charts show the same numbers for the same filters."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.analytics.bases import SERIES_BASES
from core.analytics.definitions import BY_KEY
from core.analytics.filter_notes import CARRIER_NOTE
from core.analytics.formatting import value_text
from dashboard.components import kpi_card
from dashboard.figures import PLOTTED
from dashboard.pages import PAGES
from dashboard.tables import TABLES
from tests.integration.dashboard.conftest import STORY_ARGS, callback


def walk(node: Any) -> list[dict[str, Any]]:
    """Every component (dict with props) in a Dash response tree."""
    found = []
    if isinstance(node, dict):
        if "props" in node:
            found.append(node)
        for value in node.values():
            found += walk(value)
    elif isinstance(node, list):
        for item in node:
            found += walk(item)
    return found


def render(client: FlaskClient, path: str, search: str) -> list[dict[str, Any]]:
    inputs = [
        {"id": "url", "property": "pathname", "value": path},
        {"id": "url", "property": "search", "value": search},
    ]
    return walk(callback(client, "page-content.children", inputs))


def test_cli_json_equals_the_endpoint(story_app: Flask, manager: FlaskClient) -> None:
    api = manager.get("/dashboard/api/kpis?" + STORY_ARGS + "&carrier=ups").get_json()
    result = story_app.test_cli_runner().invoke(
        args=["kpis", "--from", "2025-03-03", "--to", "2025-03-09", "--carrier", "ups", "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == api
    # Order KPIs ignore the carrier filter (all 8 orders placed in the week, cancelled C included); parcel KPIs
    # count UPS parcels only (A, I, G shipped in the week; only G still travelling), and the JSON says which is which.
    assert printed["kpis"]["sales.orders"]["value"] == 8
    assert printed["counts"]["delivery.shipped_parcels"] == 3
    assert printed["kpis"]["delivery.in_transit"]["value"] == 1
    [applied] = printed["filters_applied"]
    assert (applied["filter"], applied["value"]) == ("carrier", "ups")
    assert "delivery.on_time_rate" in applied["applies_to"]
    assert "sales.orders" not in applied["applies_to"]
    page = manager.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()
    assert page["filters_applied"] == []
    assert printed["as_of"].startswith("2025-03-")
    assert printed["as_of_event_id"] > 0


def test_cli_refuses_a_bad_date(story_app: Flask) -> None:
    result = story_app.test_cli_runner().invoke(args=["kpis", "--from", "2025-13-01", "--to", "2025-03-09"])
    assert result.exit_code == 2
    assert "must be a date" in result.output


@pytest.mark.parametrize("path", [f"/dashboard/{p}" for p in PAGES])
def test_every_chart_and_card_shows_the_json_numbers(manager: FlaskClient, path: str) -> None:
    search = "?" + STORY_ARGS
    api = manager.get("/dashboard/api/kpis" + search).get_json()
    components = render(manager, path, search)
    graphs = {
        c["props"]["id"]["series"]: c["props"]["figure"]
        for c in components
        if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == "chart"
    }
    page = PAGES[path.removeprefix("/dashboard/")]
    assert set(graphs) == {key for key in page.charts if api["series"][key] and key not in TABLES}
    for key, figure in graphs.items():
        rows = api["series"][key]
        for trace, (field, scale) in zip(figure["data"], PLOTTED.get(key, []), strict=False):
            assert trace["y"] == [None if r[field] is None else r[field] / scale for r in rows], (key, field)
    cards = {c["props"]["id"]: c for c in components if str(c["props"].get("id", "")).startswith("kpi-")}
    for card_id, card in cards.items():
        key = card_id.removeprefix("kpi-").replace("-", ".", 1)
        shown = card["props"]["children"][2]["props"]["children"]
        assert shown == value_text(BY_KEY[key], api["kpis"][key]["value"]), key
    assert len(cards) == sum(1 for k in BY_KEY.values() if k.section in page.sections)


def test_exception_chart_plots_the_rates(manager: FlaskClient) -> None:
    components = render(manager, "/dashboard/delivery", "?" + STORY_ARGS)
    figure = next(
        c["props"]["figure"]
        for c in components
        if c["props"].get("id") == {"type": "chart", "series": "delivery.exceptions_by_carrier"}
    )
    assert [(t["name"], t["x"], t["y"]) for t in figure["data"]] == [
        ("Running late", ["USPS"], [0.5]),
        ("Lost by the carrier", ["FedEx"], [1.0]),
    ]


def test_the_page_says_what_the_carrier_filter_restricts(manager: FlaskClient) -> None:
    components = render(manager, "/dashboard/fulfilment", "?" + STORY_ARGS + "&carrier=ups")
    notes = [c["props"]["children"] for c in components if c["props"].get("className") == "filter-note"]
    assert notes == ["Filter carrier = ups: " + CARRIER_NOTE]
    plain = render(manager, "/dashboard/fulfilment", "?" + STORY_ARGS)
    assert not [c for c in plain if c["props"].get("className") == "filter-note"]


def test_an_immature_return_rate_is_flagged_and_not_coloured() -> None:
    # The comparison compute() gives an incomplete cohort rate (tests/integration/analytics/test_kpis.py).
    comparison = {"value": 0.6667, "previous": 1.0, "delta": -0.3333, "change": -0.3333, "better": None}
    card = kpi_card(BY_KEY["returns.return_rate_by_orders"], comparison | {"incomplete": True, "open_share": 0.3333})
    texts = [(part.className, part.children) for part in card.children]
    assert ("delta flat", "▼ 33.3 pts vs previous period") in texts
    assert texts[-2] == ("incomplete", "incomplete: 33% of orders still inside their return window")
    final = kpi_card(BY_KEY["returns.return_rate_by_orders"], comparison | {"better": True, "incomplete": False})
    assert [part.className for part in final.children] == [
        "label",
        "basis",
        "value",
        "delta good",
        "label",
        "definition",
    ]


def _csv_rows(client: FlaskClient, search: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The KPI export: its labels row, then per key the row under the keys row."""
    lines = list(csv.reader(io.StringIO(client.get("/dashboard/export/kpis.csv" + search).get_data(as_text=True))))
    words, keys, rows = lines[0], lines[1], lines[2:]
    return words, {row[keys.index("key")]: dict(zip(keys, row, strict=True)) for row in rows}


def test_label_unit_and_basis_agree_in_json_cards_and_csv(manager: FlaskClient) -> None:
    search = "?" + STORY_ARGS
    api = manager.get("/dashboard/api/kpis" + search).get_json()
    assert datetime.fromisoformat(api["as_of"]).tzinfo is not None  # a time, not only an event id
    words, exported = _csv_rows(manager, search)
    assert words[2:5] == ["Label", "Unit", "Counted over"]
    components = render(manager, "/dashboard/", search)
    cards = {
        c["props"]["id"]: c["props"]["children"] for c in components if str(c["props"].get("id", "")).startswith("kpi-")
    }
    assert set(api["kpis"]) == set(BY_KEY) == set(exported)
    for key, kpi in BY_KEY.items():
        shown = api["kpis"][key]
        assert (shown["label"], shown["unit"], shown["basis"]) == (kpi.label, kpi.unit, kpi.basis), key
        row = exported[key]
        assert (row["label"], row["basis"]) == (shown["label"], shown["basis"]), key
        assert row["unit"] == {"minor": "USD", "share": "share 0–1"}.get(shown["unit"], shown["unit"]), key
        card = cards[f"kpi-{key.replace('.', '-')}"]
        assert [part["props"]["children"] for part in card[:2]] == [shown["label"], shown["basis"]], key
    assert (
        api["kpis"]["delivery.on_time_rate"]["basis"]
        == "parcels shipped in the period, delivered or past their due day"
    )


def test_charts_name_their_unit_and_basis(manager: FlaskClient) -> None:
    for path in PAGES:
        components = render(manager, f"/dashboard/{path}", "?" + STORY_ARGS)
        said = [c["props"]["children"] for c in components if c["props"].get("className") == "chart-basis"]
        cards = [c for c in components if c["props"].get("className") == "chart-card"]
        assert len(said) == len(cards) > 0, path  # every chart and table says what it counts over
        assert all(text.startswith("Counted over: ") and len(text) > 20 for text in said), path
        figures = [
            c["props"]["figure"]
            for c in components
            if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == "chart"
        ]
        for figure in (f for f in figures if f["data"][0].get("type") != "table"):  # a table has no axes
            title = figure["layout"]["yaxis"]["title"]
            assert title.get("text") if isinstance(title, dict) else title, figure["data"][0].get("name")
    sales = render(manager, "/dashboard/sales", "?" + STORY_ARGS)
    assert "Counted over: " + SERIES_BASES["sales.by_period"] in [c["props"].get("children") for c in sales]
