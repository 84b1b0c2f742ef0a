"""The dashboard's charts, cards and exports show words and units, never codes, keys or SI prefixes."""

from __future__ import annotations

import json
import re

import plotly.io as pio

from core.analytics.definitions import BY_KEY, KPIS
from dashboard.exports import csv_text, kpi_rows, label
from dashboard.figures import FIGURES


def test_figures_show_words_with_separators_and_legends_above_the_plot() -> None:
    hold = FIGURES["fulfilment.hold_queue"]([{"reason": "po_box", "orders": 19127, "oldest_hours": 3}])
    transit = FIGURES["delivery.transit_by_carrier_service"](
        [{"carrier": "dhl", "service": "Express Worldwide", "median_hours": 169.5, "p90_hours": 200.0}]
    )
    money = ("gross_minor", "discounts_minor", "returns_minor", "cancellations_minor", "other_refunds_minor")
    sales = FIGURES["sales.by_period"](
        [{"period": "2025-03-03", "net_minor": 1912797, "orders": 3} | dict.fromkeys(money, 0)]
    )
    assert hold.data[0].x == ("PO box address the<br>chosen carrier does<br>not deliver to",)
    assert list(hold.data[0].customdata[0]) == ["hold_reason", "po_box"]  # the click still names the code
    assert transit.data[0].x == ("DHL Express<br>Worldwide",)
    assert transit.data[0].text == ("7 d 2 h",)
    net = next(trace for trace in sales.data if trace.name == "Net sales")
    assert net.hovertemplate == "%{x}<br>Net sales: $%{y:,.2f}<extra></extra>"
    for fig in (hold, transit, sales):
        assert fig.layout.legend.y >= 1
        assert fig.layout.legend.yanchor == "bottom"
        for trace in fig.data:
            assert trace.hovertemplate
            assert not re.search(r"%\{y\}", trace.hovertemplate)
    assert "po_box" not in json.dumps([t["x"] for t in json.loads(pio.to_json(hold))["data"]])


def test_kpi_definitions_show_without_internal_keys() -> None:
    from dashboard.components import kpi_card

    card = kpi_card(BY_KEY["sales.gross_minor"], {"value": 12345, "previous": 100, "delta": 12245, "better": True})
    details = card.children[-1]
    assert details.children[0].children == "Definition"
    assert details.children[1].children == BY_KEY["sales.gross_minor"].definition
    assert "sales.gross_minor" not in json.dumps(card.to_plotly_json(), default=str)
    assert all(not k.definition.startswith(k.key) for k in KPIS)


def test_csv_labels_row_then_keys_row_money_in_major_units() -> None:
    text = csv_text([{"period": "2025-03-03", "gross_minor": 12345, "median_hours": 5.5, "orders": 3}])
    assert text.splitlines() == [
        "Period,Gross sales (USD),Median transit (hours),Orders",
        "period,gross_minor,median_hours,orders",
        "2025-03-03,123.45,5.5,3",
    ]
    rows = list(kpi_rows({"sales.aov_minor": {"value": 4500, "previous": None, "delta": None}}))
    assert rows[0]["kpi"] == "Average order value (USD)"
    assert str(rows[0]["value"]) == "45.00"
    assert label("on_time_rate") == "On time (share 0–1)"
