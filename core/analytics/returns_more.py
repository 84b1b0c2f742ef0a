"""More returns KPIs: how long each leg of a return takes, what is rejected, what goes back on the
shelf, how returns are settled by value, who returns often and why each product comes back.

Each figure names its own basis (docs/kpis.md): the legs and the restock rate follow the day a
return was received (or refunded), the rejection rate the day it was decided, the resolution split
and the reasons per SKU the day it was requested (as the exchange share and the reason mix do), and
the frequent returners the orders placed in the period (as the cohort return rates do).
"""

from __future__ import annotations

from typing import Any

from core.analytics import returns
from core.analytics.filters import Filters
from core.analytics.kpi import Kpi
from core.analytics.sql import Cursor, hours, one, order_filter, rate, run, scope_sql

_K = Kpi
KPIS: tuple[Kpi, ...] = (
    _K(
        "returns.request_to_received_median_hours",
        "Request → received (median)",
        "hours",
        False,
        "Median hours from the return request to the parcel arriving back, over returns received in the period.",
        basis="returns received in the period",
    ),
    _K(
        "returns.request_to_received_p90_hours",
        "Request → received (p90)",
        "hours",
        False,
        "90th percentile of the same hours.",
        basis="returns received in the period",
    ),
    _K(
        "returns.received_to_refund_median_hours",
        "Received → refund (median)",
        "hours",
        False,
        "Median hours from the returned parcel arriving to its refund, over refunds for returns made in the period.",
        basis="refunds for returns made in the period",
    ),
    _K(
        "returns.received_to_refund_p90_hours",
        "Received → refund (p90)",
        "hours",
        False,
        "90th percentile of the same hours.",
        basis="refunds for returns made in the period",
    ),
    _K(
        "returns.rejection_rate",
        "Rejection rate",
        "share",
        None,
        "Returns rejected / returns decided (approved or rejected) in the period.",
        basis="returns decided in the period",
    ),
    _K(
        "returns.restock_rate",
        "Restock rate",
        "share",
        True,
        "Units put back into stock / units received back, for returns received in the period.",
        basis="units received back in the period",
    ),
)

SERIES: dict[str, str] = {
    "returns.resolution_split": "Units asked back in the period and their paid value, per resolution"
    " (refund, store credit, exchange), with each one's share of the value.",
    "returns.frequent_returners": "Customers with at least 2 returned orders that are at least half of their"
    " delivered orders, for orders placed in the period: orders, returned orders, returns and return rate.",
    "returns.reasons_by_sku": "Units asked back in the period per SKU and reason.",
}

# Ways a return is settled. Shiplog has no store-credit action yet (core.permissions says so): its row
# stays, at zero, so the split reads the same once it has one.
RESOLUTIONS: tuple[str, ...] = ("refund", "store_credit", "exchange")
# A customer "returns often" from this many returned orders, when they are at least this share of
# the customer's delivered orders: one return is chance, two of three orders is a habit.
FREQUENT_MIN_RETURNED = 2
FREQUENT_MIN_RATE = 0.5
TABLE_LIMIT = 50

# When each return first arrived back: the status log, not the current status (it moves on).
_RECEIVED = (
    "received AS (SELECT return_id, any_value(order_id) AS order_id, min(occurred_at) AS received_at"
    " FROM moves_f WHERE return_to = 'received' GROUP BY 1)"
)


def _in_period(column: str) -> str:
    return f"{column} >= $start AND {column} < $end"


