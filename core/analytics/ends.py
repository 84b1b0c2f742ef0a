"""Fulfilment time with its end named, and on time with its basis named (issue 16, §2).

"Placed → shipped" ends when a parcel is marked as having left; two other ends are offered beside it:
the label created (the warehouse's work is done) and the first carrier scan (the carrier has it). Each
is measured per order placed in the period (not cancelled), to the first outbound parcel reaching that
end, with everything known now. On time comes over two bases (``delivery.on_time``): all due parcels
(``delivery.on_time_rate``, late ones still out count against it) and delivered parcels only.
"""

from __future__ import annotations

from typing import Any

from core.analytics import bases as b
from core.analytics.filters import Filters
from core.analytics.kpi import Kpi
from core.analytics.sql import Cursor, hours, one, scope_sql

LABELLED = "orders placed in the period with a label, cancelled ones left out"
SCANNED = "orders placed in the period scanned by a carrier, cancelled ones left out"

END_KPIS: tuple[Kpi, ...] = (
    Kpi(
        "fulfilment.placed_to_label_median_hours",
        "Placed → label created (median)",
        "hours",
        False,
        "Median hours from placing to the first label of a parcel that was not cancelled.",
        LABELLED,
    ),
    Kpi(
        "fulfilment.placed_to_label_p90_hours",
        "Placed → label created (p90)",
        "hours",
        False,
        "90th percentile of the same hours (linear interpolation).",
        LABELLED,
    ),
    Kpi(
        "fulfilment.placed_to_first_scan_median_hours",
        "Placed → first carrier scan (median)",
        "hours",
        False,
        "Median hours from placing to the first carrier scan of any of the order's parcels.",
        SCANNED,
    ),
    Kpi(
        "fulfilment.placed_to_first_scan_p90_hours",
        "Placed → first carrier scan (p90)",
        "hours",
        False,
        "90th percentile of the same hours (linear interpolation).",
        SCANNED,
    ),
    Kpi(
        "delivery.on_time_delivered_rate",
        "On time, delivered parcels only",
        "share",
        True,
        "Parcels delivered on or before the originally promised day (the shop's days) / parcels delivered;"
        " parcels still out after their day are left out (see On time, all due parcels).",
        b.DELIVERED_PARCELS,
    ),
)

# Per order of the cohort: its first label (of a parcel not cancelled) and its first carrier scan.
_ENDS = (
    "ends AS (SELECT o.order_id, o.placed_at,"
    " min(s.label_created_at) FILTER (WHERE s.status <> 'cancelled') AS labelled_at,"
    " min(s.first_scan_at) AS scanned_at"
    " FROM scoped o JOIN shipments_f s ON s.order_id = o.order_id AND s.kind = 'outbound'"
    " WHERE o.placed_at >= $start AND o.placed_at < $end AND o.cancelled_at IS NULL GROUP BY 1, 2)"
)


def fulfilment_ends(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Median and p90 hours from placing to the label created, and to the first carrier scan."""
    row = one(
        cur,
        f"""WITH {scope_sql(f)}, {_ENDS},
        spans AS (SELECT hours_between(placed_at, labelled_at) AS to_label,
                         hours_between(placed_at, scanned_at) AS to_scan FROM ends)
        SELECT count(to_label), quantile_cont(to_label, 0.5), quantile_cont(to_label, 0.9),
               count(to_scan), quantile_cont(to_scan, 0.5), quantile_cont(to_scan, 0.9) FROM spans""",
        f,
    )
    labelled, label_median, label_p90, scanned, scan_median, scan_p90 = row
    return {
        "labelled_orders": int(labelled),
        "placed_to_label_median_hours": hours(label_median),
        "placed_to_label_p90_hours": hours(label_p90),
        "scanned_orders": int(scanned),
        "placed_to_first_scan_median_hours": hours(scan_median),
        "placed_to_first_scan_p90_hours": hours(scan_p90),
    }
