"""The returns KPIs against the hand-built story (dataset.py); every expected number is worked out by hand there
(the other sections: test_kpis.py)."""

from __future__ import annotations

from datetime import date

import pytest

from core.analytics import returns
from core.analytics.bundle import compute
from core.analytics.definitions import BY_KEY
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from tests.integration.analytics.dataset import AS_OF

WEEK = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)


@pytest.fixture
def cur(warehouse: Warehouse) -> Cursor:
    with warehouse.cursor() as cursor:
        yield cursor  # type: ignore[misc]


def test_three_return_rates_are_kept_apart(cur: Cursor) -> None:
    # Cohort A B I: 3 orders, 6 units. Returns: A 1×TEE-M, B 1×TEE-L; I's rejected. Paid value after line
    # AND order discounts (core/analytics/paid.py): A's order discount 500 spread over TEE-M 2×2500 = 5000
    # and MUG-1 1800: 500×5000/6800 = 367.65, 500×1800/6800 = 132.35 → 367 + 132, the 1 left to the larger
    # remainder → 368 and 132: TEE-M line 4632 (one unit 2316), MUG-1 1668, A = 6300. B: 2200 + 2500 (its
    # 300 is a line discount). I: 2500. Delivered 6300 + 4700 + 2500 = 13500; returned 2316 + 2500 = 4816;
    # 4816 / 13500 = 0.35674. *Changed*: A's TEE-M counted at 2500 a unit (value 14000, 5000, 0.3571).
    assert returns.return_rates(cur, WEEK) == {
        "delivered_orders": 3,
        "returned_orders": 2,
        "return_rate_by_orders": 0.6667,
        "delivered_units": 6,
        "returned_units": 2,
        "return_rate_by_units": 0.3333,
        "delivered_value_minor": 13500,
        "returned_value_minor": 4816,
        "return_rate_by_value": 0.3567,
    }
    # H's return is open, and still counts for its own (previous) cohort.
    assert returns.return_rates(cur, WEEK.previous())["return_rate_by_orders"] == 1.0


def test_returns_by_cohort_with_share_inside_the_window(cur: Cursor) -> None:
    weekly = Filters(date(2025, 3, 3), date(2025, 3, 9), granularity="week", as_of=AS_OF)
    expected = {"cohort": "2025-03-03", "delivered_orders": 3, "returned_orders": 2, "return_rate_by_orders": 0.6667}
    assert returns.returns_by_cohort(cur, weekly) == [expected | {"inside_window_share": 1.0, "incomplete": True}]
    # With a 3-day window only B (delivered 03-08 12:00) can still send something back on 03-10 12:00.
    short = Filters(date(2025, 3, 3), date(2025, 3, 9), granularity="week", as_of=AS_OF, return_window_days=3)
    assert returns.returns_by_cohort(cur, short) == [expected | {"inside_window_share": 0.3333, "incomplete": True}]
    # With a 1-day window every order's window has closed (B's at 03-09 12:00): the rate is final.
    final = Filters(date(2025, 3, 3), date(2025, 3, 9), granularity="week", as_of=AS_OF, return_window_days=1)
    assert returns.returns_by_cohort(cur, final) == [expected | {"inside_window_share": 0.0, "incomplete": False}]


def test_returns_by_sku_ranked_by_priority(cur: Cursor) -> None:
    assert [
        (r["sku"], r["delivered_units"], r["returned_units"], r["priority"]) for r in returns.returns_by_sku(cur, WEEK)
    ] == [
        ("TEE-L", 1, 1, 1.0),
        ("TEE-M", 2, 1, 0.5),
        ("MUG-1", 1, 0, 0.0),
        ("TEE-S", 2, 0, 0.0),
    ]


def test_reason_mix_and_exchanges(cur: Cursor) -> None:
    # Requested in the week: H changed_mind (open), A too_small, B too_large (exchange); I damaged was rejected.
    assert returns.reason_mix(cur, WEEK) == [
        {"reason": "changed_mind", "units": 1},
        {"reason": "too_large", "units": 1},
        {"reason": "too_small", "units": 1},
    ]
    # B's TEE-L (2500, no order discount on B) exchanged: revenue kept 2500.
    assert returns.exchanges(cur, WEEK) == {
        "requested_units": 3,
        "exchanged_units": 1,
        "exchange_share": 0.3333,
        "exchange_revenue_kept_minor": 2500,
    }


def test_return_refunds_and_request_to_refund_time(cur: Cursor) -> None:
    assert returns.refunds(cur, WEEK) == {
        "return_refunds": 1,
        "refunded_minor": 2500,
        "request_to_refund_median_hours": 24.0,
        "request_to_refund_p90_hours": 24.0,
    }
    assert returns.open_returns(cur, WEEK) == {"open_returns": 1}


def test_cohort_return_rates_are_incomplete_while_windows_are_open(cur: Cursor) -> None:
    # Cohort A I B delivered 03-05 16:00, 03-05 09:00, 03-08 12:00; now 03-10 12:00.
    assert returns.cohort_maturity(cur, WEEK) == {"cohort_open_orders": 3, "cohort_open_share": 1.0}
    three_days = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF, return_window_days=3)
    assert returns.cohort_maturity(cur, three_days) == {"cohort_open_orders": 1, "cohort_open_share": 0.3333}  # B
    # Previous cohort: H, delivered 02-28 10:00 — closed with a 3-day window, open with 30.
    assert returns.cohort_maturity(cur, three_days.previous())["cohort_open_share"] == 0.0
    rate = compute(cur, WEEK)["kpis"]["returns.return_rate_by_orders"]
    # 0.6667 against 1.0 would read as good news; both cohorts are still open, so it is not coloured.
    assert rate == BY_KEY["returns.return_rate_by_orders"].identity() | {
        "value": 0.6667,
        "previous": 1.0,
        "delta": -0.3333,
        "change": -0.3333,
        "better": None,
        "incomplete": True,
        "open_share": 1.0,
        # Beside it, the forecast (core.analytics.forecast): I, the one open order not returned, has been
        # watched 5 days; the pool (H A B I) has nobody at risk after day 4, so nothing more is expected.
        "projected": {"value": 0.6667, "low": 0.6667, "high": 0.6667},
    }
    one_day = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF, return_window_days=1)
    final = compute(cur, one_day)["kpis"]["returns.return_rate_by_orders"]
    assert (final["better"], final["incomplete"], final["open_share"]) == (True, False, 0.0)


def test_return_rate_by_period(cur: Cursor) -> None:
    # Asked in the week: H (03-04), A (03-06), B (03-09); I's was rejected. Delivered in the week: A, I, B.
    assert returns.return_rate_by_period(cur, WEEK) == {
        "period_return_orders": 3,
        "period_delivered_orders": 3,
        "return_rate_by_period": 1.0,
    }
    # Previous week: H delivered 02-28, nothing asked yet.
    assert returns.return_rate_by_period(cur, WEEK.previous()) == {
        "period_return_orders": 0,
        "period_delivered_orders": 1,
        "return_rate_by_period": 0.0,
    }
