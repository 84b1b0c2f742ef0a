"""One Plotly figure per bundle series. Every bar/point carries ``customdata = [kind, key]`` so a click
can ask for the orders behind it (core.analytics.drill). Money is plotted in major units (minor / 100).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

Rows = list[dict[str, Any]]
BLUE, ORANGE, GREY, RED = "#1f4f82", "#f2a900", "#8a96a3", "#b3261e"


def _layout(fig: go.Figure, **extra: Any) -> go.Figure:
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        height=300,
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="#fff",
        clickmode="event",
        **extra,
    )
    return fig


def _drill(kind: str, keys: list[str]) -> list[list[str]]:
    return [[kind, key] for key in keys]


def sales_by_period(rows: Rows) -> go.Figure:
    periods = [r["period"] for r in rows]
    data = _drill("sales_period", periods)
    fig = go.Figure(
        [
            go.Bar(
                name="Net sales", x=periods, y=[r["net_minor"] / 100 for r in rows], marker_color=BLUE, customdata=data
            ),
            go.Bar(
                name="Refunds", x=periods, y=[r["refunds_minor"] / 100 for r in rows], marker_color=RED, customdata=data
            ),
            go.Scatter(
                name="Orders",
                x=periods,
                y=[r["orders"] for r in rows],
                yaxis="y2",
                mode="lines+markers",
                marker_color=ORANGE,
                customdata=data,
            ),
        ]
    )
    return _layout(
        fig,
        yaxis={"title": "amount", "rangemode": "tozero"},
        yaxis2={"title": "orders", "overlaying": "y", "side": "right", "rangemode": "tozero", "tickformat": ",d"},
    )


def _bars(rows: Rows, x: str, y: str, kind: str | None, name: str, color: str = BLUE) -> go.Figure:
    keys = [str(r[x]) for r in rows]
    custom = _drill(kind, keys) if kind else None
    return _layout(
        go.Figure([go.Bar(name=name, x=keys, y=[r[y] for r in rows], marker_color=color, customdata=custom)])
    )


def transit_by_carrier_service(rows: Rows) -> go.Figure:
    labels = [f"{r['carrier']} / {r['service']}" for r in rows]
    data = _drill("carrier_service", [f"{r['carrier']}|{r['service']}" for r in rows])
    fig = go.Figure(
        [
            go.Bar(name="median h", x=labels, y=[r["median_hours"] for r in rows], marker_color=BLUE, customdata=data),
            go.Bar(name="p90 h", x=labels, y=[r["p90_hours"] for r in rows], marker_color=GREY, customdata=data),
        ]
    )
    return _layout(fig, yaxis={"title": "hours shipped → delivered"})


def exceptions_by_carrier(rows: Rows) -> go.Figure:
    traces = []
    for reason in sorted({r["reason"] for r in rows}):
        picked = [r for r in rows if r["reason"] == reason]
        traces.append(
            go.Bar(
                name=reason,
                x=[r["carrier"] for r in picked],
                y=[r["rate"] for r in picked],
                customdata=_drill("exception", [f"{r['carrier']}|{reason}" for r in picked]),
            )
        )
    return _layout(go.Figure(traces), barmode="stack", yaxis={"title": "share of parcels", "tickformat": ".0%"})


def returns_by_cohort(rows: Rows) -> go.Figure:
    cohorts = [r["cohort"] for r in rows]
    data = _drill("cohort", cohorts)
    fig = go.Figure(
        [
            go.Bar(
                name="return rate (orders)",
                x=cohorts,
                y=[r["return_rate_by_orders"] for r in rows],
                marker_color=BLUE,
                customdata=data,
            ),
            go.Scatter(
                name="still inside return window",
                x=cohorts,
                y=[r["inside_window_share"] for r in rows],
                mode="lines+markers",
                marker_color=ORANGE,
                customdata=data,
            ),
        ]
    )
    return _layout(fig, yaxis={"tickformat": ".0%"})


FIGURES: dict[str, Callable[[Rows], go.Figure]] = {
    "sales.by_period": sales_by_period,
    "fulfilment.placed_to_shipped_distribution": lambda rows: _bars(rows, "bucket", "orders", "ship_bucket", "orders"),
    "fulfilment.waiting_by_age": lambda rows: _bars(rows, "bucket", "orders", "wait_bucket", "orders", ORANGE),
    "fulfilment.hold_queue": lambda rows: _bars(rows, "reason", "orders", "hold_reason", "orders on hold", RED),
    "fulfilment.holds_by_reason": lambda rows: _bars(rows, "reason", "orders", None, "orders held", GREY),
    "delivery.transit_by_carrier_service": transit_by_carrier_service,
    "delivery.exceptions_by_carrier": exceptions_by_carrier,
    "returns.by_cohort": returns_by_cohort,
    "returns.by_sku": lambda rows: _bars(rows[:15], "sku", "priority", "sku", "priority (rate × count)"),
    "returns.reason_mix": lambda rows: _bars(rows, "reason", "units", "reason", "units"),
}

# What each chart's y values are, in bundle terms: (series key, trace name) → row field, and scale.
PLOTTED: dict[str, list[tuple[str, float]]] = {
    "sales.by_period": [("net_minor", 100), ("refunds_minor", 100), ("orders", 1)],
    "fulfilment.placed_to_shipped_distribution": [("orders", 1)],
    "fulfilment.waiting_by_age": [("orders", 1)],
    "fulfilment.hold_queue": [("orders", 1)],
    "fulfilment.holds_by_reason": [("orders", 1)],
    "delivery.transit_by_carrier_service": [("median_hours", 1), ("p90_hours", 1)],
    "returns.by_cohort": [("return_rate_by_orders", 1), ("inside_window_share", 1)],
    "returns.reason_mix": [("units", 1)],
}