def return_legs(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Request → received over returns received in the range; received → refund over refunds made in it."""
    scoped = order_filter(f, "x.order_id")
    row = one(
        cur,
        f"""WITH {scope_sql(f)}, {_RECEIVED},
        arrived AS (SELECT hours_between(r.created_at, x.received_at) AS h FROM received x
                    JOIN returns_f r ON r.id = x.return_id WHERE {_in_period("x.received_at")} AND {scoped}),
        paid AS (SELECT hours_between(x.received_at, rf.created_at) AS h FROM refunds_f rf
                 JOIN received x ON x.return_id = rf.return_id WHERE {_in_period("rf.created_at")} AND {scoped})
        SELECT (SELECT count(*) FROM arrived), (SELECT quantile_cont(h, 0.5) FROM arrived),
               (SELECT quantile_cont(h, 0.9) FROM arrived), (SELECT count(*) FROM paid),
               (SELECT quantile_cont(h, 0.5) FROM paid), (SELECT quantile_cont(h, 0.9) FROM paid)""",
        f,
    )
    return {
        "returns_received": int(row[0]),
        "request_to_received_median_hours": hours(row[1]),
        "request_to_received_p90_hours": hours(row[2]),
        "received_refunds": int(row[3]),
        "received_to_refund_median_hours": hours(row[4]),
        "received_to_refund_p90_hours": hours(row[5]),
    }


def rejections(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Returns rejected among returns decided in the range (a return is approved or rejected once)."""
    decided, rejected = one(
        cur,
        f"""WITH {scope_sql(f)}
        SELECT count(DISTINCT m.return_id), count(DISTINCT m.return_id) FILTER (WHERE m.return_to = 'rejected')
        FROM moves_f m WHERE m.return_to IN ('approved', 'rejected') AND {_in_period("m.occurred_at")}
        AND {order_filter(f, "m.order_id")}""",
        f,
    )
    return {
        "returns_decided": int(decided),
        "returns_rejected": int(rejected),
        "rejection_rate": rate(rejected, decided),
    }


def restocking(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Units put back on the shelf among units received back in the range (the rest were written off)."""
    received, restocked = one(
        cur,
        f"""WITH {scope_sql(f)}, {_RECEIVED}
        SELECT coalesce(sum(rl.quantity), 0), coalesce(sum(rl.restocked_qty), 0)
        FROM return_lines_f rl JOIN received x USING (return_id)
        WHERE {_in_period("x.received_at")} AND {order_filter(f, "x.order_id")}""",
        f,
    )
    return {
        "received_units": int(received),
        "restocked_units": int(restocked),
        "restock_rate": rate(restocked, received),
    }


def _requested_head(f: Filters) -> str:
    """The units asked back in the range, as the exchange share and the reason mix count them."""
    # returns' own definitions, not a copy: the same valid returns and paid value per unit.
    return f"WITH {scope_sql(f)}, {returns._VALID}, {returns._requested(f)}"


def resolution_split(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Per way of settling: units asked back and their paid value, and the share of the value."""
    found = {
        resolution: (int(units), int(value))
        for resolution, units, value in run(
            cur,
            f"{_requested_head(f)} SELECT resolution, sum(quantity), sum(paid_value) FROM requested GROUP BY 1",
            f,
        )
    }
    total = sum(value for _, value in found.values())
    rows = []
    for resolution in RESOLUTIONS:
        units, value = found.pop(resolution, (0, 0))
        rows.append({"resolution": resolution, "units": units, "value_minor": value, "value_share": rate(value, total)})
    # A resolution this list does not know still shows, so the shares add up to one.
    rows += [
        {"resolution": code, "units": u, "value_minor": v, "value_share": rate(v, total)}
        for code, (u, v) in found.items()
    ]
    return rows


def frequent_returners(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Customers whose delivered orders of the period came back often (FREQUENT_MIN_*), most returned first.
    Delivered and returned orders are the cohort return rate's own (``returns._head``), per customer."""
    rows = run(
        cur,
        f"""{returns._head(f)},
        per_order AS (SELECT c.order_id, bool_or(b.qty IS NOT NULL) AS returned FROM cohort c
                      LEFT JOIN back b USING (id) GROUP BY 1),
        rmas AS (SELECT order_id, count(DISTINCT return_id) AS n FROM valid GROUP BY 1)
        SELECT o.customer_email, count(*), count(*) FILTER (WHERE p.returned), coalesce(sum(r.n), 0)
        FROM per_order p JOIN orders_f o USING (order_id) LEFT JOIN rmas r USING (order_id)
        GROUP BY 1 HAVING count(*) FILTER (WHERE p.returned) >= $least
           AND count(*) FILTER (WHERE p.returned) >= $share * count(*)
        ORDER BY 3 DESC, 3 / count(*) DESC, 1 LIMIT $limit""",
        f,
        least=FREQUENT_MIN_RETURNED,
        share=FREQUENT_MIN_RATE,
        limit=TABLE_LIMIT,
    )
    return [
        {
            "customer": email,
            "delivered_orders": int(orders),
            "returned_orders": int(returned),
            "returns": int(rmas),
            "return_rate_by_orders": rate(returned, orders),
        }
        for email, orders, returned, rmas in rows
    ]


def reasons_by_sku(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """Units asked back in the range per SKU and reason, the SKUs with most units first."""
    rows = run(
        cur,
        f"""{_requested_head(f)}
        SELECT l.sku, r.reason, sum(r.quantity) AS units, sum(sum(r.quantity)) OVER (PARTITION BY l.sku) AS total
        FROM requested r JOIN lines_f l ON l.id = r.order_line_id GROUP BY 1, 2
        ORDER BY total DESC, 1, units DESC, 2""",
        f,
    )
    return [{"sku": sku, "reason": reason, "units": int(units)} for sku, reason, units, _ in rows]
