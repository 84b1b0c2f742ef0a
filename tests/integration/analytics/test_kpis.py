"""Each KPI against the hand-built story (dataset.py); every expected number is worked out by hand there."""

from __future__ import annotations

from datetime import date

import pytest

from core.analytics import delivery, fulfilment, sales
from core.analytics.drill import drill_orders
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from tests.integration.analytics.dataset import AS_OF

WEEK = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)


@pytest.fixture
def cur(warehouse: Warehouse) -> Cursor:
    with warehouse.cursor() as cursor:
        yield cursor  # type: ignore[misc]


def test_net_sales_subtract_returned_goods_and_cancellations_not_other_refunds(cur: Cursor) -> None:
    # Placed in the week, C (cancelled) included: A B C D E F G I, 8 orders, units 3+2+1+3+1+2+1+1 = 14;
    # gross 6800 + 5000 + 2500 + 7500 + 2500 + 5000 + 2500 + 2500 = 34300; discounts A 500 + B 300.
    # Returns: A's 1 × TEE-M refunded 03-07, paid 4632 / 2 = 2316 after A's order discount (see
    # test_three_return_rates_are_kept_apart) — the goods' value, not the 2500 refunded; B's TEE-L was
    # exchanged (the sale stays). Cancellations: C, cancelled 03-04, 2500 − 0. Net 34300 − 800 − 2316 − 2500
    # = 28684. B's goodwill 1000 is an other refund, not subtracted; C's refund 3000 is the cancellation's.
    # Shipping 8 × 500 − B's 0 = 3500, less C's 500 undone by its cancellation = 3000. AOV 33500 / 8 = 4187.5.
    # *Changed*: C was left out, net subtracted every refund (31800 − 800 − 2500 − 1000 = 27500), AOV over 7.
    assert sales.sales_totals(cur, WEEK) == {
        "orders": 8,
        "units": 14,
        "gross_minor": 34300,
        "discounts_minor": 800,
        "returns_minor": 2316,
        "cancellations_minor": 2500,
        "net_minor": 28684,
        "other_refunds_minor": 1000,
        "shipping_minor": 3000,
        "aov_minor": 4188,
    }


def test_sales_previous_period_is_the_week_before(cur: Cursor) -> None:
    assert sales.sales_totals(cur, WEEK.previous()) == {
        "orders": 1,
        "units": 1,
        "gross_minor": 2500,
        "discounts_minor": 0,
        "returns_minor": 0,  # H's return is still open: nothing refunded yet
        "cancellations_minor": 0,
        "net_minor": 2500,
        "other_refunds_minor": 0,
        "shipping_minor": 500,
        "aov_minor": 2500,
    }


