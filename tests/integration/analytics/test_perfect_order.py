"""Perfect order against the hand-built story (dataset.py), worked out by hand from its table.

Orders of the week, C cancelled and left out (48 business hours of SLA, as of Mon 03-10 12:00):
A shipped after 24 h, delivered Wed before its Thu promise, returned too small: perfect.
B first parcel after 6 h; its second, promised Fri, had a delay and came Sat: delivered late, exception.
I shipped after 6 h, delivered on its promised day; its damaged claim was rejected: perfect.
D on hold since Wed 08:00, unshipped: 76 business hours, past the SLA: shipped late.
E shipped after 36 business hours, lost on Sun (promised 03-10, today): exception.
F (21 business hours, unshipped) and G (in transit, promised 03-12) have failed nothing yet and are
still on their way: their outcome is unknown, so they are left out. Rate 2 / 5.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.analytics import perfect_order
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from core.policies import RETURN_REASONS
from tests.integration.analytics.dataset import AS_OF

WEEK = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)


@pytest.fixture
def cur(warehouse: Warehouse) -> Cursor:
    with warehouse.cursor() as cursor:
        yield cursor  # type: ignore[misc]


def test_perfect_order_rate_over_orders_whose_outcome_is_known(cur: Cursor) -> None:
    assert perfect_order.perfect_orders(cur, WEEK) == {
        "perfect_order_judged": 5,
        "perfect_orders": 2,
        "perfect_order_rate": 0.4,
        "perfect_order_late_shipment": 1,
        "perfect_order_late_delivery": 1,
        "perfect_order_exception": 2,
        "perfect_order_returned_damaged_or_wrong": 0,
    }
    # The week before: H shipped in 24 h, delivered on its promised day, returned (changed my mind).
    assert perfect_order.perfect_orders(cur, WEEK.previous())["perfect_order_rate"] == 1.0


def test_failed_orders_are_listed_with_their_reasons(cur: Cursor) -> None:
    found = perfect_order.perfect_order_failures(cur, WEEK)
    # Newest first: E (placed Thu 09:00), D (Wed 08:00), B (Mon 12:00).
    assert [(row["placed_at"], row["reasons"]) for row in found] == [
        ("2025-03-06T09:00", ["exception"]),
        ("2025-03-05T08:00", ["late_shipment"]),
        ("2025-03-03T12:00", ["late_delivery", "exception"]),
    ]
    numbers = dict(cur.execute("SELECT order_id, number FROM orders_f").fetchall())
    assert [row["number"] for row in found] == [numbers[row["order_id"]] for row in found]


def test_a_tighter_sla_fails_more_orders_through_the_same_decision(cur: Cursor) -> None:
    # With a 12-hour SLA A (24 h) and E (36 h) shipped late too, and F, unshipped for 21 business hours,
    # has failed already, so its outcome is known: the SLA KPI's own rule is applied. Only I is perfect.
    tight = perfect_order.perfect_orders(cur, Filters(WEEK.start, WEEK.end, as_of=AS_OF, sla_hours=12))
    late, judged, perfect = (
        tight[k] for k in ("perfect_order_late_shipment", "perfect_order_judged", "perfect_orders")
    )
    assert (late, judged, perfect) == (4, 6, 1)


def test_the_fault_reasons_are_return_reasons() -> None:
    assert set(perfect_order.FAULT_REASONS) <= set(RETURN_REASONS)


def test_an_order_filter_judges_its_orders_only(cur: Cursor) -> None:
    # Shopify: B only, delivered late with an exception. Product TEE-S: B, D and I of the week.
    shopify = perfect_order.perfect_orders(cur, Filters(WEEK.start, WEEK.end, as_of=AS_OF, channel="shopify"))
    assert (shopify["perfect_order_judged"], shopify["perfect_order_rate"]) == (1, 0.0)
    tees = perfect_order.perfect_orders(cur, Filters(WEEK.start, WEEK.end, as_of=AS_OF, sku="TEE-S"))
    assert (tees["perfect_order_judged"], tees["perfect_orders"]) == (3, 1)
