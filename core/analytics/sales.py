"""Sales KPIs: orders, units, gross, discounts, refunds, net, shipping and average order value.

Orders count on the day they were placed; refunds on the day they were made. Cancelled orders are
left out entirely, their refunds included: a cancelled sale never counted, so its refund must not.
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.sql import Cursor, all_buckets_sql, buckets_sql, one, order_filter, per, run, scope_sql

_PLACED = "placed AS (SELECT * FROM scoped WHERE placed_at >= $start AND placed_at < $end AND cancelled_at IS NULL)"
_REFUNDS = (
    "booked AS (SELECT r.* FROM refunds_f r WHERE r.created_at >= $start AND r.created_at < $end AND {scope}"
    " AND r.order_id NOT IN (SELECT order_id FROM orders_f WHERE cancelled_at IS NOT NULL))"
)


def _refunds(f: Filters) -> str:
    return _REFUNDS.format(scope=order_filter(f, "r.order_id"))


def _figures(orders: int, units: int, gross: int, discounts: int, refunds: int, shipping: int) -> dict[str, Any]:
    return {
        "orders": int(orders),
        "units": int(units),
        "gross_minor": int(gross),
        "discounts_minor": int(discounts),
        "refunds_minor": int(refunds),
        "net_minor": int(gross - discounts - refunds),
        "shipping_minor": int(shipping),
        "aov_minor": per(gross - discounts, int(orders)),
    }


def sales_totals(cur: Cursor, f: Filters) -> dict[str, Any]:
    """The period's totals (see docs/kpis.md, section Sales)."""
    row = one(
        cur,
        f"""WITH {scope_sql(f)}, {_PLACED}, {_refunds(f)}
        SELECT (SELECT count(*) FROM placed),
               (SELECT coalesce(sum(units), 0) FROM placed),
               (SELECT coalesce(sum(subtotal_minor), 0) FROM placed),
               (SELECT coalesce(sum(discount_minor), 0) FROM placed),
               (SELECT coalesce(sum(amount_minor), 0) FROM booked),
               (SELECT coalesce(sum(shipping_minor), 0) FROM placed)""",
        f,
    )
    return _figures(*row)


def sales_by_period(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """The same figures per day, week or month of the range, empty periods included."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {_PLACED}, {_refunds(f)},
        periods AS ({all_buckets_sql()}),
        sold AS (SELECT {buckets_sql("p.placed_at")} AS period, count(*) AS orders,
                        coalesce(sum(p.units), 0) AS units, sum(p.subtotal_minor) AS gross,
                        sum(p.discount_minor) AS discounts, sum(p.shipping_minor) AS shipping
                 FROM placed p GROUP BY 1),
        refunded AS (SELECT {buckets_sql("created_at")} AS period, sum(amount_minor) AS refunds FROM booked GROUP BY 1)
        SELECT periods.period, coalesce(orders, 0), coalesce(units, 0), coalesce(gross, 0),
               coalesce(discounts, 0), coalesce(refunds, 0), coalesce(shipping, 0)
        FROM periods LEFT JOIN sold USING (period) LEFT JOIN refunded USING (period)
        ORDER BY periods.period""",
        f,
    )
    return [{"period": period.isoformat(), **_figures(*rest)} for period, *rest in rows]