def test_sales_by_day_books_each_amount_on_its_own_day(cur: Cursor) -> None:
    days = {row["period"]: row for row in sales.sales_by_period(cur, WEEK)}
    assert list(days) == [f"2025-03-0{d}" for d in range(3, 10)]
    # 03-03: A B I placed, 6800 + 5000 + 2500 − 800.
    assert (days["2025-03-03"]["orders"], days["2025-03-03"]["gross_minor"], days["2025-03-03"]["net_minor"]) == (
        3,
        14300,
        13500,
    )
    # 03-04: C placed and cancelled the same day: its sale and its reversal cancel out.
    assert days["2025-03-04"] | {"period": None} == {
        "period": None,
        "orders": 1,
        "units": 1,
        "gross_minor": 2500,
        "discounts_minor": 0,
        "returns_minor": 0,
        "cancellations_minor": 2500,
        "net_minor": 0,
        "other_refunds_minor": 0,
        "shipping_minor": 0,  # 500 charged, 500 undone
        "aov_minor": 2500,
    }
    # 03-07: F placed (5000) and A's return refunded (2316): net 2684. 03-08: G placed (2500), B's goodwill
    # 1000 beside it, not subtracted.
    assert (days["2025-03-07"]["returns_minor"], days["2025-03-07"]["net_minor"]) == (2316, 2684)
    assert (days["2025-03-08"]["other_refunds_minor"], days["2025-03-08"]["net_minor"]) == (1000, 2500)
    # 03-09: nothing placed, refunded or cancelled (B's exchange is no return of goods).
    assert days["2025-03-09"] | {"period": None} == {
        "period": None,
        "orders": 0,
        "units": 0,
        "gross_minor": 0,
        "discounts_minor": 0,
        "returns_minor": 0,
        "cancellations_minor": 0,
        "net_minor": 0,
        "other_refunds_minor": 0,
        "shipping_minor": 0,
        "aov_minor": None,
    }
    weekly = sales.sales_by_period(cur, Filters(date(2025, 3, 3), date(2025, 3, 9), granularity="week", as_of=AS_OF))
    assert [(r["period"], r["orders"], r["net_minor"]) for r in weekly] == [("2025-03-03", 8, 28684)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # B E F: gross 5000 + 2500 + 5000, B's line discount 300, no returned goods (B's was an exchange),
        # B's goodwill 1000; AOV 12200 / 3 = 4066.67.
        ({"sku": "TEE-L"}, (3, 5, 12500, 300, 0, 0, 12200, 1000, 1000, 4067)),
        # A C G: gross 6800 + 2500 + 2500, A's 500, A's return 2316, C's cancellation 2500: net 11800 − 500
        # − 2316 − 2500 = 6484; shipping 3 × 500 − C's 500; AOV 11300 / 3 = 3766.67.
        ({"sku": "TEE-M"}, (3, 5, 11800, 500, 2316, 2500, 6484, 0, 1000, 3767)),
        # Order KPIs ignore the carrier filter (docs/kpis.md, Filters): the whole week, as unfiltered.
        ({"carrier": "ups"}, (8, 14, 34300, 800, 2316, 2500, 28684, 1000, 3000, 4188)),
        ({"channel": "shopify"}, (1, 2, 5000, 300, 0, 0, 4700, 1000, 0, 4700)),  # B
    ],
)
def test_sales_filters_keep_whole_orders(cur: Cursor, filters: dict[str, str], expected: tuple[int, ...]) -> None:
    f = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF, **filters)  # type: ignore[arg-type]
    assert tuple(sales.sales_totals(cur, f).values()) == expected


def test_the_carrier_filter_leaves_order_kpis_alone_and_counts_that_carrier_s_parcels(cur: Cursor) -> None:
    ups = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF, carrier="ups")
    fedex = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF, carrier="fedex")
    # C (cancelled before any label) stays in: 1 of the 8 orders placed, not 0 of the 3 UPS-labelled (A G I).
    assert fulfilment.cancellations(cur, ups) == {"orders_placed": 8, "orders_cancelled": 1, "cancellation_rate": 0.125}
    # Parcels: UPS shipped A, I, G in the week, none with an exception; FedEx shipped E, lost.
    assert delivery.exceptions(cur, ups) == {"exception_parcels": 0, "shipped_parcels": 3, "exception_rate": 0.0}
    assert delivery.exceptions(cur, fedex) == {"exception_parcels": 1, "shipped_parcels": 1, "exception_rate": 1.0}
    assert (delivery.in_transit(cur, ups), delivery.in_transit(cur, fedex)) == ({"in_transit": 1}, {"in_transit": 0})


def test_placed_to_shipped(cur: Cursor) -> None:
    # B 6 h, I 6 h, A 24 h, G 24 h, E 36 h → median 24, p90 = 24 + 0.6 × 12.
    assert fulfilment.placed_to_shipped(cur, WEEK) == {
        "shipped_orders": 5,
        "placed_to_shipped_median_hours": 24.0,
        "placed_to_shipped_p90_hours": 31.2,
    }
    assert [r["orders"] for r in fulfilment.placed_to_shipped_distribution(cur, WEEK)] == [2, 3, 0, 0, 0]


def test_sla_counts_business_hours_and_overdue_unshipped_orders(cur: Cursor) -> None:
    # All five shipped within 48 business hours (G: Sat→Sun is 0); D is 76 business hours old → due; F only 21.
    assert fulfilment.sla(cur, WEEK) == {"sla_within": 5, "sla_due": 6, "sla_share": 0.8333}
    # In wall-clock hours with a 24 h SLA: E (36 h) is late, and F (69 h old) is due as well.
    clock = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF, sla_hours=24, sla_business=False)
    assert fulfilment.sla(cur, clock) == {"sla_within": 4, "sla_due": 7, "sla_share": 0.5714}


def test_orders_waiting_at_the_end_of_the_period(cur: Cursor) -> None:
    # D (112 h) and F (57 h) at 2025-03-10 00:00.
    assert fulfilment.waiting(cur, WEEK) == {
        "orders_waiting": 2,
        "waiting_median_hours": 84.5,
        "waiting_oldest_hours": 112.0,
    }
    assert [r["orders"] for r in fulfilment.waiting_by_age(cur, WEEK)] == [0, 0, 1, 1]


