"""The paid value of a line: order discounts spread over lines pro rata, largest remainder (core/analytics/paid.py)."""

from __future__ import annotations

import duckdb

from core.analytics.paid import paid_lines_sql, paid_part_sql
from core.analytics.schema import FACT_TABLES

TABLES = {t.name: t for t in FACT_TABLES}


def _paid(orders: list[tuple[int, int]], lines: list[tuple[int, int, int, int, int]]) -> dict[int, int]:
    """orders: (order_id, discount_minor incl. line discounts); lines: (id, order_id, qty, unit price, line discount)."""
    con = duckdb.connect()
    for name in ("orders_f", "lines_f"):
        con.execute(f"CREATE TABLE {name} ({TABLES[name].ddl})")
    for order_id, discount in orders:
        con.execute("INSERT INTO orders_f (order_id, discount_minor) VALUES (?, ?)", [order_id, discount])
    for line in lines:
        con.execute(
            "INSERT INTO lines_f (id, order_id, quantity, unit_price_minor, discount_minor, qty_delivered)"
            " VALUES (?, ?, ?, ?, ?, 0)",
            list(line),
        )
    rows = con.execute(f"WITH {paid_lines_sql('SELECT order_id FROM orders_f')} SELECT id, paid_minor FROM paid_lines")
    return dict(rows.fetchall())


def test_an_order_discount_is_spread_pro_rata_with_the_largest_remainder() -> None:
    # The story's order A: 2 × 2500 and 1 × 1800, order discount 500. Shares 500 × 5000 / 6800 = 367.65
    # and 500 × 1800 / 6800 = 132.35: rounded down 367 + 132 = 499; the 1 left goes to the larger
    # remainder (.65): 368 and 132. Paid: 5000 − 368 = 4632 and 1800 − 132 = 1668 (together 6800 − 500).
    assert _paid([(1, 500)], [(10, 1, 2, 2500, 0), (11, 1, 1, 1800, 0)]) == {10: 4632, 11: 1668}


def test_line_discounts_come_first_and_are_not_spread_again() -> None:
    # Order B: 2500 − 300 line discount, and 2500; orders.discount_minor 300 is all line discount.
    assert _paid([(2, 300)], [(20, 2, 1, 2500, 300), (21, 2, 1, 2500, 0)]) == {20: 2200, 21: 2500}
    # The same with an order discount of 94 on top: 94 × 2200 / 4700 = 44.0 and 94 × 2500 / 4700 = 50.0.
    assert _paid([(3, 394)], [(30, 3, 1, 2500, 300), (31, 3, 1, 2500, 0)]) == {30: 2156, 31: 2450}


def test_equal_remainders_go_to_the_lower_line_id_and_the_shares_add_up() -> None:
    # 100 over three equal lines: 33 each, remainders equal; the 1 left goes to line 40.
    paid = _paid([(4, 100)], [(41, 4, 1, 1000, 0), (40, 4, 1, 1000, 0), (42, 4, 1, 1000, 0)])
    assert paid == {40: 966, 41: 967, 42: 967}
    assert sum(paid.values()) == 3000 - 100


def test_orders_are_spread_apart_and_a_free_order_stays_at_zero() -> None:
    paid = _paid([(5, 0), (6, 0), (7, 1)], [(50, 5, 3, 999, 0), (60, 6, 1, 500, 500), (70, 7, 1, 1, 0)])
    assert paid == {50: 2997, 60: 0, 70: 0}


def test_part_of_a_line_is_worth_its_share_rounded_down() -> None:
    con = duckdb.connect()
    row = con.execute(
        f"SELECT {paid_part_sql('l', '1')}, {paid_part_sql('l', '2')} FROM (SELECT 4633 AS paid_minor, 2 AS quantity) l"
    )
    assert row.fetchone() == (2316, 4633)
