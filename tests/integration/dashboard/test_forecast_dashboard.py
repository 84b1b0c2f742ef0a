"""The cohort chart and its CSV carry each cohort's projected final rate (core.analytics.forecast)."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.dashboard.conftest import STORY_ARGS


def test_the_cohort_csv_has_the_projection(staff: FlaskClient) -> None:
    # Read today, every window of the story (dataset.py) has closed: the cohort of 03-03 (A, B, I; C was
    # cancelled) has its final rate, 2 of 3, and the projection is that rate with no spread.
    csv = staff.get("/dashboard/export/returns.by_cohort.csv?" + STORY_ARGS).get_data(as_text=True)
    labels, keys, first = csv.splitlines()[:3]
    assert labels.endswith(
        ",Projected final return rate (share 0–1),Projected final rate 95 % low (share 0–1)"
        ",Projected final rate 95 % high (share 0–1)"
    )
    assert keys.endswith(",projected_return_rate,projected_low,projected_high")
    assert first.startswith("2025-03-03,3,2,0.6667,")
    assert first.endswith(",0.6667,0.6667,0.6667")
