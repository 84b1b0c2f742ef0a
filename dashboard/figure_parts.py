"""What every dashboard figure shares: colours, hover text, the layout, and the click's customdata."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from core.analytics.formatting import CURRENCY
from core.money import SYMBOLS

Rows = list[dict[str, Any]]
BLUE, ORANGE, GREY, RED = "#1f4f82", "#f2a900", "#8a96a3", "#b3261e"
LIGHT, PURPLE, DARK = "#9fbbdc", "#6b4c9a", "#2b2b2b"
SYMBOL = SYMBOLS.get(CURRENCY, "")
COUNT, MONEY, SHARE = ",d", ",.2f", ".1%"


def hover(name: str, fmt: str = COUNT, prefix: str = "") -> str:
    """The hover line of a trace: bar, name and value with separators and unit, never SI prefixes."""
    return f"%{{x}}<br>{name}: {prefix}%{{y:{fmt}}}<extra></extra>"


def wrapped(text: str, width: int = 20) -> str:
    """Long category words on several lines, so neighbouring axis labels do not run into each other."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def layout(fig: go.Figure, **extra: Any) -> go.Figure:
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=320,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        plot_bgcolor="#fff",
        clickmode="event",
        separators=".,",
        modebar={"orientation": "v"},  # down the right edge, clear of the legend above the plot
        **extra,
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def drill_data(kind: str, keys: list[str]) -> list[list[str]]:
    return [[kind, key] for key in keys]


def money_bar(name: str, x: list[str], minor: list[int], color: str, data: list[list[str]], sign: int = 1) -> go.Bar:
    """Bars of money in major units, hovered with the currency and two decimals; ``sign`` -1 draws an
    amount taken off (discounts, returns, cancellations) below zero."""
    y = [sign * m / 100 for m in minor]
    return go.Bar(name=name, x=x, y=y, marker_color=color, customdata=data, hovertemplate=hover(name, MONEY, SYMBOL))


# The sales lines of sales.by_period drawn as bars: (name, row field, colour, drill kind, drawn below zero).
