"""Codes read as words from core's catalogues; durations in days and hours; exports' column words."""

from __future__ import annotations

import pytest

from core.analytics import labels
from core.analytics.definitions import BY_KEY
from core.analytics.formatting import delta_text, hours_text, value_text


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        (labels.carrier_service("dhl", "Express Worldwide"), "DHL Express Worldwide"),
        (labels.carrier_service("ups", "Ground"), "UPS Ground"),
        (labels.carrier_service("fedex", "Home Delivery"), "FedEx Home Delivery"),
        (labels.carrier_name("acme"), "ACME"),
        (labels.return_reason("changed_mind"), "Changed my mind"),
        (labels.return_reason("fell_apart"), "Fell apart"),
        (labels.hold_reason("po_box"), "PO box address the chosen carrier does not deliver to"),
        (labels.hold_reason(None), "Unknown"),
        (labels.exception_reason("failed_attempt"), "Delivery attempt missed"),
        (labels.spelled("on_hold"), "On hold"),
    ],
)
def test_codes_read_as_words(shown: str, expected: str) -> None:
    assert shown == expected


@pytest.mark.parametrize(
    ("hours", "text"),
    [(5.46, "5.5 h"), (23.9, "23.9 h"), (24, "1 d"), (169.5, "7 d 2 h"), (49, "2 d 1 h"), (-30, "-1 d 6 h")],
)
def test_durations_from_a_day_on_read_in_days_and_hours(hours: float, text: str) -> None:
    assert hours_text(hours) == text


def test_cards_use_days_and_hours() -> None:
    kpi = BY_KEY["fulfilment.placed_to_shipped_p90_hours"]
    assert value_text(kpi, 169.5) == "7 d 2 h"
    assert delta_text(kpi, {"delta": -48.0, "better": True}) == ("▼ 2 d vs previous period", "good")
