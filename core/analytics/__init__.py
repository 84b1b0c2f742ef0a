"""KPIs over a DuckDB copy of the shop's facts. Pure functions of (cursor, filters); see docs/kpis.md."""

from core.analytics.bundle import KpiService, compute, without_money
from core.analytics.definitions import BY_KEY, KPIS, SERIES
from core.analytics.drill import DRILL_KINDS, DrillPage, drill_orders
from core.analytics.filters import Filters, parse_filters
from core.analytics.store import StoreNotReady, StoreReader, StoreWriter
from core.analytics.warehouse import Warehouse

__all__ = [
    "BY_KEY",
    "DRILL_KINDS",
    "KPIS",
    "SERIES",
    "DrillPage",
    "Filters",
    "KpiService",
    "StoreNotReady",
    "StoreReader",
    "StoreWriter",
    "Warehouse",
    "compute",
    "drill_orders",
    "parse_filters",
    "without_money",
]
