"""The Dash app: built once per Flask app, mounted under /dashboard/, its shell and its router.

Dash normally starts its renderer with an inline ``<script>``; the dashboard's CSP forbids inline
script, so ``ShiplogDash`` loads the same one line from ``assets/boot.js`` instead. Dash Pages is not
used for the same reason (it registers an inline clientside callback to set the title); the router
below is a table lookup in ``dashboard.pages.PAGES``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import Dash, dash_table, dcc, html
from flask import Flask
from flask_login import current_user

from dashboard import callbacks, drilldown, service
from dashboard.guard import CSRF_COOKIE
from dashboard.pages import PAGES
from dashboard.tables import TABLE_HEAD

ASSETS = Path(__file__).resolve().parent / "assets"
# Dash's own page, with the language named (screen readers pick their voice by it) and a word for
# browsers without script, which would otherwise show "Loading..." for ever.
INDEX = """<!DOCTYPE html>
<html lang="en">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>
<noscript><p class="noscript">The dashboard needs JavaScript, which is off in this browser.
Orders, returns and their actions are in the <a href="/staff/">order hub</a>, which works without it.</p></noscript>
{%app_entry%}
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>"""


class ShiplogDash(Dash):
    """Dash with its renderer started from a file, so the page needs no inline script."""

    def _generate_renderer(self) -> str:
        src = self.get_asset_url("boot.js")
        return f'<script id="_dash-renderer" src="{src}"></script>'


def _nav() -> html.Nav:
    manager = service.sees_money()
    links = [
        dcc.Link(page.title, href=f"/dashboard/{page.path}", id={"type": "nav", "page": page.path})
        for page in PAGES.values()
        if manager or not page.managers_only
    ]
    who = f"{getattr(current_user, 'email', '')} ({getattr(current_user, 'role', '')})"
    return html.Nav(
        [
            html.Span("Shiplog KPIs", className="brand"),
            *links,
            html.A("Order hub", href="/staff/"),
            html.Span(who, className="who"),
        ],
        className="dash-nav",  # not "dash-header": DataTable gives its <th> that class
    )


def _filter(label: str, control: Any) -> html.Div:
    return html.Div([html.Label(label), control], className="filter")


def _filters() -> html.Div:
    return html.Div(
        [
            _filter("Dates", dcc.DatePickerRange(id="filter-dates", display_format="YYYY-MM-DD", first_day_of_week=1)),
            _filter("Channel", dcc.Dropdown(id="filter-channel", placeholder="All channels")),
            _filter("Carrier", dcc.Dropdown(id="filter-carrier", placeholder="All carriers")),
            _filter("Product (SKU)", dcc.Dropdown(id="filter-product", placeholder="All products")),
            _filter(
                "Per",
                dcc.RadioItems(id="filter-granularity", options=["day", "week", "month"], value="day", inline=True),
            ),
        ],
        className="dash-filters",
    )


def _drill() -> html.Div:
    table = dash_table.DataTable(
        id="drill-table",
        columns=[
            {"id": "number", "name": "Order", "presentation": "markdown"},
            {"id": "placed_at", "name": "Placed (shop time)"},
            {"id": "status", "name": "Status"},
            {"id": "channel", "name": "Channel"},
            {"id": "value", "name": "Value"},
        ],
        data=[],
        page_action="custom",
        page_current=0,
        page_size=drilldown.PAGE_SIZE,
        page_count=0,
        markdown_options={"link_target": "_self"},
        style_cell={"textAlign": "left", "fontFamily": "inherit", "whiteSpace": "normal", "height": "auto"},
        style_table={"overflowX": "auto"},  # a phone scrolls the table, not the page (its links take focus)
        style_header=TABLE_HEAD,
    )
    head = html.Div(
        [html.H3(id="drill-title"), html.A("Export CSV", id="drill-csv", href="", className="csv-link")],
        className="chart-head",
    )
    return html.Div([head, table], id="drill", className="drill", hidden=True)


def shell() -> html.Div:
    """The frame around every page; built per page load so the navigation fits the user's role."""
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="drill-store"),
            _nav(),
            _filters(),
            html.Main([dcc.Loading(html.Div(id="page-content"), delay_show=300), _drill()], className="dash-main"),
        ]
    )


def build(server: Flask) -> ShiplogDash:
    app = ShiplogDash(
        __name__,
        server=False,
        url_base_pathname="/dashboard/",
        serve_locally=True,
        assets_folder=str(ASSETS),
        assets_ignore=r"boot\.js",
        suppress_callback_exceptions=True,
        title="Shiplog dashboard",
        index_string=INDEX,
        update_title=None,
        csrf_token_name=CSRF_COOKIE,
    )
    app.layout = shell
    callbacks.register(app)
    drilldown.register(app)
    app.init_app(server)
    return app
