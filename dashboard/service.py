"""The dashboard's one query: the KPI bundle for the request's filters, as this user may see it.

The warehouse and its cache live on the Flask app (one per process), built on first use so apps
that never open the dashboard (tests, CLI commands) pay nothing.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

import duckdb
from flask import Flask, current_app
from flask_login import current_user

from core.analytics import Filters, KpiService, Warehouse, parse_filters, without_money
from core.permissions import Permission
from web.extensions import shop

_KEY = "shiplog.kpis"
_build_lock = threading.Lock()
log = logging.getLogger(__name__)


def _warehouse(app: Flask) -> Warehouse:
    """A persisted copy when ANALYTICS_DUCKDB_PATH is set (fast restarts); DuckDB lets one process own
    a file, so a second worker on the same file falls back to a copy in memory."""
    db = shop(app).db
    path = app.config.get("ANALYTICS_DUCKDB_PATH") or os.environ.get("ANALYTICS_DUCKDB_PATH") or ":memory:"
    try:
        return Warehouse(db, path)
    except duckdb.IOException as error:
        log.warning("analytics copy %s is in use (%s); keeping this process's copy in memory", path, error)
        return Warehouse(db)


def kpi_service(app: Flask | None = None) -> KpiService:
    """The app's KPI service; the DuckDB copy is created and loaded on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_KEY)
    if found is None:
        with _build_lock:
            found = app.extensions.get(_KEY)
            if found is None:
                found = KpiService(_warehouse(app))
                app.extensions[_KEY] = found
    return found


def sees_money() -> bool:
    """Whether the signed-in member's role has ``money.reports`` (managers, unless the shop says otherwise)."""
    may = getattr(current_user, "may", None)
    return bool(may is not None and may(Permission.MONEY_REPORTS))


def filters_from(args: Mapping[str, str]) -> Filters:
    """Parse the filters; the return window defaults to the shop's policy."""
    return parse_filters(args, window_days=shop().return_policy.window_days)


def bundle_for(filters: Filters) -> dict[str, Any]:
    """Every KPI for the filters; staff who are not managers get it without money."""
    bundle = kpi_service().bundle(filters)
    return bundle if sees_money() else without_money(bundle)


def dimension_values() -> dict[str, list[str]]:
    """Channels, carriers and SKUs present in the data, for the filter drop-downs."""
    service = kpi_service()
    service.warehouse.sync()
    with service.warehouse.cursor() as cur:
        return {
            "channel": [r[0] for r in cur.execute("SELECT DISTINCT channel FROM orders_f ORDER BY 1").fetchall()],
            "carrier": [
                r[0]
                for r in cur.execute(
                    "SELECT DISTINCT carrier FROM shipments_f WHERE kind = 'outbound' ORDER BY 1"
                ).fetchall()
            ],
            "product": [r[0] for r in cur.execute("SELECT DISTINCT sku FROM lines_f ORDER BY 1").fetchall()],
        }
