"""When a parcel arrives, by the one rule every page and message uses (hand-picked moments, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.arrival import DELIVERED, EXPECTED, LATE, Arrival, arrival, day_word, first_estimate
from core.returning import address_lines, send_back_steps

CHICAGO = "America/Chicago"
# Saturday 5 December 2026, 9:00 in Chicago (15:00 UTC).
NOW = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
SATURDAY, SUNDAY = date(2026, 12, 5), date(2026, 12, 6)


def _arrival(status: str, **moments: datetime | None) -> Arrival | None:
    given = {"delivered_at": None, "current_eta": None, "out_for_delivery_at": None} | moments
    return arrival(status, now=NOW, zone_name=CHICAGO, **given)  # type: ignore[arg-type]


def test_out_for_delivery_today_means_today_whatever_the_older_estimate() -> None:
    """The issue's page: "Estimated delivery Sunday 6 December" next to "Out for delivery" on Saturday."""
    shown = _arrival("out_for_delivery", current_eta=NOW + timedelta(days=1), out_for_delivery_at=NOW)
    assert shown == Arrival(EXPECTED, SATURDAY)
    assert first_estimate(NOW + timedelta(days=1), shown, CHICAGO) == SUNDAY  # worth crossing out


def test_out_for_delivery_since_an_earlier_day_falls_back_to_the_estimate_or_late() -> None:
    went_out = NOW - timedelta(days=1)
    assert _arrival("out_for_delivery", out_for_delivery_at=went_out, current_eta=went_out) == Arrival(
        LATE, date(2026, 12, 4)
    )
    assert _arrival("out_for_delivery", out_for_delivery_at=went_out) is None


def test_a_delivered_parcel_has_its_delivery_day_and_no_estimate() -> None:
    at = NOW - timedelta(hours=2)
    shown = _arrival("delivered", delivered_at=at, current_eta=NOW + timedelta(days=2))
    assert shown == Arrival(DELIVERED, SATURDAY, at)
    assert first_estimate(NOW + timedelta(days=2), shown, CHICAGO) is None


@pytest.mark.parametrize("status", ["available_for_pickup", "cancelled"])
def test_no_delivery_day_for_a_parcel_waiting_at_a_counter_or_cancelled(status: str) -> None:
    assert _arrival(status, current_eta=NOW + timedelta(days=1)) is None


def test_the_estimate_is_the_shops_day_not_utcs() -> None:
    """03:00 UTC on Sunday is still Saturday evening in Chicago."""
    eta = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    assert _arrival("in_transit", current_eta=eta) == Arrival(EXPECTED, SATURDAY)
    assert _arrival("in_transit", current_eta=eta + timedelta(days=1)) == Arrival(EXPECTED, SUNDAY)


def test_a_passed_estimate_is_late_not_expected() -> None:
    assert _arrival("in_transit", current_eta=NOW - timedelta(days=2)) == Arrival(LATE, date(2026, 12, 3))


def test_day_words_are_counted_from_the_day_of_reading() -> None:
    assert [day_word(SATURDAY + timedelta(days=n), SATURDAY) for n in (-2, -1, 0, 1, 2)] == [
        None,
        "yesterday",
        "today",
        "tomorrow",
        None,
    ]


def test_return_address_lines_and_steps_never_promise_an_address_they_lack() -> None:
    address = address_lines("Returns Desk; 500 Dock Street\nChicago, IL 60607 ;")
    assert address == ("Returns Desk", "500 Dock Street", "Chicago, IL 60607")
    steps = send_back_steps(shop_name="Demo", rma="RMA-ABCDEFGH", address=address, support_email="help@example.com")
    assert "Returns Desk, 500 Dock Street, Chicago, IL 60607" in steps[2]
    assert "outside of the parcel" in steps[1]
    missing = send_back_steps(shop_name="Demo", rma="RMA-ABCDEFGH", address=(), support_email="help@example.com")
    assert not any("post office" in step for step in missing)
    assert "email help@example.com with RMA-ABCDEFGH" in missing[2]
