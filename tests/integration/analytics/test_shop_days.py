"""Days follow the shop's time zone (docs/kpis.md, "Days are the shop's"), on a two-order story.

All times New York (EDT, UTC-4) in September 2025; UTC in brackets.

| order | placed                      | shipped                    | ETA / delivered |
| P | Thu 11 Sep 22:00 (Fri 12 02:00) | Fri 12 Sep 10:00 (14:00)    | due 14 Sep; delivered Sun 14 Sep 21:30 (Mon 15 01:30) |
| Q | Fri 12 Sep 21:00 (Sat 13 01:00) | Mon 15 Sep 09:00 (13:00)    | not delivered |

Business hours to ship: P Thu 22:00 → Fri 10:00 = 12 h on either clock. Q: New York Fri 21:00-24:00
(3 h) + Mon 00:00-09:00 (9 h) = 12 h; UTC Sat 01:00 → Mon 13:00 = Mon 00:00-13:00 = 13 h.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from core.analytics import delivery, fulfilment, sales
from core.analytics import filters as filters_module
from core.analytics.filters import Filters, parse_filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from core.domain.commands import LineInput
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories
from tests.integration.analytics.conftest import open_database, pin_clock
from tests.integration.analytics.dataset import _place, _scan, _ship

NEW_YORK = "America/New_York"
EDT = timezone(timedelta(hours=-4))
AS_OF = datetime(2025, 9, 20, 12, 0, tzinfo=UTC)


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=EDT).astimezone(UTC)


def _build(shop: Shop) -> None:
    with pytest.MonkeyPatch.context() as patch:
        clock = pin_clock(patch)
        factories.make_catalog(shop)
        clock(ny(11, 22))
        p = _place(shop, ny(11, 22), [LineInput("TEE-M", 1)])
        clock(ny(12, 9))
        _ship(shop, p, "ups", "Ground", "1ZPPPP0001", shipped=ny(12, 10), eta=ny(14, 12))
        _scan(shop, "1ZPPPP0001", "delivered", ny(14, 21, 30))
        clock(ny(12, 21))
        q = _place(shop, ny(12, 21), [LineInput("TEE-M", 1)])
        clock(ny(15, 8))
        _ship(shop, q, "ups", "Ground", "1ZQQQQ0001", shipped=ny(15, 9), eta=ny(18, 12))
        clock(AS_OF)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cur(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cursor]:
    database = open_database(request.param, request, tmp_path_factory)
    _build(Shop(db=database, gateway=FakeGateway()))
    copy = Warehouse(database)
    copy.sync()
    with copy.cursor() as cursor:
        yield cursor
    copy.close()
    database.dispose()


def _days(start: int, end: int, zone: str, **extra: object) -> Filters:
    return Filters(date(2025, 9, start), date(2025, 9, end), as_of=AS_OF, timezone=zone, **extra)  # type: ignore[arg-type]


def test_a_parcel_delivered_on_its_due_day_in_new_york_is_on_time(cur: Cursor) -> None:
    # P: due 14 Sep, delivered 14 Sep 21:30 New York — 15 Sep 01:30 UTC, which the UTC clock calls late.
    assert delivery.on_time(cur, _days(11, 12, NEW_YORK)) == {
        "on_time_parcels": 1,
        "due_parcels": 1,
        "on_time_rate": 1.0,
        "promised_delivered_parcels": 1,
        "on_time_delivered_rate": 1.0,
    }
    utc = delivery.on_time(cur, _days(11, 12, "UTC"))
    assert (utc["on_time_parcels"], utc["due_parcels"], utc["on_time_rate"], utc["on_time_delivered_rate"]) == (
        0,
        1,
        0.0,
        0.0,
    )


def test_periods_are_shop_local_days(cur: Cursor) -> None:
    # New York 11-12 Sep holds P and Q; UTC 11-12 Sep holds only P (Q was placed 13 Sep UTC).
    assert sales.sales_totals(cur, _days(11, 12, NEW_YORK))["orders"] == 2
    assert sales.sales_totals(cur, _days(11, 11, NEW_YORK))["orders"] == 1  # P, though 12 Sep in UTC
    assert sales.sales_totals(cur, _days(11, 12, "UTC"))["orders"] == 1


def test_series_buckets_are_shop_local_days_and_weeks(cur: Cursor) -> None:
    days = sales.sales_by_period(cur, _days(11, 13, NEW_YORK))
    assert [(row["period"], row["orders"]) for row in days] == [("2025-09-11", 1), ("2025-09-12", 1), ("2025-09-13", 0)]
    utc = sales.sales_by_period(cur, _days(11, 13, "UTC"))
    assert [(row["period"], row["orders"]) for row in utc] == [("2025-09-11", 0), ("2025-09-12", 1), ("2025-09-13", 1)]
    # Weeks start on the shop's Monday: 8 Sep holds both orders in New York; in UTC Q falls on Sat 13 (same week).
    weeks = sales.sales_by_period(cur, _days(8, 14, NEW_YORK, granularity="week"))
    assert [(row["period"], row["orders"]) for row in weeks] == [("2025-09-08", 2)]


def test_sla_business_hours_follow_the_shop_week(cur: Cursor) -> None:
    # 12-hour business SLA. New York: P 12 h, Q 12 h, both within. UTC 12-13 Sep: P 12 h within, Q 13 h late.
    assert fulfilment.sla(cur, _days(11, 12, NEW_YORK, sla_hours=12)) == {
        "sla_within": 2,
        "sla_due": 2,
        "sla_share": 1.0,
    }
    assert fulfilment.sla(cur, _days(12, 13, "UTC", sla_hours=12)) == {"sla_within": 1, "sla_due": 2, "sla_share": 0.5}


def test_default_range_ends_on_the_shop_s_today() -> None:
    # 02:00 UTC on 15 Sep is still 14 Sep in New York.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(filters_module, "utcnow", lambda: datetime(2025, 9, 15, 2, 0, tzinfo=UTC))
        f = parse_filters({}, timezone=NEW_YORK)
    assert (f.start, f.end, f.start_at, f.end_at) == (
        date(2025, 8, 16),
        date(2025, 9, 14),
        datetime(2025, 8, 16, 4, 0),  # New York midnight in UTC (EDT)
        datetime(2025, 9, 15, 4, 0),
    )
