"""The return-rate forecast and the policy back-test, on a small story of their own (not dataset.py's).

Made through the real services; read "as of" Friday 2025-06-20 12:00 UTC. Every order is 1×TEE-M (2500).

| order | delivered      | return asked                       |
| O1    | 05-05 12:00    | 05-07 12:00 (day 2), refunded 2500  |
| O2    | 05-05 12:00    | 05-25 00:00 (day 19), refunded 2500 |
| O3 O4 | 05-05 12:00    | -                                  |
| Y1    | 06-16 12:00    | 06-16 18:00 (day 0), not resolved  |
| Y2 Y3 | 06-16 12:00    | - (watched 4 whole days)           |

Kaplan–Meier, window 30 days: day 0: 1 of 7 return; day 2: 1 of 6; Y2 Y3 leave after day 3 (censored);
day 19: 1 of 3 (O2 O3 O4). S(29) = 6/7 × 5/6 × 2/3 = 10/21, S(3) = 5/7, so an order watched 4 days
without a return still returns with chance 1 − (10/21)/(5/7) = 1/3.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from core.analytics import forecast, whatif
from core.analytics.bundle import compute, without_money
from core.analytics.definitions import BY_KEY
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from core.domain.commands import LineInput, ReturnLineInput
from core.payments import FakeGateway
from core.policies import ReturnPolicy
from core.services import fulfilment, return_resolution, returns, tracking
from core.shop import Shop
from dashboard.components import kpi_card
from tests import factories
from tests.integration.analytics.conftest import open_database, pin_clock

AS_OF = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
RANGE = Filters(date(2025, 5, 1), date(2025, 6, 20), granularity="month", as_of=AS_OF)


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=UTC)


def _delivered_order(shop: Shop, clock: pytest.MonkeyPatch, name: str, month: int, day: int) -> int:
    """Placed ``day`` at 10:00, shipped the next day, delivered the day after at 12:00."""
    clock(at(month, day, 10))
    order_id = factories.place(shop, placed_at=at(month, day, 10), lines=[LineInput("TEE-M", 1)]).id
    clock(at(month, day + 1, 9))
    shipment = fulfilment.create_shipment(
        shop, order_id, carrier_code="ups", service="Ground", tracking_number=f"1Z{name}0001",
        eta=at(month, day + 3, 0), actor=factories.STAFF,
    )  # fmt: skip
    fulfilment.ship_shipment(shop, shipment.id, actor=factories.STAFF, occurred_at=at(month, day + 1, 10))
    tracking.record_scan(shop, tracking.CarrierScan(f"1Z{name}0001", "delivered", at(month, day + 2, 12), "Town"))
    return order_id


def _ask(shop: Shop, clock: pytest.MonkeyPatch, order_id: int, reason: str, when: datetime) -> int:
    clock(when)
    line = factories.reload(shop, order_id).lines[0].id
    return returns.request_return(
        shop, order_id, [ReturnLineInput(line, 1, reason)], actor=factories.CUSTOMER, now=when
    ).id


def _refund(shop: Shop, clock: pytest.MonkeyPatch, return_id: int, when: datetime) -> None:
    clock(when)
    return_resolution.receive_return(shop, return_id, actor=factories.STAFF)
    return_resolution.resolve_return(shop, return_id, actor=factories.STAFF)


def build(shop: Shop, clock: pytest.MonkeyPatch) -> None:
    ids = {name: _delivered_order(shop, clock, name, 5, 3) for name in ("O1", "O2", "O3", "O4")}
    ids |= {name: _delivered_order(shop, clock, name, 6, 14) for name in ("Y1", "Y2", "Y3")}
    _refund(shop, clock, _ask(shop, clock, ids["O1"], "too_small", at(5, 7, 12)), at(5, 10, 12))
    _refund(shop, clock, _ask(shop, clock, ids["O2"], "changed_mind", at(5, 25, 0)), at(5, 28, 12))
    _ask(shop, clock, ids["Y1"], "too_large", at(6, 16, 18))
    clock(AS_OF)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cur(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cursor]:
    database = open_database(request.param, request, tmp_path_factory)
    shop = Shop(db=database, gateway=FakeGateway())
    with pytest.MonkeyPatch.context() as patch:
        factories.make_catalog(shop)
        build(shop, pin_clock(patch))
    copy = Warehouse(database)
    copy.sync()
    with copy.cursor() as cursor:
        yield cursor
    copy.close()
    database.dispose()


def test_each_cohort_gets_its_projected_final_rate(cur: Cursor) -> None:
    cohorts = {row["cohort"]: row for row in forecast.returns_by_cohort(cur, RANGE)}
    # May: closed, 2 of 4 returned: the projection is the observed rate, with no spread.
    may = cohorts["2025-05-01"]
    assert (may["return_rate_by_orders"], may["projected_return_rate"], may["projected_low"]) == (0.5, 0.5, 0.5)
    assert may["projected_high"] == 0.5
    # June: 1 of 3 so far; Y2 and Y3 each still return with chance 1/3: (1 + 2/3) / 3 = 5/9. Spread:
    # Greenwood var = (2/3)² × 1/(3 × 2) = 2/27 per order, fully correlated: (2 √(2/27))² = 0.2963; the
    # outcomes' own 2 × 1/3 × 2/3 = 0.4444; sd 0.8607, ±1.96 sd = 1.687 returns, clipped to [1, 3] of 3.
    june = cohorts["2025-06-01"]
    assert (june["return_rate_by_orders"], june["incomplete"]) == (0.3333, True)
    assert (june["projected_return_rate"], june["projected_low"], june["projected_high"]) == (0.5556, 0.3333, 1.0)


def test_the_period_projection_sits_beside_the_immature_rate(cur: Cursor) -> None:
    # All 7: (3 + 2/3) / 7 = 11/21; interval [3, 3.667 + 1.687 → 5] / 7.
    assert forecast.projected_return_rate(cur, RANGE) == {
        "projected_return_rate": 0.5238,
        "projected_return_rate_low": 0.4286,
        "projected_return_rate_high": 0.7143,
    }
    kpis = compute(cur, RANGE)["kpis"]
    projected = kpis["returns.projected_return_rate"]
    assert (projected["value"], projected["low"], projected["high"], projected["better"]) == (
        0.5238,
        0.4286,
        0.7143,
        None,
    )
    rate = kpis["returns.return_rate_by_orders"]
    assert rate["projected"] == {"value": 0.5238, "low": 0.4286, "high": 0.7143}
    card = kpi_card(BY_KEY["returns.return_rate_by_orders"], rate)
    assert "projected final: 52.4 % (42.9–71.4 %)" in [part.children for part in card.children]
    # May alone is closed: nothing to project, no projection on the card.
    may = Filters(date(2025, 5, 1), date(2025, 5, 31), as_of=AS_OF)
    assert "projected" not in compute(cur, may)["kpis"]["returns.return_rate_by_orders"]


def test_what_is_known_at_a_cut_off_is_all_the_forecast_reads(cur: Cursor) -> None:
    # On 05-09 12:00 (the back-test's view): only May is delivered, O1 returned on day 2, the others
    # watched 4 days. Pool of 4: day 2: 1 of 4 → S = 3/4 and nobody is watched beyond day 3: nothing
    # more is expected, (1 + 0) / 4.
    then = Filters(date(2025, 5, 1), date(2025, 5, 31), as_of=datetime(2025, 5, 9, 12, tzinfo=UTC))
    assert forecast.projected_return_rate(cur, then)["projected_return_rate"] == 0.25


def row(scenario: str, window: int, fee: int | None, counts: tuple[int, int, int]) -> dict[str, object]:
    returned, units, refunded = counts
    return {
        "scenario": scenario, "window_days": window, "restocking_fee_bps": fee, "returns": returned,
        "units": units, "refunded_minor": refunded, "revenue_kept_minor": 5000 - refunded,
    }  # fmt: skip


def test_policy_backtest_refuses_late_returns_and_charges_the_fee(cur: Cursor) -> None:
    # O2 was asked on 05-25, 20 days after its delivery: a 14-day window (closing 05-19) refuses it.
    # A 10 % fee takes 250 off each refund of 2500. Y1 is not refunded yet, so no fee applies to it.
    assert whatif.policy_whatif(cur, RANGE) == [
        row("Actual", 30, None, (3, 3, 5000)),
        row("14 days, fee 0 %", 14, 0, (2, 2, 2500)),
        row("14 days, fee 10 %", 14, 1000, (2, 2, 2250)),
        row("30 days, fee 0 %", 30, 0, (3, 3, 5000)),
        row("30 days, fee 10 %", 30, 1000, (3, 3, 4500)),
        row("45 days, fee 0 %", 45, 0, (3, 3, 5000)),
        row("45 days, fee 10 %", 45, 1000, (3, 3, 4500)),
    ]


def test_the_backtest_is_for_managers_only(cur: Cursor) -> None:
    bundle = compute(cur, RANGE)
    assert len(bundle["series"]["returns.policy_whatif"]) == 7
    assert "returns.policy_whatif" not in without_money(bundle)["series"]


def test_a_late_return_for_the_shops_fault_is_still_taken_back() -> None:
    # Asked 20 days after delivery: a 14-day window refuses "changed my mind" but not "damaged"
    # (ReturnPolicy.override_reasons); the 30-day window takes both.
    def late(reason: str) -> whatif.Line:
        return whatif.Line(1, datetime(2025, 5, 25), reason, 1, True, 1, 2500, datetime(2025, 5, 5), 2500)

    policies = dict(whatif.scenarios(ReturnPolicy()))
    short, usual = policies["14 days, fee 0 %"], policies["30 days, fee 0 %"]
    assert [whatif.accepted(late(r), short) for r in ("changed_mind", "damaged")] == [False, True]
    assert [whatif.accepted(late(r), usual) for r in ("changed_mind", "damaged")] == [True, True]
