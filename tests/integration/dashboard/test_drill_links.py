"""A drill-down's order links open the staff order page (they named the order's id, which the hub's
order route does not take: every link was a 404)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from core.analytics import DrillPage
from dashboard.drilldown import table_rows
from tests.integration.dashboard.conftest import STORY_ARGS


def test_each_drilled_order_links_to_its_staff_page(story_app: Flask, manager: FlaskClient) -> None:
    url = "/dashboard/api/drill?" + STORY_ARGS + "&kind=carrier_service&key=ups|Ground&page=0"
    rows = manager.get(url).get_json()["rows"]
    with story_app.app_context():  # the table's times are the shop's
        links = [row["number"] for row in table_rows(DrillPage(rows, len(rows), 0, 20), with_money=True)]
    assert len(links) == 3
    for link, row in zip(links, rows, strict=True):
        text, href = re.fullmatch(r"\[(.+)\]\((.+)\)", link).groups()  # type: ignore[union-attr]
        page = manager.get(href)
        assert (text, page.status_code) == (row["number"], 200)
        assert f"Order {row['number']}" in page.get_data(as_text=True)
