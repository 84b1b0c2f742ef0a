"""The dashboard's JSON and CSV: the same bundle the charts plot, behind the same staff login.

GET /dashboard/api/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD[&channel=&carrier=&product=&granularity=]
GET /dashboard/api/drill?kind=…&key=…&page=0  (+ the same filters)
GET /dashboard/export/<series>.csv, /dashboard/export/kpis.csv, /dashboard/export/drill.csv
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import Forbidden, NotFound

from core.analytics import SERIES, StoreNotReady
from core.errors import DomainError
from dashboard import service
from dashboard.drilldown import drill_page
from dashboard.exports import csv_text, kpi_rows
from web.errors import problem

bp = Blueprint("dashboard_api", __name__, url_prefix="/dashboard")
EXPORT_LIMIT = 100_000


@bp.errorhandler(DomainError)
def bad_filters(error: DomainError) -> Response:
    return problem(400, "Bad filters", error.message, {error.field: error.message} if error.field else None)


@bp.errorhandler(StoreNotReady)
def not_ready(error: StoreNotReady) -> Response:
    """Before the first sync has published: 503 with when it started, never a build inside the request."""
    response = problem(503, "Analytics are being prepared", service.preparing_text(error))
    response.headers["Retry-After"] = "30"
    return response


@bp.get("/api/kpis")
def kpis() -> Response:
    """Every KPI for the filters, with the previous period, as JSON (money in minor units, hours)."""
    return jsonify(service.bundle_for(service.filters_from(request.args)))


def _page_number() -> int:
    raw = request.args.get("page", "0")
    if not raw.isdigit():
        raise DomainError("page must be a whole number.", field="page")
    return int(raw)


@bp.get("/api/drill")
def drill() -> Response:
    """The orders behind a chart element, one page at a time."""
    found = drill_page(
        service.filters_from(request.args), request.args.get("kind", ""), request.args.get("key", ""), _page_number()
    )
    rows = (
        found.rows if service.sees_money() else [{k: v for k, v in r.items() if k != "value_minor"} for r in found.rows]
    )
    return jsonify({"rows": rows, "total": found.total, "page": found.page, "page_size": found.page_size})


def _csv(name: str, rows: Iterable[dict[str, Any]], currency: str) -> Response:
    """Labels with units on the first header row, the JSON keys on the second (dashboard.exports)."""
    response = Response(csv_text(rows, currency), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@bp.get("/export/<key>.csv")
def export(key: str) -> Response:
    """A chart's series (or ``kpis``: every KPI with its comparison) as CSV."""
    bundle = service.bundle_for(service.filters_from(request.args))
    currency = bundle["reporting_currency"]
    if key == "kpis":
        return _csv(key, kpi_rows(bundle["kpis"], currency), currency)
    if key not in SERIES:
        raise NotFound(f"No series {key!r}.")
    if key not in bundle["series"]:
        raise Forbidden("This export shows money figures and is for managers only.")
    return _csv(key, bundle["series"][key], currency)


@bp.get("/export/drill.csv")
def export_drill() -> Response:
    """Every order behind a chart element (up to 100,000) as CSV."""
    filters = service.filters_from(request.args)
    found = drill_page(
        filters,
        request.args.get("kind", ""),
        request.args.get("key", ""),
        0,
        page_size=EXPORT_LIMIT,
    )
    manager = service.sees_money()
    rows = ({k: v for k, v in r.items() if manager or k != "value_minor"} for r in found.rows)
    return _csv("orders", rows, filters.currency)
