"""One reporting currency: orders in another currency are counted, never added into money figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from core.analytics import returns, sales, sales_more
from core.analytics.bundle import compute, without_money
from core.analytics.filters import Filters
from core.analytics.sql import Cursor
from core.analytics.warehouse import Warehouse
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories
from tests.integration.analytics import mixed_currency
from tests.integration.analytics.conftest import open_database, pin_clock

USD = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=mixed_currency.AS_OF)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cur(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cursor]:
    database = open_database(request.param, request, tmp_path_factory)
    shop = Shop(db=database, gateway=FakeGateway())
    with pytest.MonkeyPatch.context() as patch:
        factories.make_catalog(shop)
        mixed_currency.build(shop, pin_clock(patch))
    copy = Warehouse(database)
    copy.sync()
    with copy.cursor() as cursor:
        yield cursor
    copy.close()
    database.dispose()


def test_money_adds_up_the_reporting_currency_only(cur: Cursor) -> None:
    assert sales.sales_totals(cur, USD) == {
        "orders": 3,
        "units": 4,
        "gross_minor": 6800,
        "discounts_minor": 0,
        "returns_minor": 0,
        "cancellations_minor": 0,
        "net_minor": 6800,
        "other_refunds_minor": 300,  # U2's goodwill; E1's 500 EUR cents left out
        "shipping_minor": 500,
        "aov_minor": 3400,
    }
    assert sales.other_currency(cur, USD) == {"other_currency_orders": 1}


def test_the_same_history_reported_in_euros(cur: Cursor) -> None:
    euros = replace(USD, currency="EUR")
    totals = sales.sales_totals(cur, euros)
    assert (totals["orders"], totals["gross_minor"], totals["other_refunds_minor"], totals["net_minor"]) == (
        3,
        2000,
        500,
        2000,
    )
    assert (totals["shipping_minor"], totals["aov_minor"]) == (400, 2000)
    assert sales.other_currency(cur, euros) == {"other_currency_orders": 2}


def test_series_and_refund_totals_leave_the_other_currency_out(cur: Cursor) -> None:
    days = {row["period"]: row for row in sales.sales_by_period(cur, USD)}
    assert (days["2025-03-05"]["orders"], days["2025-03-05"]["gross_minor"], days["2025-03-05"]["aov_minor"]) == (
        1,
        0,
        None,
    )
    assert days["2025-03-06"]["other_refunds_minor"] == 0  # E1's 500 EUR refund
    assert sum(row["gross_minor"] for row in days.values()) == 6800
    assert returns.refunds(cur, USD)["refunded_minor"] == 0  # no refunds for returns in this history


def test_the_bundle_says_what_was_left_out(cur: Cursor) -> None:
    bundle = compute(cur, USD)
    assert bundle["reporting_currency"] == "USD"
    assert bundle["counts"]["sales.other_currency_orders"] == 1
    assert bundle["currency_note"].startswith("1 order in a currency other than USD is counted as orders")
    assert without_money(bundle)["currency_note"] is None
    only_dollars = compute(cur, replace(USD, start=date(2025, 3, 3), end=date(2025, 3, 4)))
    assert only_dollars["currency_note"] is None


def test_sales_tables_count_every_order_and_add_up_one_currency(cur: Cursor) -> None:
    channels = {row["channel"]: row for row in sales_more.by_channel(cur, USD)}
    assert (channels["web"]["orders"], channels["web"]["gross_minor"], channels["web"]["aov_minor"]) == (2, 6800, 3400)
    shopify = channels["shopify"]  # E1 alone: an order, but no dollars
    assert (shopify["orders"], shopify["units"], shopify["gross_minor"], shopify["aov_minor"]) == (1, 1, 0, None)
    products = {row["sku"]: row for row in sales_more.by_product(cur, USD)}
    assert (products["TEE-M"]["orders"], products["TEE-M"]["units"], products["TEE-M"]["gross_minor"]) == (2, 3, 5000)
