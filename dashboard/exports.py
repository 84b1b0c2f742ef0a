"""CSV exports as people read them: a header row of labels with units, then a row of the JSON keys.

Row 1 names each column for a person ("Gross sales (USD)"), row 2 gives the key the JSON uses
("gross_minor"), so a spreadsheet reads well and a script can still find its columns. Money is written
in major units of the currency (12345 minor → 123.45); every other value is as the JSON has it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from core.analytics.definitions import KPIS
from core.analytics.formatting import CURRENCY
from core.money import exponent

UNITS = {"_minor": "{currency}", "_hours": "hours", "_share": "share 0–1", "_rate": "share 0–1"}
# Column keys whose words are not just the key spelled out.
WORDS = {
    "kpi": "KPI",
    "order_id": "Order id",
    "number": "Order",
    "placed_at": "Placed (UTC)",
    "aov": "Average order value",
    "p90_hours": "p90 transit",
    "median_hours": "Median transit",
    "sku": "SKU",
    "change": "Change (share 0–1)",
    "better": "Better than previous",
    "previous": "Previous period",
    "incomplete": "Still incomplete",
    "open_share": "Orders still inside return window (share 0–1)",
    "projected_return_rate": "Projected final return rate (share 0–1)",
    "projected_low": "Projected final rate 95 % low (share 0–1)",
    "projected_high": "Projected final rate 95 % high (share 0–1)",
    "on_time": "Parcels on time",
    "due": "Parcels due",
    "on_time_rate": "On time",
    "reasons": "Failed tests",
}
KPI_LABELS = {k.key: k for k in KPIS}
# Every KPI row has the cohort-rate flags (empty for KPIs that are always final), so one header fits all.
FLAGS = {"incomplete": False, "open_share": None}


def label(key: str, currency: str = CURRENCY) -> str:
    """The words for a column key, with its unit: ``gross_minor`` → "Gross sales (USD)"."""
    stem, unit = key, ""
    for suffix, name in UNITS.items():
        if key.endswith(suffix):
            stem, unit = key.removesuffix(suffix), name.format(currency=currency)
    kpi = next((k for k in KPIS if k.name == key), None)
    words = WORDS.get(key) or WORDS.get(stem) or (kpi.label if kpi else stem.replace("_", " ").capitalize())
    return f"{words} ({unit})" if unit and "(" not in words else words


def cell(key: str, value: Any, currency: str = CURRENCY) -> Any:
    """Money in major units (123.45); a list (an order's failed tests) as ``a; b``; any other value unchanged."""
    if key.endswith("_minor") and isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(round(value)).scaleb(-exponent(currency))
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return value


def kpi_rows(kpis: Mapping[str, Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """One row per KPI: its words and unit, its key, then value / previous / delta in that unit."""
    for key, comparison in kpis.items():
        kpi = KPI_LABELS.get(key)
        unit_key = "x_minor" if kpi and kpi.is_money else ("x_hours" if kpi and kpi.unit == "hours" else "x")
        words = label(unit_key).replace("X", kpi.label if kpi else key, 1)
        yield {"kpi": words, "key": key} | {
            name: cell(unit_key if name in {"value", "previous", "delta"} else name, value)
            for name, value in (dict(comparison) | {f: comparison.get(f, d) for f, d in FLAGS.items()}).items()
        }


def csv_text(rows: Iterable[Mapping[str, Any]]) -> str:
    """Labels row, keys row, then the rows (empty text when there are none)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    keys: list[str] | None = None
    for row in rows:
        if keys is None:
            keys = list(row)
            writer.writerow([label(k) for k in keys])
            writer.writerow(keys)
        writer.writerow([cell(k, row.get(k)) for k in keys])
    return buffer.getvalue()
