"""Series a manager reads as a table (sales by product, by channel): a Plotly table figure, so it sits in
a chart card like any chart, with its definition and its CSV export.

Headers are the CSV's words with their unit ("Gross sales (USD)"); cells are formatted as the cards
format them: money with the currency, counts with thousands separators, codes as words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

from core.analytics import labels
from core.analytics.formatting import money
from dashboard.exports import label

Rows = list[dict[str, Any]]
HEADER, LINES, INK = "#e8edf3", "#c5ced8", "#1b1f24"  # dark ink on a light header: readable (axe contrast)
WORDS: dict[str, Callable[[Any], str]] = {"channel": labels.spelled}


def cell(key: str, value: Any) -> str:
    """One value as the page shows it."""
    if value is None:
        return "–"
    if key.endswith("_minor"):
        return money(value)
    if key in WORDS:
        return WORDS[key](value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(rows: Rows, keys: tuple[str, ...]) -> go.Figure:
    """One row per series row, one column per key; text columns left, numbers right."""
    align = ["left" if k in {"sku", "channel"} else "right" for k in keys]
    figure = go.Figure(
        go.Table(
            header={
                "values": [f"<b>{label(k)}</b>" for k in keys],
                "fill_color": HEADER,
                "line_color": LINES,
                "font": {"color": INK, "size": 13},
                "align": align,
            },
            cells={
                "values": [[cell(k, r.get(k)) for r in rows] for k in keys],
                "fill_color": "#fff",
                "line_color": LINES,
                "font": {"color": INK, "size": 13},
                "align": align,
                "height": 26,
            },
        )
    )
    # Tall enough for a header wrapped on three lines and every row (capped: the table scrolls, the CSV
    # has them all), with no plot margins to waste.
    figure.update_layout(margin={"l": 4, "r": 4, "t": 4, "b": 4}, height=min(100 + 28 * len(rows), 480))
    return figure


PRODUCT = ("sku", "orders", "units", "gross_minor", "discounts_minor")
CHANNEL = ("channel", "orders", "units", "gross_minor", "discounts_minor", "aov_minor")
