"""The DuckDB copy follows the event log: new events refresh exactly the orders they name, and the
cache never serves a bundle older than the newest event. Also: drill-down pages."""

from __future__ import annotations

from datetime import date

import pytest

from core.analytics import Filters, KpiService, Warehouse, drill_orders
from core.errors import ValidationFailed
from core.services import refunds
from core.shop import Shop
from tests import factories
from tests.integration.analytics.conftest import build_story
from tests.integration.analytics.dataset import AS_OF

WEEK = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)


@pytest.fixture
def fresh_story(shop: Shop) -> tuple[Shop, dict[str, int]]:
    return build_story(shop.db)


def test_new_events_refresh_the_copy_and_the_cache(fresh_story: tuple[Shop, dict[str, int]]) -> None:
    shop, ids = fresh_story
    service = KpiService(Warehouse(shop.db))
    first = service.bundle(WEEK)
    assert service.bundle(WEEK) is first  # cached
    assert first["kpis"]["sales.other_refunds_minor"]["value"] == 1000  # B's goodwill refund

    refunds.refund_order(shop, ids["G"], amount_minor=700, reason="goodwill", actor=factories.MANAGER)
    second = service.bundle(Filters(date(2025, 3, 3), date.today(), as_of=AS_OF))
    assert second["as_of_event_id"] > first["as_of_event_id"]
    assert second["kpis"]["sales.other_refunds_minor"]["value"] == 1700  # booked today, inside the longer range
    assert service.bundle(WEEK)["kpis"]["sales.other_refunds_minor"]["value"] == 1000  # not in the story week
    with service.warehouse.cursor() as cur:
        rows = cur.execute("SELECT count(*) FROM refunds_f WHERE order_id = ?", [ids["G"]]).fetchone()
    assert rows == (1,)
    service.warehouse.close()


def test_a_second_copy_loads_everything_at_once(warehouse: Warehouse, story_shop: Shop) -> None:
    copy = Warehouse(story_shop.db)
    assert copy.sync() == warehouse.synced_event_id
    with copy.cursor() as a, warehouse.cursor() as b:
        for table in (
            "orders_f",
            "lines_f",
            "shipments_f",
            "exceptions_f",
            "holds_f",
            "returns_f",
            "return_lines_f",
            "refunds_f",
        ):
            assert (
                a.execute(f"SELECT count(*) FROM {table}").fetchone()
                == b.execute(f"SELECT count(*) FROM {table}").fetchone()
            )
    copy.close()


def test_drill_down_pages_the_orders_behind_a_bar(warehouse: Warehouse) -> None:
    with warehouse.cursor() as cur:
        day = drill_orders(cur, WEEK, "sales_period", "2025-03-03", page=0, page_size=2)
        rest = drill_orders(cur, WEEK, "sales_period", "2025-03-03", page=1, page_size=2)
        assert (day.total, len(day.rows), len(rest.rows)) == (3, 2, 1)
        assert {r["value_minor"] for r in day.rows + rest.rows} == {6300, 4700, 2500}  # A, B, I after discounts
        assert drill_orders(cur, WEEK, "exception", "usps|delay").total == 1
        assert drill_orders(cur, WEEK, "carrier_service", "ups|Ground").total == 3
        assert drill_orders(cur, WEEK, "sku", "TEE-L").total == 1
        assert drill_orders(cur, WEEK, "reason", "changed_mind").total == 1
        assert drill_orders(cur, WEEK, "ship_bucket", "24-48 h").total == 3
        assert drill_orders(cur, WEEK, "hold_reason", "fraud_score").total == 1
        assert drill_orders(cur, WEEK, "wait_bucket", "96 h+").total == 1
        assert drill_orders(cur, WEEK, "cohort", "2025-03-03").total == 2
        with pytest.raises(ValidationFailed):
            drill_orders(cur, WEEK, "nope", "x")
