"""One Plotly figure per bundle series. Every bar/point carries ``customdata = [kind, key]`` so a click
can ask for the orders behind it (core.analytics.drill). Money is plotted in major units (minor / 100).

Codes show as words (core.analytics.labels); every trace has its own hover text with thousands
separators and the unit (Plotly's default would say "19.12797k"); legends sit above the plot, where
no axis label can run into them.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from core.analytics import labels
from core.analytics.formatting import CURRENCY, hours_text
from dashboard import figure_tables
from dashboard.figure_parts import (
    BLUE,
    DARK,
    GREY,
    LIGHT,
    MONEY,
    ORANGE,
    PURPLE,
    RED,
    SHARE,
    SYMBOL,
    Rows,
    drill_data,
    hover,
    layout,
    money_bar,
    wrapped,
)
from dashboard.figures_more import (
    on_time_by_carrier_service,
    policy_whatif,
    reasons_by_sku,
    resolution_split,
    returns_by_cohort,
)

SALES_BARS = (
    ("Gross sales", "gross_minor", LIGHT, "sales_period", False),
    ("Discounts", "discounts_minor", ORANGE, "sales_period", True),
    ("Returns", "returns_minor", RED, "sales_returns", True),
    ("Cancellations", "cancellations_minor", PURPLE, "sales_cancellations", True),
)


def _money_line(name: str, x: list[str], minor: list[int], color: str, data: list[list[str]], dash: str) -> go.Scatter:
    y = [m / 100 for m in minor]
    line = {"dash": dash, "color": color}
    return go.Scatter(
        name=name, x=x, y=y, mode="lines+markers", line=line, customdata=data, hovertemplate=hover(name, MONEY, SYMBOL)
    )


def sales_by_period(rows: Rows) -> go.Figure:
    """Gross sales above zero and what comes off it below (discounts, returns, cancellations), net sales
    as a line; other refunds, not part of net sales, a dotted line of their own; orders on the right axis."""
    periods = [r["period"] for r in rows]
    bars = [
        money_bar(name, periods, [r[field] for r in rows], color, drill_data(kind, periods), -1 if off else 1)
        for name, field, color, kind, off in SALES_BARS
    ]
    net = _money_line(
        "Net sales", periods, [r["net_minor"] for r in rows], BLUE, drill_data("sales_net", periods), "solid"
    )
    other = [r["other_refunds_minor"] for r in rows]
    refunds = _money_line("Other refunds", periods, other, GREY, drill_data("sales_other_refunds", periods), "dot")
    orders = go.Scatter(
        name="Orders",
        x=periods,
        y=[r["orders"] for r in rows],
        yaxis="y2",
        mode="markers",
        marker={"color": DARK, "symbol": "diamond"},
        customdata=drill_data("sales_period", periods),
        hovertemplate=hover("Orders"),
    )
    return layout(
        go.Figure([*bars, net, refunds, orders]),
        barmode="relative",
        yaxis={"title": f"Amount ({CURRENCY})", "tickprefix": SYMBOL, "tickformat": ",~f", "zeroline": True},
        # Its own round ticks and no grid of its own: synced to the money axis, they fell on 0.59, 1.45...
        yaxis2={
            "title": "Orders",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "tickformat": ",~r",
            "tickmode": "auto",
            "showgrid": False,
        },
    )


def _bars(
    rows: Rows, x: str, y: str, kind: str | None, name: str, color: str = BLUE, words: Callable[[str], str] = str
) -> go.Figure:
    """One bar per row; ``words`` turns the row's code into what the axis shows (the click keeps the code)."""
    keys = [str(r[x]) for r in rows]
    custom = drill_data(kind, keys) if kind else None
    shown = [wrapped(words(k)) for k in keys]
    bar = go.Bar(
        name=name, x=shown, y=[r[y] for r in rows], marker_color=color, customdata=custom, hovertemplate=hover(name)
    )
    return layout(go.Figure([bar]), yaxis={"title": name, "tickformat": ",~r"})


def transit_by_carrier_service(rows: Rows) -> go.Figure:
    shown = [wrapped(labels.carrier_service(r["carrier"], r["service"])) for r in rows]
    data = drill_data("carrier_service", [f"{r['carrier']}|{r['service']}" for r in rows])
    fig = go.Figure([_hours_bar(name, shown, rows, field, color, data) for name, field, color in TRANSIT])
    return layout(fig, yaxis={"title": "Hours shipped → delivered", "tickformat": ",~r"})


