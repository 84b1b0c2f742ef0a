"""Fulfilment KPIs: placed → shipped time, the SLA, orders waiting, the hold queue and cancellations.

The cohort is the orders placed in the range (not cancelled), measured with everything known now.
"Waiting" is a snapshot at the end of the range (or now, if the range is still running).
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.sql import Cursor, hours, local_time_sql, one, order_filter, rate, run, scope_sql, status_at_sql

# Upper bounds (hours) of the placed → shipped histogram; the last bucket is open-ended.
SHIP_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("0-24 h", 0, 24),
    ("24-48 h", 24, 48),
    ("48-72 h", 48, 72),
    ("72-120 h", 72, 120),
    ("120 h+", 120, float("inf")),
)
WAIT_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("under 24 h", 0, 24),
    ("24-48 h", 24, 48),
    ("48-96 h", 48, 96),
    ("96 h+", 96, float("inf")),
)

_COHORT = "cohort AS (SELECT * FROM scoped WHERE placed_at >= $start AND placed_at < $end AND cancelled_at IS NULL)"


def _elapsed(f: Filters, start: str, stop: str) -> str:
    """Business hours are the shop's Monday-Friday; clock hours are elapsed time (DST-proof in UTC)."""
    if f.sla_business:
        return f"biz_hours_between({local_time_sql(start)}, {local_time_sql(stop)})"
    return f"hours_between({start}, {stop})"


def bucket_case(column: str, buckets: tuple[tuple[str, float, float], ...]) -> str:
    arms = " ".join(f"WHEN {column} < {high} THEN '{label}'" for label, _, high in buckets if high != float("inf"))
    return f"CASE {arms} ELSE '{buckets[-1][0]}' END"


def placed_to_shipped(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Median, p90 and count of hours from placing to the first parcel leaving."""
    count, median, p90 = one(
        cur,
        f"""WITH {scope_sql(f)}, {_COHORT}
        SELECT count(*), quantile_cont(h, 0.5), quantile_cont(h, 0.9)
        FROM (SELECT hours_between(placed_at, shipped_at) AS h FROM cohort WHERE shipped_at IS NOT NULL)""",
        f,
    )
    return {
        "shipped_orders": int(count),
        "placed_to_shipped_median_hours": hours(median),
        "placed_to_shipped_p90_hours": hours(p90),
    }


def placed_to_shipped_distribution(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Shipped orders per time-to-ship bucket, every bucket listed."""
    rows = dict(
        run(
            cur,
            f"""WITH {scope_sql(f)}, {_COHORT}
            SELECT {bucket_case("hours_between(placed_at, shipped_at)", SHIP_BUCKETS)}, count(*)
            FROM cohort WHERE shipped_at IS NOT NULL GROUP BY 1""",
            f,
        )
    )
    return [{"bucket": label, "orders": int(rows.get(label, 0))} for label, _, _ in SHIP_BUCKETS]


def within_sla_sql(f: Filters, placed: str = "placed_at", shipped: str = "shipped_at") -> str:
    """The SLA decision, one place: shipped, within the SLA's hours of placing (perfect order reuses it)."""
    return f"({shipped} IS NOT NULL AND {_elapsed(f, placed, shipped)} <= $sla)"


def sla_due_sql(f: Filters, placed: str = "placed_at", shipped: str = "shipped_at") -> str:
    """Whether the SLA can be judged yet: shipped, or already past the deadline unshipped."""
    return f"({shipped} IS NOT NULL OR {_elapsed(f, placed, '$now')} > $sla)"


def sla(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Share of orders shipped within the SLA, among those shipped or already past their deadline."""
    within, due = one(
        cur,
        f"""WITH {scope_sql(f)}, {_COHORT}
        SELECT count(*) FILTER (WHERE {within_sla_sql(f)}), count(*) FILTER (WHERE {sla_due_sql(f)})
        FROM cohort""",
        f,
    )
    return {"sla_within": int(within), "sla_due": int(due), "sla_share": rate(within, due)}


_WAITING = (
    "waiting AS (SELECT order_id, hours_between(placed_at, $snapshot) AS age FROM scoped"
    " WHERE placed_at < $snapshot AND (shipped_at IS NULL OR shipped_at >= $snapshot)"
    " AND (cancelled_at IS NULL OR cancelled_at >= $snapshot))"
)


def waiting(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Orders not yet shipped nor cancelled at the snapshot, and how long they have waited."""
    count, median, oldest = one(
        cur,
        f"WITH {scope_sql(f)}, {_WAITING} SELECT count(*), quantile_cont(age, 0.5), max(age) FROM waiting",
        f,
    )
    return {"orders_waiting": int(count), "waiting_median_hours": hours(median), "waiting_oldest_hours": hours(oldest)}


def waiting_by_age(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    rows = dict(
        run(
            cur,
            f"WITH {scope_sql(f)}, {_WAITING} SELECT {bucket_case('age', WAIT_BUCKETS)}, count(*) "
            "FROM waiting GROUP BY 1",
            f,
        )
    )
    return [{"bucket": label, "orders": int(rows.get(label, 0))} for label, _, _ in WAIT_BUCKETS]


def held_sql(f: Filters) -> str:
    """``held``: the scoped orders on hold at the snapshot, with their last hold reason and since when."""
    return (
        f"{status_at_sql('statuses', 'order')}, held AS (SELECT s.id AS order_id,"
        " coalesce(arg_max(h.reason, h.occurred_at), 'unknown') AS hold_reason, max(h.occurred_at) AS since"
        " FROM statuses s LEFT JOIN holds_f h ON h.order_id = s.id AND h.occurred_at < $snapshot"
        f" WHERE s.status = 'on_hold' AND {order_filter(f, 's.id')} GROUP BY 1)"
    )


def hold_queue(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Orders on hold at the end of the period (or now), per reason, and how long the oldest had been held."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {held_sql(f)}
        SELECT hold_reason, count(*), greatest(max(hours_between(since, $snapshot)), 0)
        FROM held GROUP BY 1 ORDER BY 2 DESC, 1""",
        f,
    )
    return [{"reason": reason, "orders": int(n), "oldest_hours": hours(age)} for reason, n, age in rows]


def holds_by_reason(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Orders put on hold during the range, per reason."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}
        SELECT h.reason, count(DISTINCT h.order_id) FROM holds_f h
        WHERE {order_filter(f, "h.order_id")} AND h.occurred_at >= $start AND h.occurred_at < $end GROUP BY 1 ORDER BY 2 DESC, 1""",
        f,
    )
    return [{"reason": reason, "orders": int(n)} for reason, n in rows]


def cancellations(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Share of the orders placed in the range that were cancelled."""
    placed, cancelled = one(
        cur,
        f"""WITH {scope_sql(f)}
        SELECT count(*), count(*) FILTER (WHERE cancelled_at IS NOT NULL) FROM scoped
        WHERE placed_at >= $start AND placed_at < $end""",
        f,
    )
    return {
        "orders_placed": int(placed),
        "orders_cancelled": int(cancelled),
        "cancellation_rate": rate(cancelled, placed),
    }
