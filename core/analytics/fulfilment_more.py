"""Fulfilment KPIs managers expect beside the placed → shipped times: split shipments, the time from
label to the carrier's first scan, and cancellations by reason.

Order figures count the orders placed in the period (as ``fulfilment``), measured with everything
known now. Label to first scan counts outbound parcels labelled in the period.
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.kpi import Kpi
from core.analytics.sql import Cursor, hours, one, order_filter, rate, run, scope_sql, shipment_carrier_sql

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "fulfilment.split_shipment_rate",
        "Split shipments",
        "share",
        False,
        "Orders shipped in more than one outbound parcel / orders shipped, over orders placed in the period.",
        basis="shipped orders placed in the period",
    ),
    Kpi(
        "fulfilment.label_to_first_scan_median_hours",
        "Label → first carrier scan (median)",
        "hours",
        False,
        "Median clock hours from creating an outbound parcel's label to the carrier's first scan of it"
        " (a staff hand-over is not a scan), over parcels labelled in the period that were scanned.",
        basis="outbound parcels labelled in the period and scanned",
    ),
    Kpi(
        "fulfilment.label_to_first_scan_p90_hours",
        "Label → first carrier scan (p90)",
        "hours",
        False,
        "90th percentile of the same hours (linear interpolation).",
        basis="outbound parcels labelled in the period and scanned",
    ),
)

SERIES: dict[str, str] = {
    "fulfilment.cancellations_by_reason": "Orders placed in the period and cancelled, per cancellation reason"
    " (staff's or the store's words), with their share of the orders placed: the shares add up to the"
    " cancellation rate.",
}

# The parcels that left with each order: a label printed and cancelled is no shipment.
_PARCELS = (
    "parcels AS (SELECT order_id, count(*) AS n FROM shipments_f"
    " WHERE kind = 'outbound' AND shipped_at IS NOT NULL GROUP BY 1)"
)


def split_shipments(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Shipped orders of the period's cohort that left in two or more parcels."""
    shipped, split = one(
        cur,
        f"""WITH {scope_sql(f)}, {_PARCELS}
        SELECT count(*), count(*) FILTER (WHERE p.n > 1) FROM scoped o JOIN parcels p USING (order_id)
        WHERE o.placed_at >= $start AND o.placed_at < $end AND o.cancelled_at IS NULL""",
        f,
    )
    return {"split_orders": int(split), "split_shipment_rate": rate(split, shipped)}


def label_to_first_scan(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Clock hours from label to first carrier scan, over outbound parcels labelled in the period."""
    count, median, p90 = one(
        cur,
        f"""WITH {scope_sql(f)}
        SELECT count(*), quantile_cont(h, 0.5), quantile_cont(h, 0.9)
        FROM (SELECT hours_between(s.label_created_at, s.first_scan_at) AS h FROM shipments_f s
              WHERE s.kind = 'outbound' AND s.label_created_at >= $start AND s.label_created_at < $end
                AND s.first_scan_at IS NOT NULL AND {shipment_carrier_sql(f)} AND {order_filter(f, "s.order_id")})""",
        f,
    )
    return {
        "scanned_parcels": int(count),
        "label_to_first_scan_median_hours": hours(median),
        "label_to_first_scan_p90_hours": hours(p90),
    }


# The reason given when the order was cancelled; orders cancelled before the log kept one say "unknown".
CANCELLED_SQL = (
    "cancelled AS (SELECT o.order_id, coalesce(arg_max(c.reason, c.id), 'unknown') AS reason"
    " FROM scoped o LEFT JOIN cancels_f c USING (order_id)"
    " WHERE o.placed_at >= $start AND o.placed_at < $end AND o.cancelled_at IS NOT NULL GROUP BY 1)"
)


def cancellations_by_reason(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Cancelled orders of the period's cohort per reason, most frequent first."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {CANCELLED_SQL}
        SELECT reason, count(*),
               (SELECT count(*) FROM scoped WHERE placed_at >= $start AND placed_at < $end)
        FROM cancelled GROUP BY 1 ORDER BY 2 DESC, 1""",
        f,
    )
    return [{"reason": reason, "orders": int(n), "rate": rate(n, placed)} for reason, n, placed in rows]