def test_hold_queue_and_holds_in_period(cur: Cursor) -> None:
    assert fulfilment.hold_queue(cur, WEEK) == [{"reason": "fraud_score", "orders": 1, "oldest_hours": 112.0}]
    assert fulfilment.holds_by_reason(cur, WEEK) == [{"reason": "fraud_score", "orders": 1}]
    assert fulfilment.holds_by_reason(cur, WEEK.previous()) == []


def test_cancellation_rate(cur: Cursor) -> None:
    assert fulfilment.cancellations(cur, WEEK) == {
        "orders_placed": 8,
        "orders_cancelled": 1,
        "cancellation_rate": 0.125,
    }


def test_transit_by_carrier_and_service(cur: Cursor) -> None:
    assert delivery.transit(cur, WEEK) == {
        "delivered_parcels": 4,
        "transit_median_hours": 57.0,
        "transit_p90_hours": 72.0,
    }
    assert delivery.transit_by_carrier_service(cur, WEEK) == [
        {
            "carrier": "fedex",
            "service": "Home Delivery",
            "shipped": 1,
            "delivered": 0,
            "median_hours": None,
            "p90_hours": None,
        },
        {"carrier": "ups", "service": "Ground", "shipped": 3, "delivered": 2, "median_hours": 36.0, "p90_hours": 40.8},
        {
            "carrier": "usps",
            "service": "Ground Advantage",
            "shipped": 2,
            "delivered": 2,
            "median_hours": 72.0,
            "p90_hours": 72.0,
        },
    ]


def test_order_to_door_uses_the_last_parcel_of_a_split_order(cur: Cursor) -> None:
    # I 48 h, A 54 h, B 120 h (second parcel) → p90 = 54 + 0.8 × 66.
    assert delivery.order_to_door(cur, WEEK) == {
        "delivered_orders": 3,
        "order_to_door_median_hours": 54.0,
        "order_to_door_p90_hours": 106.8,
    }


def test_on_time_against_the_original_eta(cur: Cursor) -> None:
    # A, B1, I on time; B2 a day late; E and G not yet due.
    # Both bases hold the same 4 parcels as of 03-10: nothing still out is past its day yet.
    assert delivery.on_time(cur, WEEK) == {
        "on_time_parcels": 3,
        "due_parcels": 4,
        "on_time_rate": 0.75,
        "promised_delivered_parcels": 4,
        "on_time_delivered_rate": 0.75,
    }


def test_exceptions_by_carrier_and_reason(cur: Cursor) -> None:
    assert delivery.exceptions(cur, WEEK) == {"exception_parcels": 2, "shipped_parcels": 6, "exception_rate": 0.3333}
    assert delivery.exceptions_by_carrier(cur, WEEK) == [
        {"carrier": "fedex", "reason": "lost", "parcels": 1, "carrier_parcels": 1, "rate": 1.0},
        {"carrier": "usps", "reason": "delay", "parcels": 1, "carrier_parcels": 2, "rate": 0.5},
    ]


def test_in_transit_leaves_out_lost_parcels(cur: Cursor) -> None:
    assert delivery.in_transit(cur, WEEK) == {"in_transit": 1}  # G; E is lost
    assert delivery.in_transit(cur, WEEK.previous()) == {"in_transit": 0}


def test_each_sales_bar_drills_to_the_orders_it_sums(cur: Cursor) -> None:
    def drilled(kind: str, day: str) -> list[tuple[str, int]]:
        return [(r["status"], r["value_minor"]) for r in drill_orders(cur, WEEK, kind, day).rows]

    assert drilled("sales_period", "2025-03-04") == [("cancelled", 2500)]  # C, placed that day
    assert drilled("sales_cancellations", "2025-03-04") == [("cancelled", 2500)]
    assert drilled("sales_returns", "2025-03-07") == [("delivered", 6300)]  # A, its TEE-M back
    assert drilled("sales_other_refunds", "2025-03-08") == [("delivered", 4700)]  # B's goodwill refund
    assert drill_orders(cur, WEEK, "sales_net", "2025-03-07").total == 2  # F placed, A's return
    assert drill_orders(cur, WEEK, "sales_returns", "2025-03-09").total == 0  # B's exchange is no return
