"""Snapshot KPIs describe the END of each period, read from the log of status moves (dataset.py story).

T = the first instant after the period (all periods here end before the story's "now", 03-10 12:00).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from core.analytics import delivery, fulfilment, returns
from core.analytics.bundle import compute
from core.analytics.drill import drill_orders
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from tests.integration.analytics.dataset import AS_OF

WEEK = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)


def _to(day: int) -> Filters:
    """From Monday 03-03 to ``day`` March: T = (day + 1) March 00:00."""
    return Filters(date(2025, 3, 3), date(2025, 3, day), as_of=AS_OF)


@pytest.fixture
def cur(warehouse: Warehouse) -> Iterator[Cursor]:
    with warehouse.cursor() as cursor:
        yield cursor


def test_open_returns_as_of_each_period_end(cur: Cursor) -> None:
    # T 03-07 00:00: H (asked 03-04, approved) and A (asked 03-06 09:00, refunded 03-07 09:00) are open.
    assert returns.open_returns(cur, _to(6)) == {"open_returns": 2}
    # T 03-08 00:00: A refunded, I asked and rejected on 03-07: only H.
    assert returns.open_returns(cur, _to(7)) == {"open_returns": 1}
    # T 03-03 00:00 (the previous week's end): nothing had been asked back yet.
    assert returns.open_returns(cur, WEEK.previous()) == {"open_returns": 0}


def test_orders_on_hold_as_of_each_period_end(cur: Cursor) -> None:
    # D was placed Wed 03-05 08:00 and held for its fraud score, never released.
    assert fulfilment.hold_queue(cur, _to(4)) == []
    assert fulfilment.hold_queue(cur, _to(5)) == [{"reason": "fraud_score", "orders": 1, "oldest_hours": 16.0}]
    assert fulfilment.hold_queue(cur, WEEK.previous()) == []


def test_in_transit_reads_each_parcel_s_status_at_the_period_end(cur: Cursor) -> None:
    # T 03-06 00:00: B's two parcels are out (A delivered Wed 16:00, I Wed 09:00; E not shipped yet).
    assert delivery.in_transit(cur, _to(5)) == {"in_transit": 2}
    # T 03-09 00:00: E (shipped Fri 21:00) is not lost until Sun 10:00, so it was in transit then;
    # B's second parcel was delivered Sat 12:00, G leaves Sun.
    assert delivery.in_transit(cur, _to(8)) == {"in_transit": 1}
    # T = the week's end (03-10 00:00): E lost, G in transit.
    assert delivery.in_transit(cur, WEEK) == {"in_transit": 1}


def test_previous_means_the_previous_period_s_end(cur: Cursor) -> None:
    kpis = compute(cur, WEEK)["kpis"]
    assert (kpis["returns.open_returns"]["value"], kpis["returns.open_returns"]["previous"]) == (1, 0)
    assert (kpis["fulfilment.orders_on_hold"]["value"], kpis["fulfilment.orders_on_hold"]["previous"]) == (1, 0)


def test_the_hold_drill_down_lists_the_orders_held_at_the_period_end(cur: Cursor) -> None:
    assert drill_orders(cur, _to(4), "hold_reason", "fraud_score").total == 0
    assert [row["number"] for row in drill_orders(cur, _to(5), "hold_reason", "fraud_score").rows] == [
        row["number"] for row in drill_orders(cur, WEEK, "hold_reason", "fraud_score").rows
    ]
    assert drill_orders(cur, _to(5), "hold_reason", "fraud_score").total == 1
