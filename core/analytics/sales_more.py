"""Sales KPIs managers expect beside the totals: units per order, new and returning customers, the
repeat rate, and the period's sales by product and by channel (tables).

A customer is the order's email, normalised (trimmed, lower case): guest checkouts and store orders
of the same person count once. A cancelled order is no purchase for the customer counts; units per
order and the tables by product and channel count the orders ``sales`` counts (cancelled ones where
they were placed: their reversal is a line of its own on the cancel date), so they add up to its totals.
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.kpi import Kpi
from core.analytics.sales import PLACED_SQL
from core.analytics.sql import Cursor, one, per, priced_sql, rate, run, scope_sql

_BOUGHT = "bought AS (SELECT * FROM placed WHERE cancelled_at IS NULL)"
# Every customer's history over ALL orders (no channel or product filter): someone who bought on the
# web last year is a returning customer when they first order through Shopify.
_EVER = (
    "ever AS (SELECT customer_email, min(placed_at) AS first_at,"
    " count(*) FILTER (WHERE placed_at < $end) AS orders_by_end"
    " FROM orders_f WHERE cancelled_at IS NULL GROUP BY 1)"
)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "sales.units_per_order",
        "Units per order",
        "count",
        True,
        "Units / orders, over the orders placed in the period that Orders counts, to two decimals.",
        basis="orders placed in the period",
    ),
    Kpi(
        "sales.new_customers",
        "New customers",
        "count",
        True,
        "Customers (order email, normalised) ordering in the period whose first order ever is in the period.",
        basis="customers ordering in the period",
    ),
    Kpi(
        "sales.returning_customers",
        "Returning customers",
        "count",
        True,
        "Customers ordering in the period who had ordered before it (any channel).",
        basis="customers ordering in the period",
    ),
    Kpi(
        "sales.repeat_rate",
        "Repeat customer rate",
        "share",
        True,
        "Customers ordering in the period with two or more orders ever by the end of the period"
        " / customers ordering in the period.",
        basis="customers ordering in the period",
    ),
)

SERIES: dict[str, str] = {
    "sales.by_product": "Per SKU, orders placed in the period: orders, units, gross sales and line discounts"
    " (order-level discounts are not split by product; they stay in the totals).",
    "sales.by_channel": "Per channel, orders placed in the period: orders, units, gross sales, discounts"
    " and average order value; the rows add up to the totals.",
}


def customers(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Units per order, and the period's customers split into new and returning (docs/kpis.md, Sales)."""
    orders, units, buyers, new, repeat = one(
        cur,
        f"""WITH {scope_sql(f)}, {PLACED_SQL}, {_BOUGHT}, {_EVER},
        buyers AS (SELECT DISTINCT customer_email FROM bought)
        SELECT (SELECT count(*) FROM placed), (SELECT coalesce(sum(units), 0) FROM placed),
               count(*), count(*) FILTER (WHERE e.first_at >= $start), count(*) FILTER (WHERE e.orders_by_end >= 2)
        FROM buyers b JOIN ever e USING (customer_email)""",
        f,
    )
    return {
        "units_per_order": None if not orders else round(int(units) / int(orders), 2),
        "customers": int(buyers),
        "new_customers": int(new),
        "returning_customers": int(buyers) - int(new),
        "repeat_customers": int(repeat),
        "repeat_rate": rate(repeat, buyers),
    }


def by_product(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """The period's sold lines per SKU, biggest gross sales first."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {PLACED_SQL}
        SELECT l.sku, count(DISTINCT l.order_id), sum(l.quantity),
               coalesce(sum(l.unit_price_minor * l.quantity) FILTER (WHERE {priced_sql("l.order_id")}), 0),
               coalesce(sum(l.discount_minor) FILTER (WHERE {priced_sql("l.order_id")}), 0)
        FROM lines_f l JOIN placed p USING (order_id) GROUP BY 1 ORDER BY 4 DESC, 1""",
        f,
    )
    return [
        {"sku": sku, "orders": int(n), "units": int(u), "gross_minor": int(g), "discounts_minor": int(d)}
        for sku, n, u, g, d in rows
    ]


def by_channel(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """The period's orders per channel, biggest gross sales first."""
    rows = run(
        cur,
        f"""WITH {scope_sql(f)}, {PLACED_SQL}
        SELECT channel, count(*), coalesce(sum(units), 0),
               coalesce(sum(subtotal_minor) FILTER (WHERE currency = $currency), 0),
               coalesce(sum(discount_minor) FILTER (WHERE currency = $currency), 0),
               count(*) FILTER (WHERE currency = $currency)
        FROM placed GROUP BY 1 ORDER BY 4 DESC, 1""",
        f,
    )
    return [
        {
            "channel": channel,
            "orders": int(n),
            "units": int(u),
            "gross_minor": int(g),
            "discounts_minor": int(d),
            "aov_minor": per(int(g) - int(d), int(priced)),  # over the reporting currency's orders
        }
        for channel, n, u, g, d, priced in rows
    ]
