"""Series that read as tables, not charts: a row per customer or per order, with links to the order.

Each table pages in the browser (the bundle holds at most a few hundred rows) and its series exports
as CSV like any chart's. Its header colours are the drill-down table's (readable, checked for contrast).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dash import dash_table

from core.analytics.perfect_order import FAILURE_WORDS
from web.links import order_link
from web.times import stamp

Rows = list[dict[str, Any]]
# Dash's default table head is white-ish text on #fafafa for some themes; name both colours so the head
# reads (contrast 13:1, checked in tests/integration/dashboard/test_drill_links.py).
TABLE_HEAD = {"backgroundColor": "#e8edf3", "color": "#1d2733", "fontWeight": "600"}
PAGE_SIZE = 20


def table(key: str, columns: list[tuple[str, str]], data: Rows, *, links: bool = False) -> dash_table.DataTable:
    """A DataTable of ``columns`` (id, heading); ``links`` renders the first column as markdown links."""
    specs: list[dict[str, Any]] = [{"id": cid, "name": name} for cid, name in columns]
    if links:
        specs[0]["presentation"] = "markdown"
    return dash_table.DataTable(
        id={"type": "table", "series": key},
        columns=specs,
        data=data,
        page_action="native",
        page_size=PAGE_SIZE,
        markdown_options={"link_target": "_self"},
        style_cell={"textAlign": "left", "fontFamily": "inherit", "whiteSpace": "normal", "height": "auto"},
        style_table={"overflowX": "auto"},
        style_header=TABLE_HEAD,
    )


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def frequent_returners(rows: Rows) -> dash_table.DataTable:
    columns = [
        ("customer", "Customer"),
        ("delivered_orders", "Delivered orders"),
        ("returned_orders", "Orders returned"),
        ("returns", "Returns"),
        ("return_rate", "Return rate (orders)"),
    ]
    data = [r | {"return_rate": _share(r["return_rate_by_orders"])} for r in rows]
    return table("returns.frequent_returners", columns, data)


def perfect_order_failures(rows: Rows) -> dash_table.DataTable:
    """Each failed order links to its staff page, with the tests it failed in words."""
    data = [
        {
            "number": f"[{r['number']}]({order_link(r['number'])})",
            "placed_at": stamp(datetime.fromisoformat(r["placed_at"]).replace(tzinfo=UTC)),  # the bundle keeps UTC
            "reasons": "; ".join(FAILURE_WORDS.get(code, code) for code in r["reasons"]),
        }
        for r in rows
    ]
    columns = [("number", "Order"), ("placed_at", "Placed (shop time)"), ("reasons", "Failed")]
    return table("fulfilment.perfect_order_failures", columns, data, links=True)


TABLES: dict[str, Callable[[Rows], dash_table.DataTable]] = {
    "returns.frequent_returners": frequent_returners,
    "fulfilment.perfect_order_failures": perfect_order_failures,
}
