"""The returns figures (cohorts with their projected final rate, the policy back-test, how returns are
settled, reasons per SKU) and on time by carrier: the figures added with issue 16's KPIs."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from core.analytics import labels
from core.analytics.formatting import CURRENCY
from dashboard.figure_parts import (
    BLUE,
    ORANGE,
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


def returns_by_cohort(rows: Rows) -> go.Figure:
    cohorts = [r["cohort"] for r in rows]
    data = drill_data("cohort", cohorts)
    fig = go.Figure(
        [
            go.Bar(
                name="Return rate (orders)",
                x=cohorts,
                y=[r["return_rate_by_orders"] for r in rows],
                marker_color=BLUE,
                customdata=data,
                hovertemplate=hover("Return rate (orders)", SHARE),
            ),
            go.Scatter(
                name="Still inside return window",
                x=cohorts,
                y=[r["inside_window_share"] for r in rows],
                mode="lines+markers",
                marker_color=ORANGE,
                customdata=data,
                hovertemplate=hover("Still inside return window", SHARE),
            ),
            _projected(rows, cohorts, data),
        ]
    )
    return layout(fig, yaxis={"tickformat": ".0%"})


def _projected(rows: Rows, cohorts: list[str], data: list[list[str]]) -> go.Scatter:
    """Each cohort's projected final rate, its 95 % interval as error bars (core.analytics.forecast)."""
    value = [r.get("projected_return_rate") for r in rows]
    above = [None if v is None else r["projected_high"] - v for r, v in zip(rows, value, strict=True)]
    below = [None if v is None else v - r["projected_low"] for r, v in zip(rows, value, strict=True)]
    return go.Scatter(
        name="Projected final rate (95 % interval)",
        x=cohorts,
        y=value,
        mode="markers",
        marker={"color": RED, "symbol": "diamond"},
        error_y={"type": "data", "array": above, "arrayminus": below, "color": RED},
        customdata=data,
        text=[
            "" if v is None else f"{r['projected_low']:.1%}–{r['projected_high']:.1%}"
            for r, v in zip(rows, value, strict=True)
        ],
        hovertemplate="%{x}<br>Projected final rate: %{y:.1%} (%{text})<extra></extra>",
    )


WHATIF_COLUMNS = (
    ("Policy", "scenario"),
    ("Returns", "returns"),
    ("Units", "units"),
    (f"Refunded ({CURRENCY})", "refunded_minor"),
    (f"Revenue kept ({CURRENCY})", "revenue_kept_minor"),
)


def policy_whatif(rows: Rows) -> go.Figure:
    """The policy back-test as a table: what happened, then each variant (core.analytics.whatif)."""

    def shown(key: str, value: Any) -> str:
        if key.endswith("_minor"):
            return f"{SYMBOL}{value / 100:,.2f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    cells = [[shown(key, r[key]) for r in rows] for _, key in WHATIF_COLUMNS]
    table = go.Table(
        header={"values": [name for name, _ in WHATIF_COLUMNS], "fill_color": BLUE, "font": {"color": "#fff"}},
        cells={"values": cells, "align": ["left", "right", "right", "right", "right"]},
    )
    return layout(go.Figure([table]))


def on_time_by_carrier_service(rows: Rows) -> go.Figure:
    """The on-time rate per carrier and service; the hover says how many of how many parcels."""
    shown = [wrapped(labels.carrier_service(r["carrier"], r["service"])) for r in rows]
    said = [f"{r['on_time']:,} of {r['due']:,} parcels" for r in rows]
    bar = go.Bar(
        name="On time",
        x=shown,
        y=[r["on_time_rate"] for r in rows],
        marker_color=BLUE,
        customdata=drill_data("late", [f"{r['carrier']}|{r['service']}" for r in rows]),  # the click: the late ones
        text=said,
        textposition="none",
        hovertemplate="%{x}<br>On time: %{y:.1%} (%{text})<extra></extra>",
    )
    return layout(go.Figure([bar]), yaxis={"title": "Share of due parcels", "tickformat": ".0%", "range": [0, 1]})


def resolution_split(rows: Rows) -> go.Figure:
    """Paid value per way of settling (money in major units); staff, who see no money, get units."""
    keys = [r["resolution"] for r in rows]
    shown, data = [labels.spelled(k) for k in keys], drill_data("resolution", keys)
    if rows and "value_minor" in rows[0]:
        bar = money_bar("Value asked back", shown, [r["value_minor"] for r in rows], BLUE, data)
        axis = {"title": f"Value ({CURRENCY})", "tickprefix": SYMBOL, "tickformat": ",~f"}
        return layout(go.Figure([bar]), yaxis=axis)
    units = [r["units"] for r in rows]
    bar = go.Bar(name="Units", x=shown, y=units, marker_color=BLUE, customdata=data, hovertemplate=hover("Units"))
    return layout(go.Figure([bar]), yaxis={"title": "Units", "tickformat": ",~r"})


def reasons_by_sku(rows: Rows, top: int = 15) -> go.Figure:
    """Units asked back per SKU (the most returned first), one stacked colour per reason."""
    skus = list(dict.fromkeys(r["sku"] for r in rows))[:top]
    traces = []
    for reason in sorted({r["reason"] for r in rows if r["sku"] in skus}):
        picked = [r for r in rows if r["reason"] == reason and r["sku"] in skus]
        name = labels.return_reason(reason)
        traces.append(
            go.Bar(
                name=name,
                x=[r["sku"] for r in picked],
                y=[r["units"] for r in picked],
                customdata=drill_data("sku_reason", [f"{r['sku']}|{reason}" for r in picked]),
                hovertemplate=hover(name),
            )
        )
    fig = go.Figure(traces)
    return layout(
        fig,
        barmode="stack",
        xaxis={"categoryorder": "array", "categoryarray": skus},
        yaxis={"title": "Units", "tickformat": ",~r"},
    )
