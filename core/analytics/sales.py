"""Sales KPIs: orders, units, gross, discounts, refunds, net, shipping and average order value.

Orders count on the day they were placed; refunds on the day they were made. Cancelled orders are
left out entirely, their refunds included: a cancelled sale never counted, so its refund must not.
Money adds up in the reporting currency only: an order in another currency counts as an order, and in
``other_currency_orders``, but its money is left out (docs/kpis.md, Currency).
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.sql import (
    Cursor,
    all_buckets_sql,
    buckets_sql,
    one,
    order_filter,
    per,
    priced_sql,
    run,
    scope_sql,
)

_PLACED = (
    "placed AS (SELECT *, currency = $currency AS priced FROM scoped"
    " WHERE placed_at >= $start AND placed_at < $end AND cancelled_at IS NULL)"
)
_REFUNDS = (
    "booked AS (SELECT r.* FROM refunds_f r WHERE r.created_at >= $start AND r.created_at < $end AND {scope}"
    " AND r.order_id NOT IN (SELECT order_id FROM orders_f WHERE cancelled_at IS NOT NULL) AND {priced})"
)


def _refunds(f: Filters) -> str:
    return _REFUNDS.format(scope=order_filter(f, "r.order_id"), priced=priced_sql("r.order_id"))


def _figures(
    orders: int, units: int, gross: int, discounts: int, refunds: int, shipping: int, priced: int
) -> dict[str, Any]:
    """``priced``: the orders in the reporting currency, the only ones whose money is summed (and averaged)."""
    return {
        "orders": int(orders),
        "units": int(units),
        "gross_minor": int(gross),
        "discounts_minor": int(discounts),
        "refunds_minor": int(refunds),
        "net_minor": int(gross - discounts - refunds),
        "shipping_minor": int(shipping),
        "aov_minor": per(gross - discounts, int(priced)),
    }


def other_currency_note(currency: str, orders: int) -> str | None:
    """What the page and the JSON say when orders in another currency were left out of the money."""
    if not orders:
        return None
    which = "order" if orders == 1 else "orders"
    verb = "is" if orders == 1 else "are"
    return (
        f"{orders:,} {which} in a currency other than {currency} {verb} counted as orders but left out of every"
        f" money figure: amounts in different currencies are never added, and no exchange rates are recorded."
    )


def sales_totals(cur: Cursor, f: Filters) -> dict[str, Any]:
    """The period's totals (see docs/kpis.md, section Sales)."""
    row = one(
        cur,
        f"""WITH {scope_sql(f)}, {_PLACED}, {_refunds(f)}
        SELECT (SELECT count(*) FROM placed),
               (SELECT coalesce(sum(units), 0) FROM placed),
               (SELECT coalesce(sum(subtotal_minor) FILTER (WHERE priced), 0) FROM placed),
               (SELECT coalesce(sum(discount_minor) FILTER (WHERE priced), 0) FROM placed),
               (SELECT coalesce(sum(amount_minor), 0) FROM booked),
               (SELECT coalesce(sum(shipping_minor) FILTER (WHERE priced), 0) FROM placed),
               (SELECT count(*) FILTER (WHERE priced) FROM placed)""",
        f,
    )
    return _figures(*row)


def other_currency(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Orders of the period in a currency other than the reporting one: counted, their money left out."""
    (count,) = one(cur, f"WITH {scope_sql(f)}, {_PLACED} SELECT count(*) FILTER (WHERE NOT priced) FROM placed", f)
    return {"other_currency_orders": int(count)}


def sales_by_period(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """The same figures per day, week or month of the range, empty periods included."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {_PLACED}, {_refunds(f)},
        periods AS ({all_buckets_sql()}),
        sold AS (SELECT {buckets_sql("p.placed_at")} AS period, count(*) AS orders,
                        coalesce(sum(p.units), 0) AS units, sum(p.subtotal_minor) FILTER (WHERE p.priced) AS gross,
                        sum(p.discount_minor) FILTER (WHERE p.priced) AS discounts,
                        sum(p.shipping_minor) FILTER (WHERE p.priced) AS shipping,
                        count(*) FILTER (WHERE p.priced) AS priced
                 FROM placed p GROUP BY 1),
        refunded AS (SELECT {buckets_sql("created_at")} AS period, sum(amount_minor) AS refunds FROM booked GROUP BY 1)
        SELECT periods.period, coalesce(orders, 0), coalesce(units, 0), coalesce(gross, 0),
               coalesce(discounts, 0), coalesce(refunds, 0), coalesce(shipping, 0), coalesce(priced, 0)
        FROM periods LEFT JOIN sold USING (period) LEFT JOIN refunded USING (period)
        ORDER BY periods.period""",
        f,
    )
    return [{"period": period.isoformat(), **_figures(*rest)} for period, *rest in rows]
