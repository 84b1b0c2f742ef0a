"""The policy back-test on the Returns page: managers see it and export it; staff get neither (money)."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.dashboard.conftest import STORY_ARGS, callback

PATH = [
    {"id": "url", "property": "pathname", "value": "/dashboard/returns"},
    {"id": "url", "property": "search", "value": "?" + STORY_ARGS},
]


def test_managers_see_and_export_the_policy_backtest(manager: FlaskClient) -> None:
    # Asked in the week (dataset.py): H (changed_mind, not refunded), A (too_small, refunded 2500),
    # B (exchange, no refund); I's was rejected. All within 14 days of delivery: no window refuses one.
    # A 10 % fee takes 250 off A's refund.
    series = manager.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()["series"]
    rows = {r["scenario"]: r for r in series["returns.policy_whatif"]}
    assert (rows["Actual"]["returns"], rows["Actual"]["units"], rows["Actual"]["refunded_minor"]) == (3, 3, 2500)
    assert (rows["14 days, fee 10 %"]["refunded_minor"], rows["14 days, fee 10 %"]["revenue_kept_minor"]) == (2250, 250)
    csv = manager.get("/dashboard/export/returns.policy_whatif.csv?" + STORY_ARGS).get_data(as_text=True)
    labels, keys, actual = csv.splitlines()[:3]
    assert (
        labels == "Scenario,Window days,Restocking fee bps,Returns,Units,Refunded for returns (USD),Revenue kept (USD)"
    )
    assert keys == "scenario,window_days,restocking_fee_bps,returns,units,refunded_minor,revenue_kept_minor"
    assert actual == "Actual,30,,3,3,25.00,0.00"
    assert "Policy back-test" in str(callback(manager, "page-content.children", PATH))


def test_staff_get_no_policy_backtest(staff: FlaskClient) -> None:
    assert "returns.policy_whatif" not in staff.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()["series"]
    assert staff.get("/dashboard/export/returns.policy_whatif.csv?" + STORY_ARGS).status_code == 403
    assert "Policy back-test" not in str(callback(staff, "page-content.children", PATH))
