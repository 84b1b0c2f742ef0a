"""How KPI figures read: money, hours, shares and counts, and the change beside them.

The dashboard's cards and ``flask kpis`` print the same words.
"""

from __future__ import annotations

from typing import Any

from core.analytics.definitions import Kpi
from core.money import money_text

# Only a fallback: money is reported in the shop's currency setting, which the bundle carries as
# ``reporting_currency`` (Filters.currency); cards, charts, CSVs and the CLI pass that one on.
CURRENCY = "USD"


def money(minor: Any, currency: str = CURRENCY) -> str:
    """Money in minor units as people read it; ``–`` when there is none."""
    if minor is None:
        return "–"
    return money_text(round(minor), currency)


def hours_text(hours: float) -> str:
    """A duration as people say it: under a day in hours ("5.5 h"), from a day on in days and whole
    hours ("169.5" → "7 d 2 h"), since "169.5 h" makes the reader divide by 24."""
    if abs(hours) < 24:
        return f"{hours:,.1f} h"
    days, rest = divmod(round(abs(hours)), 24)
    sign = "-" if hours < 0 else ""
    return f"{sign}{days:,} d {rest} h" if rest else f"{sign}{days:,} d"


def value_text(kpi: Kpi, value: Any, currency: str = CURRENCY) -> str:
    """A KPI value in its unit; ``–`` when there is nothing to measure."""
    if value is None:
        return "–"
    if kpi.unit == "minor":
        return money(value, currency)
    if kpi.unit == "hours":
        return hours_text(value)
    if kpi.unit == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,}"


def delta_text(kpi: Kpi, comparison: dict[str, Any], currency: str = CURRENCY) -> tuple[str, str]:
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
        amount = hours_text(abs(delta))
    else:
        amount = f"{abs(delta):,}"
    css = {True: "good", False: "bad", None: "flat"}[comparison.get("better")]
    return f"{arrow} {amount} vs previous period", css
