"""The sales chart draws every line of sales.by_period: gross above zero, what comes off it below, net sales
and other refunds as lines, orders on their own axis; each element drills to the orders it sums."""

from __future__ import annotations

from dashboard.figures import FIGURES, PLOTTED

# The test story's 03-04 (C placed and cancelled) and 03-07 (F placed, A's TEE-M back at 2316), in minor units.
ROWS = [
    {
        "period": "2025-03-04",
        "orders": 1,
        "gross_minor": 2500,
        "discounts_minor": 0,
        "returns_minor": 0,
        "cancellations_minor": 2500,
        "net_minor": 0,
        "other_refunds_minor": 0,
    },
    {
        "period": "2025-03-07",
        "orders": 1,
        "gross_minor": 5000,
        "discounts_minor": 0,
        "returns_minor": 2316,
        "cancellations_minor": 0,
        "net_minor": 2684,
        "other_refunds_minor": 0,
    },
]


def test_each_sales_line_has_its_trace_and_what_comes_off_gross_is_below_zero() -> None:
    fig = FIGURES["sales.by_period"](ROWS)
    shown = {trace.name: (trace.type, list(trace.y)) for trace in fig.data}
    assert shown == {
        "Gross sales": ("bar", [25.0, 50.0]),
        "Discounts": ("bar", [0.0, 0.0]),
        "Returns": ("bar", [0.0, -23.16]),
        "Cancellations": ("bar", [-25.0, 0.0]),
        "Net sales": ("scatter", [0.0, 26.84]),
        "Other refunds": ("scatter", [0.0, 0.0]),
        "Orders": ("scatter", [1, 1]),
    }
    # Stacked relative to zero: a day's bars span gross (above) and what came off it (below); the net line
    # is their sum (50.00 − 23.16 = 26.84).
    assert fig.layout.barmode == "relative"
    assert fig.data[-1].yaxis == "y2"
    assert [field for field, _ in PLOTTED["sales.by_period"]] == [
        "gross_minor",
        "discounts_minor",
        "returns_minor",
        "cancellations_minor",
        "net_minor",
        "other_refunds_minor",
        "orders",
    ]


def test_each_sales_element_drills_to_the_orders_it_sums() -> None:
    fig = FIGURES["sales.by_period"](ROWS)
    kinds = {trace.name: {tuple(point) for point in trace.customdata} for trace in fig.data}
    assert kinds["Returns"] == {("sales_returns", "2025-03-04"), ("sales_returns", "2025-03-07")}
    assert {kind for kind, _ in kinds["Cancellations"]} == {"sales_cancellations"}
    assert {kind for kind, _ in kinds["Other refunds"]} == {"sales_other_refunds"}
    assert {kind for kind, _ in kinds["Net sales"]} == {"sales_net"}
    assert {kind for kind, _ in kinds["Gross sales"] | kinds["Orders"]} == {"sales_period"}
