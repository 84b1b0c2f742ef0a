"""Every KPI says what it is: a label, a known unit and a basis (what it counts over)."""

from __future__ import annotations

from core.analytics.bases import SERIES_BASES
from core.analytics.definitions import KPIS, SERIES
from core.analytics.kpi import UNITS


def test_every_kpi_has_a_label_a_known_unit_and_a_basis() -> None:
    missing = [k.key for k in KPIS if not k.label.strip() or not k.basis.strip()]
    assert missing == []
    assert {k.key: k.unit for k in KPIS if k.unit not in UNITS} == {}


def test_identity_is_what_the_json_carries() -> None:
    kpi = next(k for k in KPIS if k.key == "delivery.on_time_rate")
    assert kpi.identity() == {"label": kpi.label, "unit": "share", "basis": kpi.basis}
    assert "due" in kpi.basis


def test_series_bases_name_existing_series() -> None:
    assert set(SERIES_BASES) <= set(SERIES)
    assert all(text.strip() for text in SERIES_BASES.values())
