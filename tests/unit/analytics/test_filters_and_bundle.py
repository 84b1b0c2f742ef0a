"""Filters parsing, the period comparison, money redaction and the KPI docs (no database)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from core.analytics.bundle import compare, without_money
from core.analytics.definitions import BY_KEY, CARRIER_FILTERED, KPIS, SERIES
from core.analytics.filter_notes import filters_applied
from core.analytics.filters import Filters, parse_filters
from core.analytics.formatting import delta_text, value_text
from core.errors import ValidationFailed

DOCS = Path(__file__).resolve().parents[3] / "docs" / "kpis.md"


def test_defaults_to_the_last_30_days() -> None:
    f = parse_filters({}, today=date(2025, 3, 31))
    assert (f.start, f.end, f.days, f.granularity, f.sla_hours, f.sla_business) == (
        date(2025, 3, 2),
        date(2025, 3, 31),
        30,
        "day",
        48,
        True,
    )


def test_previous_period_has_the_same_length_and_ends_the_day_before() -> None:
    f = parse_filters({"from": "2025-03-03", "to": "2025-03-09", "carrier": "ups"})
    before = f.previous()
    assert (before.start, before.end, before.carrier) == (date(2025, 2, 24), date(2025, 3, 2), "ups")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"from": "2025-03-09", "to": "2025-03-01"}, "from"),
        ({"granularity": "hour"}, "granularity"),
        ({"sla_hours": "-4"}, "sla_hours"),
        ({"channel": "x" * 65}, "channel"),
        ({"from": "2000-01-01", "to": "2025-01-01"}, "from"),
    ],
)
def test_bad_filters_name_the_field(args: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_filters(args)
    assert caught.value.field == field


def test_comparison_says_whether_the_change_is_good_news() -> None:
    assert compare(10, 8, True) == {"value": 10, "previous": 8, "delta": 2, "change": 0.25, "better": True}
    assert compare(0.5, 0.75, False)["better"] is True
    assert compare(3, 0, True)["change"] is None
    assert compare(None, 5, True)["delta"] is None
    assert compare(4, 2, None)["better"] is None


def test_staff_view_has_no_money() -> None:
    bundle = {
        "kpis": {
            "sales.orders": 1,
            "returns.refunded_minor": 5,
            "returns.return_rate_by_value": 0.1,
            "delivery.in_transit": 2,
        },
        "counts": {"returns.delivered_value_minor": 3, "returns.delivered_units": 4},
        "series": {"sales.by_period": [{"a": 1}], "returns.by_sku": [{"sku": "A", "priority": 1.0}]},
    }
    assert without_money(bundle) == {
        "kpis": {"delivery.in_transit": 2},
        "counts": {"returns.delivered_units": 4},
        "series": {"returns.by_sku": [{"sku": "A", "priority": 1.0}]},
    }


def test_every_kpi_and_series_is_defined_in_the_docs() -> None:
    headings = set(re.findall(r"^### (\S+)$", DOCS.read_text(), re.M))
    assert headings == {k.key for k in KPIS} | set(SERIES)


def test_values_read_in_their_unit() -> None:
    assert value_text(BY_KEY["sales.net_minor"], 123456) == "$1,234.56"
    assert value_text(BY_KEY["delivery.transit_median_hours"], 57.0) == "2 d 9 h"
    assert value_text(BY_KEY["fulfilment.sla_share"], 0.8333) == "83.3%"
    assert value_text(BY_KEY["sales.aov_minor"], None) == "–"
    assert delta_text(BY_KEY["sales.discounts_minor"], compare(800, 0, False)) == ("▲ $8.00 vs previous period", "bad")
    assert delta_text(BY_KEY["delivery.on_time_rate"], compare(0.75, 1.0, True)) == (
        "▼ 25.0 pts vs previous period",
        "bad",
    )


def test_filters_cache_key_ignores_the_clock() -> None:
    a = Filters(date(2025, 3, 3), date(2025, 3, 9))
    assert a.cache_key() == Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=None).cache_key()
    assert a.cache_key() != Filters(date(2025, 3, 3), date(2025, 3, 9), sku="TEE-M").cache_key()


def test_filters_applied_says_what_each_filter_restricts() -> None:
    assert filters_applied(None, None, None) == []
    channel, carrier = filters_applied("shopify", "ups", None)
    assert (channel["filter"], channel["applies_to"]) == ("channel", "all")
    assert (carrier["filter"], carrier["value"]) == ("carrier", "ups")
    assert carrier["applies_to"] == sorted(CARRIER_FILTERED)
    assert "ignore" in str(carrier["note"])
    assert {k.key for k in KPIS} | set(SERIES) >= CARRIER_FILTERED
