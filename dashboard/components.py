"""Building blocks: KPI cards and charts, each with its definition in a <details> (visible, reachable by
keyboard, read by screen readers: a hover tooltip is none of these), CSV links, page sections."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from core.analytics.definitions import KPIS, SERIES, Kpi
from core.analytics.formatting import delta_text, value_text
from dashboard.figures import FIGURES
from dashboard.pages import CHART_TITLES, Page
from dashboard.service import as_of_text
from dashboard.tables import TABLES

PREFIX = "/dashboard/"


def definition(text: str) -> html.Details:
    """How a number is counted, one click or Enter away; in the words of docs/kpis.md, without keys."""
    return html.Details([html.Summary("Definition"), html.P(text)], className="definition")


def projected_text(projected: dict[str, Any]) -> str:
    """ "projected final: 7.2 % (6.6–7.7 %)"."""
    low, high = (f"{(projected.get(k) or 0) * 100:.1f}" for k in ("low", "high"))
    return f"projected final: {(projected.get('value') or 0) * 100:.1f} % ({low}–{high} %)"


def kpi_card(kpi: Kpi, comparison: dict[str, Any]) -> html.Div:
    """Value, change against the previous period (coloured by good/bad news), then its definition."""
    text, css = delta_text(kpi, comparison)
    previous = value_text(kpi, comparison.get("previous"))
    parts = [
        html.Div(kpi.label, className="label"),
        html.Div(value_text(kpi, comparison.get("value")), className="value"),
        html.Div(text, className=f"delta {css}"),
        html.Div(f"previous: {previous}", className="label"),
    ]
    if comparison.get("projected"):  # where the still-open cohort's rate is heading (core.analytics.forecast)
        parts.append(html.Div(projected_text(comparison["projected"]), className="projected"))
    if comparison.get("incomplete"):  # a cohort rate that can still rise: say so, never colour it
        still = f"{(comparison.get('open_share') or 0) * 100:.0f}%"
        parts.append(
            html.Div(f"incomplete: {still} of orders still inside their return window", className="incomplete")
        )
    return html.Div(
        [*parts, definition(kpi.definition)],
        className="kpi-card",
        id=f"kpi-{kpi.key.replace('.', '-')}",
    )


def kpi_section(section: str, bundle: dict[str, Any]) -> list[Any]:
    cards = [kpi_card(k, bundle["kpis"][k.key]) for k in KPIS if k.section == section and k.key in bundle["kpis"]]
    return [html.H2(section.capitalize()), html.Div(cards, className="kpi-grid")] if cards else []


def chart(key: str, bundle: dict[str, Any], search: str) -> html.Div:
    """One chart card; a click on a bar opens its orders below, the CSV link exports the series."""
    rows = bundle["series"].get(key, [])
    body: Any = html.P("No data for these filters.", className="empty")
    if rows and key in TABLES:
        body = TABLES[key](rows)
    elif rows:
        body = dcc.Graph(id={"type": "chart", "series": key}, figure=FIGURES[key](rows), config={"displaylogo": False})
    head = html.Div(
        [
            html.H3(CHART_TITLES[key]),
            html.A("Export CSV", href=f"{PREFIX}export/{key}.csv{search}", className="csv-link", id=f"csv-{key}"),
        ],
        className="chart-head",
    )
    return html.Div([head, definition(SERIES[key]), body], className="chart-card", id=f"card-{key}")


def page_body(page: Page, bundle: dict[str, Any], search: str) -> list[Any]:
    previous = bundle["previous_period"]
    note = (
        f"{bundle['filters']['from']} to {bundle['filters']['to']}, compared with "
        f"{previous['from']} to {previous['to']}. Open \u201cDefinition\u201d under a number or a chart for how it is "
        "counted; click a bar or point for the orders behind it."
    )
    export = html.A(
        "Export all KPIs as CSV", href=f"{PREFIX}export/kpis.csv{search}", className="csv-link", id="csv-kpis"
    )
    fresh = html.P(as_of_text(bundle.get("as_of")), className="as-of", id="as-of", title=bundle.get("as_of") or "")
    parts: list[Any] = [
        html.H1(page.title),
        html.P(page.summary),
        fresh,
        html.P([note, " ", export], className="period-note"),
    ]
    # What each filter restricts (the carrier filter leaves order KPIs alone): the page says so.
    for applied in bundle.get("filters_applied", []):
        parts.append(
            html.P(f"Filter {applied['filter']} = {applied['value']}: {applied['note']}", className="filter-note")
        )
    for section in page.sections:
        parts += kpi_section(section, bundle)
    charts = [chart(key, bundle, search) for key in page.charts if key in bundle["series"]]
    parts.append(html.Div(charts, className="chart-grid"))
    return parts


def notice(text: str) -> html.Div:
    return html.Div(text, className="notice", role="alert")
