"""Returns KPIs. Three return rates that are never mixed up:

* by orders — delivered orders with a return / delivered orders;
* by units  — units returned / units delivered;
* by value  — value of units returned / value of units delivered (what the customer paid for them,
  after line and order discounts: ``core.analytics.paid``).

Rates, cohorts and SKUs follow the orders placed in the range (the cohort); the reason mix and
exchanges follow returns requested in the range; refunds follow the day the refund was made.
Rejected and cancelled returns never count.
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.paid import paid_lines_sql, paid_part_sql
from core.analytics.sql import (
    Cursor,
    all_buckets_sql,
    buckets_sql,
    hours,
    one,
    order_filter,
    rate,
    run,
    scope_sql,
    status_at_sql,
)

_VALID = (
    "valid AS (SELECT rl.*, r.created_at AS requested_at FROM return_lines_f rl JOIN returns_f r ON r.id = rl.return_id"
    " WHERE r.status NOT IN ('rejected', 'cancelled'))"
)
_COHORT_ORDERS = "SELECT order_id FROM scoped WHERE placed_at >= $start AND placed_at < $end AND cancelled_at IS NULL"
_COHORT = (
    f"{paid_lines_sql(_COHORT_ORDERS)}, cohort AS (SELECT p.*, o.placed_at FROM paid_lines p"
    " JOIN scoped o USING (order_id) WHERE p.qty_delivered > 0)"
)
_BACK = "back AS (SELECT order_line_id AS id, sum(quantity) AS qty FROM valid GROUP BY 1)"


def _head(f: Filters) -> str:
    return f"WITH {scope_sql(f)}, {_VALID}, {_COHORT}, {_BACK}"


def return_rates(cur: Cursor, f: Filters) -> dict[str, Any]:
    """The three rates over the cohort's delivered lines."""
    orders, returned_orders, units, returned_units, value, returned_value = one(
        cur,
        f"""{_head(f)}
        SELECT count(DISTINCT c.order_id), count(DISTINCT c.order_id) FILTER (WHERE b.qty IS NOT NULL),
               coalesce(sum(c.qty_delivered), 0), coalesce(sum(b.qty), 0),
               coalesce(sum({paid_part_sql("c", "c.qty_delivered")}), 0), coalesce(sum({paid_part_sql("c", "b.qty")}), 0)
        FROM cohort c LEFT JOIN back b USING (id)""",
        f,
    )
    return {
        "delivered_orders": int(orders),
        "returned_orders": int(returned_orders),
        "return_rate_by_orders": rate(returned_orders, orders),
        "delivered_units": int(units),
        "returned_units": int(returned_units),
        "return_rate_by_units": rate(returned_units, units),
        "delivered_value_minor": int(value),
        "returned_value_minor": int(returned_value),
        "return_rate_by_value": rate(returned_value, value),
    }


# A cohort order can still be sent back while its last parcel's window is open: its rate is not final.
_DELIVERED = (
    "delivered AS (SELECT s.order_id, max(s.delivered_at) AS last_delivered FROM shipments_f s"
    " WHERE s.kind = 'outbound' AND s.delivered_at IS NOT NULL"
    " AND s.order_id IN (SELECT order_id FROM cohort) GROUP BY 1)"
)
_STILL_OPEN = "d.last_delivered + to_days(CAST($window AS INTEGER)) > $now"


def cohort_maturity(cur: Cursor, f: Filters) -> dict[str, Any]:
    """How many delivered cohort orders are still inside their return window now: while any are, the
    cohort return rates are incomplete (they can only rise) and are not compared as good or bad news."""
    delivered, still_open = one(
        cur,
        f"""{_head(f)}, {_DELIVERED}
        SELECT count(*), count(*) FILTER (WHERE {_STILL_OPEN}) FROM delivered d""",
        f,
    )
    return {"cohort_open_orders": int(still_open), "cohort_open_share": rate(still_open, delivered)}


