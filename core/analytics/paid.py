"""What the customer paid for each line sold, after line AND order discounts: the one rule every KPI
that needs a paid value uses (value return rate, revenue kept by exchanges, returns in net sales).

An order discount (``orders.discount_minor`` less the order's line discounts) is spread over the
order's lines pro rata to their value after line discounts, in whole minor units: each line gets the
rounded-down share, and the units that rounding leaves over go one each to the lines with the largest
remainders (ties: the lower line id), so the shares add up to the order discount exactly. ``k`` units
of a line are worth ``paid × k // quantity``: a whole line is worth exactly its paid value.
"""

from __future__ import annotations

_BASE = (
    "paid_sums AS (SELECT l.*, l.unit_price_minor * l.quantity - l.discount_minor AS line_value,"
    " sum(l.unit_price_minor * l.quantity - l.discount_minor) OVER (PARTITION BY l.order_id) AS order_value,"
    " o.discount_minor - sum(l.discount_minor) OVER (PARTITION BY l.order_id) AS order_discount"
    " FROM lines_f l JOIN orders_f o USING (order_id) WHERE l.order_id IN ({orders})),"
    # A zero-value order has nothing to spread over; a discount is never more than what it discounts.
    " paid_base AS (SELECT * REPLACE (CASE WHEN order_value > 0"
    " THEN least(greatest(order_discount, 0), order_value) ELSE 0 END AS order_discount) FROM paid_sums),"
    " paid_share AS (SELECT *, CASE WHEN order_value > 0 THEN order_discount * line_value // order_value ELSE 0 END AS share,"
    " CASE WHEN order_value > 0 THEN order_discount * line_value % order_value ELSE 0 END AS remainder FROM paid_base),"
    " paid_lines AS (SELECT *, line_value - share - CASE WHEN row_number() OVER"
    " (PARTITION BY order_id ORDER BY remainder DESC, id) <= order_discount - sum(share) OVER (PARTITION BY order_id)"
    " THEN 1 ELSE 0 END AS paid_minor FROM paid_share)"
)


def paid_lines_sql(orders: str) -> str:
    """``paid_lines``: the sold lines (``lines_f`` columns) of the orders whose ids ``orders`` selects,
    each with ``paid_minor``, what the whole line was paid after line and order discounts. Restricted
    to those orders because the spreading needs every line of an order, and no query needs them all."""
    return _BASE.format(orders=orders)


def paid_part_sql(line: str, units: str) -> str:
    """What ``units`` units of the ``paid_lines`` row ``line`` were paid (rounded down)."""
    return f"({line}.paid_minor * {units} // {line}.quantity)"
