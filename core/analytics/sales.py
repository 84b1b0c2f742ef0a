"""Sales KPIs the way Shopify reports them: net sales = gross − discounts − returns − cancellations.

Every amount is booked once, on the day it happened, so a past period's figures never change later.
Orders, units, gross, discounts and shipping count on the day the order was placed, cancelled orders
included. A cancellation undoes the order's value (gross − discounts) and shipping on the day it was
cancelled. Returns are the paid value of the goods sent back for a refund (``core.analytics.paid``),
booked on the day the return was refunded. Refunds that are not for returned goods (goodwill, lost
parcels, shipping) are a line of their own, booked on the refund day and not subtracted from net
sales: no goods came back. A cancellation's refund is neither: the cancellation line already undoes
that sale. Money adds up in the reporting currency only: an order in another currency counts as an order
(and in ``other_currency_orders``), but none of its amounts is summed (docs/kpis.md, Currency).
"""

from __future__ import annotations

from typing import Any

from core.analytics.filters import Filters
from core.analytics.paid import paid_lines_sql, paid_part_sql
from core.analytics.sql import (
    Cursor,
    all_buckets_sql,
    buckets_sql,
    one,
    order_filter,
    per,
    priced_row_sql,
    run,
    scope_sql,
)

_PLACED = "placed AS (SELECT * FROM scoped WHERE placed_at >= $start AND placed_at < $end)"
PLACED_SQL = _PLACED  # the orders the sales figures count (sales_more's tables add up to them)
_CANCELLED = "cancelled AS (SELECT * FROM scoped WHERE cancelled_at >= $start AND cancelled_at < $end)"
# Goods back for a refund: an exchange keeps the sale (its replacement is no new sale either).
_GOODS = (
    "goods AS (SELECT rl.order_id, rl.order_line_id, rl.quantity, r.resolved_at FROM return_lines_f rl"
    " JOIN returns_f r ON r.id = rl.return_id WHERE r.status IN ('refunded', 'exchanged') AND rl.resolution = 'refund'"
    " AND r.resolved_at >= $start AND r.resolved_at < $end AND {scope})"
)
# A cancellation's refund gives back a sale that never counted; a return's is the goods' (``goods``).
_OTHER = (
    "other AS (SELECT * FROM refunds_f r WHERE r.created_at >= $start AND r.created_at < $end AND {scope}"
    " AND r.return_id IS NULL AND coalesce(r.cause, '') <> 'cancellation')"
)
# Every amount of the period as (when it is booked, which line, amount): totals and series sum the same rows.
_BOOKED = """booked_rows AS (
    SELECT order_id, placed_at AS booked_at, 'orders' AS line, 1 AS amount FROM placed
    UNION ALL SELECT order_id, placed_at, 'units', units FROM placed
    UNION ALL SELECT order_id, placed_at, 'gross', subtotal_minor FROM placed
    UNION ALL SELECT order_id, placed_at, 'discounts', discount_minor FROM placed
    UNION ALL SELECT order_id, placed_at, 'shipping', shipping_minor FROM placed
    UNION ALL SELECT order_id, cancelled_at, 'cancellations', subtotal_minor - discount_minor FROM cancelled
    UNION ALL SELECT order_id, cancelled_at, 'shipping', -shipping_minor FROM cancelled
    UNION ALL SELECT g.order_id, g.resolved_at, 'returns', {returned} FROM goods g JOIN paid_lines p ON p.id = g.order_line_id
    UNION ALL SELECT order_id, created_at, 'other_refunds', amount_minor FROM other
    UNION ALL SELECT order_id, placed_at, 'priced_orders', 1 FROM placed),
booked AS (SELECT b.*, {priced} AS priced FROM booked_rows b JOIN orders_f o USING (order_id))"""
LINES = ("orders", "units", "gross", "discounts", "returns", "cancellations", "other_refunds", "shipping")
# Every line but the counts sums only the reporting currency's orders; ``priced_orders`` counts those
# orders, for the average order value.
COUNTED = ("orders", "units")
# Whether a row is in the reporting currency is joined once per row (``booked.priced``, the rule of
# ``sql.priced_sql``): a subquery per line built a set of every order id per line, which at 5M orders
# took the writer's DuckDB past its memory.
_SUMS = ", ".join(
    f"coalesce(sum(amount) FILTER (WHERE line = '{line}'" + ("" if line in COUNTED else " AND priced") + "), 0)"
    for line in (*LINES, "priced_orders")
)


def _head(f: Filters) -> str:
    parts = (
        scope_sql(f),
        _PLACED,
        _CANCELLED,
        _GOODS.format(scope=order_filter(f, "rl.order_id")),
        paid_lines_sql("SELECT order_id FROM goods"),
        _OTHER.format(scope=order_filter(f, "r.order_id")),
        _BOOKED.format(returned=paid_part_sql("p", "g.quantity"), priced=priced_row_sql("o")),
    )
    return "WITH " + ", ".join(parts)


def _figures(
    orders: int,
    units: int,
    gross: int,
    discounts: int,
    returns: int,
    cancellations: int,
    other: int,
    shipping: int,
    priced: int,
) -> dict[str, Any]:
    """``priced``: the orders in the reporting currency, the only ones whose money is summed (and averaged)."""
    return {
        "orders": int(orders),
        "units": int(units),
        "gross_minor": int(gross),
        "discounts_minor": int(discounts),
        "returns_minor": int(returns),
        "cancellations_minor": int(cancellations),
        "net_minor": int(gross - discounts - returns - cancellations),
        "other_refunds_minor": int(other),
        "shipping_minor": int(shipping),
        "aov_minor": per(gross - discounts, int(priced)),
    }


def sales_totals(cur: Cursor, f: Filters) -> dict[str, Any]:
    """The period's totals (see docs/kpis.md, section Sales)."""
    return _figures(*one(cur, f"{_head(f)} SELECT {_SUMS} FROM booked", f))


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


def other_currency(cur: Cursor, f: Filters) -> dict[str, Any]:
    """Orders placed in the period in a currency other than the reporting one: counted, their money left out."""
    (count,) = one(
        cur, f"WITH {scope_sql(f)}, {_PLACED} SELECT count(*) FILTER (WHERE currency <> $currency) FROM placed", f
    )
    return {"other_currency_orders": int(count)}


def sales_by_period(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """The same figures per day, week or month of the range, each amount in the period it is booked in,
    empty periods included."""
    rows = run(
        cur,
        f"""{_head(f)}, periods AS ({all_buckets_sql()}),
        bucketed AS (SELECT {buckets_sql("booked_at")} AS period, order_id, line, amount, priced FROM booked)
        SELECT periods.period, {_SUMS} FROM periods LEFT JOIN bucketed USING (period) GROUP BY 1 ORDER BY 1""",
        f,
    )
    return [{"period": period.isoformat(), **_figures(*rest)} for period, *rest in rows]


def orders_booked_sql(f: Filters, lines: tuple[str, ...]) -> str:
    """The ids of the orders with an amount of one of ``lines`` booked in the period ``$key`` (a bar's
    drill-down: the same rows the bar sums)."""
    named = ", ".join(f"'{line}'" for line in lines if line in LINES)
    return f"{_head(f)} SELECT order_id FROM booked WHERE line IN ({named}) AND {buckets_sql('booked_at')} = CAST($key AS DATE)"
