"""A drill-down's order links open the staff order page (they named the order's id, which the hub's
order route does not take: every link was a 404)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from core.analytics import DrillPage
from core.contrast import ratio
from dashboard.app import TABLE_HEAD
from dashboard.drilldown import table_rows
from tests.integration.dashboard.conftest import STORY_ARGS


def test_each_drilled_order_links_to_its_staff_page(story_app: Flask, manager: FlaskClient) -> None:
    url = "/dashboard/api/drill?" + STORY_ARGS + "&kind=carrier_service&key=ups|Ground&page=0"
    rows = manager.get(url).get_json()["rows"]
    with story_app.test_request_context():  # the table's times are the shop's; url_for builds the link
        links = [row["number"] for row in table_rows(DrillPage(rows, len(rows), 0, 20), with_money=True)]
    assert len(links) == 3
    for link, row in zip(links, rows, strict=True):
        text, href = re.fullmatch(r"\[(.+)\]\((.+)\)", link).groups()  # type: ignore[union-attr]
        page = manager.get(href)
        assert (text, page.status_code) == (row["number"], 200)
        assert f"Order {row['number']}" in page.get_data(as_text=True)


def test_drill_table_head_is_readable() -> None:
    """The head's text against its own background meets WCAG's 4.5:1 for normal text."""
    assert ratio(TABLE_HEAD["color"], TABLE_HEAD["backgroundColor"]) >= 4.5


def test_drill_csv_has_labels_with_units_then_keys_then_money_in_major_units(manager: FlaskClient) -> None:
    csv = manager.get("/dashboard/export/drill.csv?" + STORY_ARGS + "&kind=sku&key=TEE-L").get_data(as_text=True)
    labels, keys, row = csv.splitlines()
    assert labels == "Order id,Order,Placed (UTC),Status,Channel,Value (USD),Currency"
    assert keys == "order_id,number,placed_at,status,channel,value_minor,currency"
    assert re.fullmatch(r"\d+,SL\w+,2025-03-0\dT\d\d:\d\d,\w+,\w+,\d+\.\d\d,USD", row), row
