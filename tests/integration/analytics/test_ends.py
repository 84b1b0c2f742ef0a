"""Fulfilment time to each end (label created, first carrier scan) and on time over each basis,
against the hand-built story (dataset.py); every number is worked out by hand below."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.analytics import delivery, ends
from core.analytics.bundle import compute
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from tests.integration.analytics.dataset import AS_OF

WEEK = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)


@pytest.fixture
def cur(warehouse: Warehouse) -> Cursor:
    with warehouse.cursor() as cursor:
        yield cursor  # type: ignore[misc]


def test_placed_to_label_and_to_first_scan(cur: Cursor) -> None:
    # Labels (the clock when each parcel was created): A 03-04 09:00 (23 h after placing), B 03-03 17:00
    # (5 h), I 03-03 14:00 (5 h), E 03-07 20:00 (35 h), G 03-09 09:00 (23 h); C D F have none.
    # → 5 5 23 23 35: median 23, p90 = 23 + 0.6 × 12 = 30.2.
    # First carrier scans: A delivered 03-05 16:00 (54 h), B's second parcel's delay 03-06 08:00 before its
    # first parcel's delivery 03-06 18:00 (68 h), I delivered 03-05 09:00 (48 h), E lost 03-09 10:00 (73 h);
    # G never scanned. → 48 54 68 73: median 61, p90 = 68 + 0.7 × 5 = 71.5.
    assert ends.fulfilment_ends(cur, WEEK) == {
        "labelled_orders": 5,
        "placed_to_label_median_hours": 23.0,
        "placed_to_label_p90_hours": 30.2,
        "scanned_orders": 4,
        "placed_to_first_scan_median_hours": 61.0,
        "placed_to_first_scan_p90_hours": 71.5,
    }
    # The previous week holds H: label 02-26 09:00 (23 h), delivered 02-28 10:00 (72 h).
    before = ends.fulfilment_ends(cur, WEEK.previous())
    assert (before["placed_to_label_median_hours"], before["placed_to_first_scan_median_hours"]) == (23.0, 72.0)


def test_the_carrier_filter_leaves_fulfilment_ends_alone(cur: Cursor) -> None:
    ups = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF, carrier="ups")
    assert ends.fulfilment_ends(cur, ups) == ends.fulfilment_ends(cur, WEEK)


def test_on_time_over_due_parcels_and_over_delivered_parcels(cur: Cursor) -> None:
    # Read on 03-12: E (lost, due 03-10) is now past its day, G (due 03-12) is not yet. Delivered: A, B1, I on
    # time, B2 a day late. All due parcels: 3 / 5; delivered parcels only: 3 / 4.
    later = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=datetime(2025, 3, 12, 12, tzinfo=UTC))
    assert delivery.on_time(cur, later) == {
        "on_time_parcels": 3,
        "due_parcels": 5,
        "on_time_rate": 0.6,
        "promised_delivered_parcels": 4,
        "on_time_delivered_rate": 0.75,
    }


def test_the_bundle_labels_say_which_end_and_which_basis(cur: Cursor) -> None:
    kpis = compute(cur, WEEK)["kpis"]
    assert kpis["delivery.on_time_rate"]["label"] == "On time, all due parcels"
    assert kpis["delivery.on_time_delivered_rate"]["label"] == "On time, delivered parcels only"
    label = kpis["fulfilment.placed_to_label_median_hours"]
    assert (label["label"], label["value"], label["previous"], label["delta"]) == (
        "Placed → label created (median)",
        23.0,
        23.0,
        0.0,
    )
    scan = kpis["fulfilment.placed_to_first_scan_p90_hours"]
    assert (scan["label"], scan["unit"], scan["value"]) == ("Placed → first carrier scan (p90)", "hours", 71.5)
    assert kpis["fulfilment.placed_to_shipped_median_hours"]["label"] == "Placed → shipped (median)"
