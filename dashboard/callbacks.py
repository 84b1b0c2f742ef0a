"""Filters ⇄ URL and the page router. The URL's query string is the single source of the filters,
so any view can be bookmarked or shared; the controls only mirror and edit it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from core.analytics import StoreNotReady, labels
from core.errors import DomainError
from dashboard import service
from dashboard.components import notice, page_body
from dashboard.pages import page_for

CONTROLS = (
    ("filter-dates", "start_date", "from"),
    ("filter-dates", "end_date", "to"),
    ("filter-channel", "value", "channel"),
    ("filter-carrier", "value", "carrier"),
    ("filter-product", "value", "product"),
    ("filter-granularity", "value", "granularity"),
)


def query_args(search: str | None) -> dict[str, str]:
    return dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=False))


def controls_from(search: str | None) -> list[Any]:
    """The control values the URL asks for, defaults filled in."""
    try:
        f = service.filters_from(query_args(search))
    except DomainError:
        f = service.filters_from({})
    return [f.start.isoformat(), f.end.isoformat(), f.channel, f.carrier, f.sku, f.granularity]


def search_from(search: str | None, values: list[Any]) -> str:
    """The query string with the controls' values, other parameters (SLA settings...) kept."""
    args = query_args(search)
    for (_, _, name), value in zip(CONTROLS, values, strict=True):
        if value:
            args[name] = str(value)[:10] if name in {"from", "to"} else str(value)
        else:
            args.pop(name, None)
    return "?" + urlencode(args)


def _options(values: list[str], words: Callable[[str], str] = str) -> list[dict[str, str]]:
    """Dropdown choices: the words shown, the code kept in the URL."""
    return [{"label": words(v), "value": v} for v in values]


def register(app: Dash) -> None:
    @app.callback(
        Output("url", "search"),
        *[Output(cid, prop) for cid, prop, _ in CONTROLS],
        Input("url", "search"),
        *[Input(cid, prop) for cid, prop, _ in CONTROLS],
    )
    def sync_filters(search: str | None, *values: Any) -> list[Any]:
        """URL → controls on load and navigation; a control change → URL."""
        if ctx.triggered_id in (None, "url"):
            return [no_update, *controls_from(search)]
        new = search_from(search, list(values))
        return [new if new != (search or "?") else no_update] + [no_update] * len(CONTROLS)

    @app.callback(
        Output({"type": "nav", "page": ALL}, "href"),
        Input("url", "search"),
        State({"type": "nav", "page": ALL}, "id"),
    )
    def keep_filters_across_pages(search: str | None, ids: list[dict[str, str]]) -> list[str]:
        """Moving to another page keeps the filters: the navigation links carry the query string."""
        return [f"/dashboard/{ident['page']}{search or ''}" for ident in ids]

    @app.callback(
        Output("filter-channel", "options"),
        Output("filter-carrier", "options"),
        Output("filter-product", "options"),
        Input("url", "pathname"),
    )
    def filter_options(_: str | None) -> list[Any]:
        values = service.dimension_values()
        return [
            _options(values["channel"], labels.spelled),
            _options(values["carrier"], labels.carrier_name),
            _options(values["product"]),
        ]

    @app.callback(Output("page-content", "children"), Input("url", "pathname"), Input("url", "search"))
    def render_page(pathname: str | None, search: str | None) -> Any:
        """The page for the path, with the KPI bundle for the URL's filters."""
        page = page_for((pathname or "/dashboard/").removeprefix("/dashboard"))
        if page is None:
            return notice("There is no such dashboard page.")
        if page.managers_only and not service.sees_money():
            return notice("This page shows money figures and is for managers only.")
        try:
            filters = service.filters_from(query_args(search))
        except DomainError as error:
            return notice(f"These filters cannot be used: {error.message}")
        try:
            bundle = service.bundle_for(filters)
        except StoreNotReady as error:
            return notice(service.preparing_text(error))
        return page_body(page, bundle, search or "")
