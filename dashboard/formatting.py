"""How numbers read on the dashboard: money, hours, shares and counts, and the delta beside them."""

from __future__ import annotations

from typing import Any

from core.analytics.definitions import Kpi

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(minor: int | None, currency: str = "USD") -> str:
    if minor is None:
        return "–"
    sign = "-" if minor < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, '')}{abs(minor) / 100:,.2f}"


def value_text(kpi: Kpi, value: Any, currency: str = "USD") -> str:
    """A KPI value in its unit; ``–`` when there is nothing to measure."""
    if value is None:
        return "–"
    if kpi.unit == "minor":
        return money(value, currency)
    if kpi.unit == "hours":
        return f"{value:,.1f} h"
    if kpi.unit == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,}"


def delta_text(kpi: Kpi, comparison: dict[str, Any], currency: str = "USD") -> tuple[str, str]:
    """(text, css class) of the change against the previous period; the class says good or bad news."""
    delta = comparison.get("delta")
    if delta is None:
        return "no comparison", "flat"
    if delta == 0:
        return "no change vs previous period", "flat"
    arrow = "▲" if delta > 0 else "▼"
    if kpi.unit == "share":
        amount = f"{abs(delta) * 100:.1f} pts"
    elif kpi.unit == "minor":
        amount = money(abs(delta), currency)
    elif kpi.unit == "hours":
        amount = f"{abs(delta):,.1f} h"
    else:
        amount = f"{abs(delta):,}"
    css = {True: "good", False: "bad", None: "flat"}[comparison.get("better")]
    return f"{arrow} {amount} vs previous period", css
