"""Click a bar or point → the orders behind it, paged on the server, each linking to its staff page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from core.analytics import DrillPage, Filters, StoreNotReady, labels
from core.analytics.formatting import money
from core.errors import DomainError
from dashboard import service
from dashboard.callbacks import query_args
from web.links import order_link
from web.times import stamp

PAGE_SIZE = 20
KIND_TEXT = {
    "sales_period": "placed in period",
    "sales_returns": "with goods returned (refunded) in period",
    "sales_cancellations": "cancelled in period",
    "sales_other_refunds": "with other refunds in period",
    "sales_net": "placed, returned or cancelled in period",
    "ship_bucket": "placed → shipped",
    "wait_bucket": "waiting",
    "hold_reason": "on hold for",
    "carrier_service": "shipped with",
    "exception": "exception",
    "cohort": "with returns, ordered in",
    "sku": "with returns of",
    "reason": "returns for",
    "cancel_reason": "cancelled:",
    "late": "with a late parcel of",
    "resolution": "with returns settled by",
    "sku_reason": "with returns of",
}


def drill_page(filters: Filters, kind: str, key: str, page: int, page_size: int = PAGE_SIZE) -> DrillPage:
    """One page of the orders behind a chart element (the dashboard's drill-down query)."""
    return service.analytics().drill(filters, kind, key, page, page_size)


def key_words(kind: str, key: str) -> str:
    """The chosen bar as the chart shows it: "DHL Express Worldwide", not ``dhl|Express Worldwide``."""
    first, _, second = key.partition("|")
    if kind in {"carrier_service", "late"}:
        return labels.carrier_service(first, second)
    if kind == "exception":
        return f"{labels.carrier_name(first)}: {labels.exception_reason(second)}"
    if kind == "sku_reason":
        return f"{first}: {labels.return_reason(second)}"
    if kind == "resolution":
        return labels.spelled(key).lower()
    words = {"hold_reason": labels.hold_reason, "reason": labels.return_reason}.get(kind)
    return words(key) if words else key


def table_rows(found: DrillPage, with_money: bool) -> list[dict[str, Any]]:
    return [
        {
            "number": f"[{row['number']}]({order_link(row['number'])})",
            "placed_at": stamp(datetime.fromisoformat(row["placed_at"]).replace(tzinfo=UTC)),  # the copy keeps UTC
            "status": labels.spelled(row["status"]),
            "channel": labels.spelled(row["channel"]),
            "value": money(row["value_minor"]) if with_money else "–",
        }
        for row in found.rows
    ]


def _picked(click: dict[str, Any] | None) -> dict[str, str] | None:
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    if not isinstance(data, list) or len(data) != 2:
        return None
    return {"kind": str(data[0]), "key": str(data[1])}


def register(app: Dash) -> None:
    @app.callback(
        Output("drill-store", "data"),
        Output("drill-table", "page_current"),
        Input({"type": "chart", "series": ALL}, "clickData"),
        Input("url", "pathname"),
        Input("url", "search"),
    )
    def pick(_: list[Any], __: str | None, ___: str | None) -> list[Any]:
        if ctx.triggered_id in (None, "url") or not isinstance(ctx.triggered_id, dict):
            return [None, 0]
        chosen = _picked(ctx.triggered[0]["value"])
        return [chosen, 0] if chosen else [no_update, no_update]

    @app.callback(
        Output("drill-table", "data"),
        Output("drill-table", "page_count"),
        Output("drill-title", "children"),
        Output("drill-csv", "href"),
        Output("drill", "hidden"),
        Input("drill-store", "data"),
        Input("drill-table", "page_current"),
        State("url", "search"),
    )
    def show(chosen: dict[str, str] | None, page: int | None, search: str | None) -> list[Any]:
        if not chosen:
            return [[], 0, "", "", True]
        args = query_args(search)
        try:
            found = drill_page(service.filters_from(args), chosen["kind"], chosen["key"], page or 0)
        except DomainError as error:
            return [[], 0, f"Cannot show these orders: {error.message}", "", False]
        except StoreNotReady as error:
            return [[], 0, service.preparing_text(error), "", False]
        title = f"{found.total} orders {KIND_TEXT.get(chosen['kind'], '')} {key_words(chosen['kind'], chosen['key'])}"
        csv = "/dashboard/export/drill.csv?" + urlencode(args | chosen)
        pages = max(1, -(-found.total // PAGE_SIZE))
        return [table_rows(found, service.sees_money()), pages, title, csv, False]