TRANSIT = (("Median", "median_hours", BLUE), ("90th percentile", "p90_hours", GREY))


def _hours_bar(name: str, x: list[str], rows: Rows, field: str, color: str, data: list[list[str]]) -> go.Bar:
    """Bars in hours whose hover says the duration in days and hours ("7 d 2 h")."""
    said = ["–" if r[field] is None else hours_text(r[field]) for r in rows]
    return go.Bar(
        name=name,
        x=x,
        y=[r[field] for r in rows],
        marker_color=color,
        customdata=data,
        text=said,
        textposition="none",
        hovertemplate=f"%{{x}}<br>{name}: %{{text}}<extra></extra>",
    )


def exceptions_by_carrier(rows: Rows) -> go.Figure:
    traces = []
    for reason in sorted({r["reason"] for r in rows}):
        picked = [r for r in rows if r["reason"] == reason]
        name = labels.exception_reason(reason)
        traces.append(
            go.Bar(
                name=name,
                x=[labels.carrier_name(r["carrier"]) for r in picked],
                y=[r["rate"] for r in picked],
                customdata=drill_data("exception", [f"{r['carrier']}|{reason}" for r in picked]),
                hovertemplate=hover(name, SHARE),
            )
        )
    return layout(go.Figure(traces), barmode="stack", yaxis={"title": "Share of parcels", "tickformat": ".0%"})


FIGURES: dict[str, Callable[[Rows], go.Figure]] = {
    "sales.by_period": sales_by_period,
    "fulfilment.placed_to_shipped_distribution": lambda rows: _bars(rows, "bucket", "orders", "ship_bucket", "Orders"),
    "fulfilment.waiting_by_age": lambda rows: _bars(rows, "bucket", "orders", "wait_bucket", "Orders", ORANGE),
    "fulfilment.hold_queue": lambda rows: _bars(
        rows, "reason", "orders", "hold_reason", "Orders on hold", RED, labels.hold_reason
    ),
    "fulfilment.holds_by_reason": lambda rows: _bars(
        rows, "reason", "orders", None, "Orders held", GREY, labels.hold_reason
    ),
    "delivery.transit_by_carrier_service": transit_by_carrier_service,
    "delivery.exceptions_by_carrier": exceptions_by_carrier,
    "returns.by_cohort": returns_by_cohort,
    "returns.by_sku": lambda rows: _bars(rows[:15], "sku", "priority", "sku", "Priority (rate × count)"),
    "returns.reason_mix": lambda rows: _bars(rows, "reason", "units", "reason", "Units", words=labels.return_reason),
    "returns.policy_whatif": policy_whatif,
    "sales.by_product": lambda rows: figure_tables.table(rows, figure_tables.PRODUCT),
    "sales.by_channel": lambda rows: figure_tables.table(rows, figure_tables.CHANNEL),
    "fulfilment.cancellations_by_reason": lambda rows: _bars(
        rows, "reason", "orders", "cancel_reason", "Orders cancelled", RED, labels.spelled
    ),
    "delivery.on_time_by_carrier_service": on_time_by_carrier_service,
    "returns.resolution_split": resolution_split,
    "returns.reasons_by_sku": reasons_by_sku,
}

# What each chart's y values are, in bundle terms: (series key, trace name) → row field, and scale.
PLOTTED: dict[str, list[tuple[str, float]]] = {
    "sales.by_period": [
        ("gross_minor", 100),
        ("discounts_minor", -100),  # drawn below zero: taken off gross
        ("returns_minor", -100),
        ("cancellations_minor", -100),
        ("net_minor", 100),
        ("other_refunds_minor", 100),
        ("orders", 1),
    ],
    "fulfilment.placed_to_shipped_distribution": [("orders", 1)],
    "fulfilment.waiting_by_age": [("orders", 1)],
    "fulfilment.hold_queue": [("orders", 1)],
    "fulfilment.holds_by_reason": [("orders", 1)],
    "delivery.transit_by_carrier_service": [("median_hours", 1), ("p90_hours", 1)],
    "returns.by_cohort": [("return_rate_by_orders", 1), ("inside_window_share", 1), ("projected_return_rate", 1)],
    "returns.reason_mix": [("units", 1)],
    "fulfilment.cancellations_by_reason": [("orders", 1)],
    "delivery.on_time_by_carrier_service": [("on_time_rate", 1)],
    "returns.resolution_split": [("value_minor", 100)],
}
