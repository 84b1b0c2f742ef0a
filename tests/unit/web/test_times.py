"""The one helper every staff page formats a moment with: the shop's clock, the zone named (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from web.times import stamp, time_tag

WINTER = datetime(2026, 12, 5, 13, 3, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "moment", "shown"),
    [
        ("Europe/Berlin", WINTER, "5 Dec 2026, 14:03 CET"),
        ("Europe/Berlin", SUMMER, "2 Jul 2026, 00:30 CEST"),  # the next day on the shop's clock
        ("America/New_York", WINTER, "5 Dec 2026, 08:03 EST"),
        ("UTC", WINTER, "5 Dec 2026, 13:03 UTC"),
        # A typo in configuration must not break pages: the setting's default zone (the start-up log says so).
        ("Not/AZone", WINTER, "5 Dec 2026, 08:03 EST"),
    ],
)
def test_a_moment_reads_on_the_shops_clock_with_its_zone(zone: str, moment: datetime, shown: str) -> None:
    app = Flask(__name__)
    app.config["SHOP_TIMEZONE"] = zone
    with app.app_context():
        assert stamp(moment) == shown
        assert stamp(None) == ""


def test_the_time_element_keeps_the_instant_and_utc_in_its_tooltip() -> None:
    app = Flask(__name__)
    app.config["SHOP_TIMEZONE"] = "Europe/Berlin"
    with app.app_context():
        assert str(time_tag(WINTER)) == (
            '<time datetime="2026-12-05T13:03:00+00:00" title="2026-12-05 13:03 UTC">5 Dec 2026, 14:03 CET</time>'
        )
        assert str(time_tag(None)) == "—"
