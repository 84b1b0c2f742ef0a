"""Delivery KPIs: transit time by carrier and service, order-to-door, on-time rate, exceptions, in transit.

Parcel KPIs count outbound parcels that left in the range (exchange parcels are not deliveries of a
sale); order-to-door counts orders placed in the range that are fully delivered.
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.sql import (
    Cursor,
    hours,
    local_day_sql,
    one,
    order_filter,
    rate,
    run,
    scope_sql,
    shipment_carrier_sql,
    status_at_sql,
)

# Parcels in these final exception states are not "in transit" any more, though never delivered.
GONE = ("lost", "returned_to_sender")


def _shipped(f: Filters) -> str:
    return (
        "shipped AS (SELECT s.* FROM shipments_f s WHERE s.kind = 'outbound' AND s.shipped_at >= $start"
        f" AND s.shipped_at < $end AND {shipment_carrier_sql(f)} AND {order_filter(f, 's.order_id')})"
    )


def transit(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Hours from leaving to delivery, over delivered parcels."""
    count, median, p90 = one(
        cur,
        f"""WITH {scope_sql(f)}, {_shipped(f)}
        SELECT count(*), quantile_cont(h, 0.5), quantile_cont(h, 0.9)
        FROM (SELECT hours_between(shipped_at, delivered_at) AS h FROM shipped WHERE delivered_at IS NOT NULL)""",
        f,
    )
    return {"delivered_parcels": int(count), "transit_median_hours": hours(median), "transit_p90_hours": hours(p90)}


def transit_by_carrier_service(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {_shipped(f)}
        SELECT carrier, service, count(*), count(delivered_at),
               quantile_cont(hours_between(shipped_at, delivered_at), 0.5),
               quantile_cont(hours_between(shipped_at, delivered_at), 0.9)
        FROM shipped GROUP BY 1, 2 ORDER BY 1, 2""",
        f,
    )
    return [
        {
            "carrier": c,
            "service": s,
            "shipped": int(n),
            "delivered": int(d),
            "median_hours": hours(m),
            "p90_hours": hours(p),
        }
        for c, s, n, d, m, p in rows
    ]


def order_to_door(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Hours from placing to the last parcel delivered, over fully delivered orders placed in the range."""
    count, median, p90 = one(
        cur,
        f"""WITH {scope_sql(f)}
        SELECT count(*), quantile_cont(h, 0.5), quantile_cont(h, 0.9)
        FROM (SELECT hours_between(placed_at, delivered_at) AS h FROM scoped
              WHERE placed_at >= $start AND placed_at < $end AND delivered_at IS NOT NULL)""",
        f,
    )
    return {
        "delivered_orders": int(count),
        "order_to_door_median_hours": hours(median),
        "order_to_door_p90_hours": hours(p90),
    }


def on_time_sql(delivered: str = "delivered_at", eta: str = "original_eta") -> str:
    """The on-time rule, one place: delivered on or before the promised day, both the shop's days
    (perfect order reuses it). NULL, not false, while undelivered."""
    return f"({local_day_sql(delivered)} <= {local_day_sql(eta)})"


def promise_due_sql(delivered: str = "delivered_at", eta: str = "original_eta") -> str:
    """Whether a parcel's promise can be judged: delivered, or its promised day is over (shop's days)."""
    return f"({delivered} IS NOT NULL OR {local_day_sql(eta)} < {local_day_sql('$now')})"


# The same rule over the parcels shipped in the period, for the table per carrier and service
# (``delivery_more``) and its drill-down: columns ``on_time`` and ``due`` of ``promised``.
shipped_sql = _shipped
PROMISED = (
    f"promised AS (SELECT order_id, carrier, service, {on_time_sql()} AS on_time, {promise_due_sql()} AS due"
    " FROM shipped WHERE original_eta IS NOT NULL)"
)
ON_TIME, DUE = "on_time", "due"


def on_time(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Delivered on or before the originally promised day, among parcels delivered or past that day.
    Days are the shop's: due 14 Sep and delivered 14 Sep 21:30 New York time is on time."""
    punctual, due = one(
        cur,
        f"""WITH {scope_sql(f)}, {_shipped(f)}
        SELECT count(*) FILTER (WHERE {on_time_sql()}), count(*) FILTER (WHERE {promise_due_sql()})
        FROM shipped WHERE original_eta IS NOT NULL""",
        f,
    )
    return {"on_time_parcels": int(punctual), "due_parcels": int(due), "on_time_rate": rate(punctual, due)}


_FLAGGED = (
    "flagged AS (SELECT DISTINCT shipment_id, reason FROM exceptions_f WHERE shipment_id IN (SELECT id FROM shipped))"
)


def exceptions(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Share of parcels that left in the range and hit at least one carrier exception."""
    hit, total = one(
        cur,
        f"WITH {scope_sql(f)}, {_shipped(f)}, {_FLAGGED}"
        " SELECT (SELECT count(DISTINCT shipment_id) FROM flagged), (SELECT count(*) FROM shipped)",
        f,
    )
    return {"exception_parcels": int(hit), "shipped_parcels": int(total), "exception_rate": rate(hit, total)}


def exceptions_by_carrier(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Per carrier and sub-reason: parcels with that exception over the carrier's parcels in the range."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {_shipped(f)}, {_FLAGGED},
        per_carrier AS (SELECT carrier, count(*) AS parcels FROM shipped GROUP BY 1)
        SELECT s.carrier, fl.reason, count(DISTINCT fl.shipment_id), min(pc.parcels)
        FROM flagged fl JOIN shipped s ON s.id = fl.shipment_id JOIN per_carrier pc USING (carrier)
        GROUP BY 1, 2 ORDER BY 1, 2""",
        f,
    )
    return [
        {"carrier": c, "reason": r, "parcels": int(n), "carrier_parcels": int(t), "rate": rate(n, t)}
        for c, r, n, t in rows
    ]


def in_transit(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Outbound parcels that had left but were not delivered at the snapshot, by their status then
    (cancelled ones and those already lost or returned to sender left out)."""
    (count,) = one(
        cur,
        f"""WITH {scope_sql(f)}, {status_at_sql("statuses", "shipment")},
        gone AS (SELECT shipment_id FROM exceptions_f WHERE occurred_at < $snapshot AND reason IN {GONE})
        SELECT count(*) FROM shipments_f s JOIN statuses st ON st.id = s.id
        WHERE {order_filter(f, "s.order_id")} AND s.kind = 'outbound' AND s.shipped_at < $snapshot
          AND {shipment_carrier_sql(f)} AND (s.delivered_at IS NULL OR s.delivered_at >= $snapshot)
          AND st.status <> 'cancelled' AND NOT (st.status = 'exception' AND s.id IN (SELECT shipment_id FROM gone))""",
        f,
    )
    return {"in_transit": int(count)}