def return_rate_by_period(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Orders with a return asked in the period / orders delivered in the period: final as soon as the
    period ends, unlike the cohort rates (the two periods' orders differ; see docs/kpis.md)."""
    asked, delivered = one(
        cur,
        f"""WITH {scope_sql(f)}, {_VALID}
        SELECT (SELECT count(DISTINCT v.order_id) FROM valid v
                WHERE v.requested_at >= $start AND v.requested_at < $end AND {order_filter(f, "v.order_id")}),
               (SELECT count(*) FROM scoped WHERE delivered_at >= $start AND delivered_at < $end)""",
        f,
    )
    return {
        "period_return_orders": int(asked),
        "period_delivered_orders": int(delivered),
        "return_rate_by_period": rate(asked, delivered),
    }


def returns_by_cohort(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Per period of order date: return rate by orders, and the share of orders still able to return."""
    rows = run(
        cur,
        f"""{_head(f)}, periods AS ({all_buckets_sql()}),
        {_DELIVERED},
        per_order AS (SELECT c.order_id, min(c.placed_at) AS placed_at, bool_or(b.qty IS NOT NULL) AS returned
                      FROM cohort c LEFT JOIN back b USING (id) GROUP BY 1),
        grouped AS (SELECT {buckets_sql("p.placed_at")} AS period, count(*) AS orders,
                           count(*) FILTER (WHERE p.returned) AS returned,
                           count(*) FILTER (WHERE {_STILL_OPEN}) AS open
                    FROM per_order p JOIN delivered d USING (order_id) GROUP BY 1)
        SELECT periods.period, coalesce(orders, 0), coalesce(returned, 0), coalesce(open, 0)
        FROM periods LEFT JOIN grouped USING (period) ORDER BY 1""",
        f,
    )
    return [
        {
            "cohort": p.isoformat(),
            "delivered_orders": int(n),
            "returned_orders": int(r),
            "return_rate_by_orders": rate(r, n),
            "inside_window_share": rate(w, n),
            "incomplete": bool(w),  # its rate can still rise: not final, not good news
        }
        for p, n, r, w in rows
    ]


def returns_by_sku(cur: Cursor, f: Filters, limit: int = 25) -> list[dict[str, Any]]:
    """Per SKU: unit return rate and count; priority = rate × count puts big, frequent problems first."""
    rows = run(
        cur,
        f"""{_head(f)}
        SELECT c.sku, sum(c.qty_delivered), coalesce(sum(b.qty), 0) FROM cohort c LEFT JOIN back b USING (id)
        GROUP BY 1""",
        f,
    )
    found = []
    for sku, delivered, returned in rows:
        share = rate(returned, delivered) or 0.0
        found.append(
            {
                "sku": sku,
                "delivered_units": int(delivered),
                "returned_units": int(returned),
                "return_rate_by_units": share,
                "priority": round(share * int(returned), 4),
            }
        )
    found.sort(key=lambda row: (-row["priority"], -row["returned_units"], row["sku"]))
    return found[:limit]


_ASKED = "v.requested_at >= $start AND v.requested_at < $end AND {scope}"
_REQUESTED = "requested AS (SELECT v.*, {paid} AS paid_value FROM valid v JOIN paid_lines p ON p.id = v.order_line_id WHERE {asked})"


def _requested(f: Filters) -> str:
    """``requested``: valid return lines asked in the range, each with the paid value of its units."""
    asked = _ASKED.format(scope=order_filter(f, "v.order_id"))
    orders = paid_lines_sql(f"SELECT v.order_id FROM valid v WHERE {asked}")
    return f"{orders}, " + _REQUESTED.format(paid=paid_part_sql("p", "v.quantity"), asked=asked)


def reason_mix(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Units asked back in the range, per reason."""
    rows = run(
        cur,
        f"WITH {scope_sql(f)}, {_VALID}, {_requested(f)} SELECT reason, sum(quantity) FROM requested GROUP BY 1 ORDER BY 2 DESC, 1",
        f,
    )
    return [{"reason": reason, "units": int(units)} for reason, units in rows]


def exchanges(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Share of units asked back as exchanges, and the sales kept that way instead of refunded."""
    units, exchanged, kept = one(
        cur,
        f"""WITH {scope_sql(f)}, {_VALID}, {_requested(f)}
        SELECT coalesce(sum(quantity), 0), coalesce(sum(quantity) FILTER (WHERE resolution = 'exchange'), 0),
               coalesce(sum(paid_value) FILTER (WHERE resolution = 'exchange'), 0) FROM requested""",
        f,
    )
    return {
        "requested_units": int(units),
        "exchanged_units": int(exchanged),
        "exchange_share": rate(exchanged, units),
        "exchange_revenue_kept_minor": int(kept),
    }


def refunds(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Refunds for returns made in the range, and how long they took from the request."""
    total, count, median, p90 = one(
        cur,
        f"""WITH {scope_sql(f)}
        SELECT coalesce(sum(amount_minor), 0), count(*), quantile_cont(h, 0.5), quantile_cont(h, 0.9)
        FROM (SELECT rf.amount_minor, hours_between(r.created_at, rf.created_at) AS h
              FROM refunds_f rf JOIN returns_f r ON r.id = rf.return_id
              WHERE {order_filter(f, "rf.order_id")} AND rf.created_at >= $start AND rf.created_at < $end)""",
        f,
    )
    return {
        "return_refunds": int(count),
        "refunded_minor": int(total),
        "request_to_refund_median_hours": hours(median),
        "request_to_refund_p90_hours": hours(p90),
    }


def open_returns(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Returns not yet refunded, exchanged, rejected or cancelled at the end of the period (or now)."""
    (count,) = one(
        cur,
        f"WITH {scope_sql(f)}, {status_at_sql('statuses', 'return')} SELECT count(*) FROM statuses r"
        f" WHERE {order_filter(f, 'r.order_id')} AND r.status IN ('requested', 'approved', 'in_transit', 'received')",
        f,
    )
    return {"open_returns": int(count)}
