"""The dashboard reports in the shop's currency setting and says when orders in another were left out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from flask import Flask

from core.payments import FakeGateway
from core.services.access import create_staff_user
from core.services.settings import change_settings
from core.shop import Shop
from tests import factories
from tests.integration.analytics import mixed_currency
from tests.integration.analytics.conftest import open_database, pin_clock
from tests.integration.dashboard.conftest import STORY_ARGS, answering, publish_store, signed_in
from tests.integration.dashboard.test_consistency import render


@pytest.fixture(scope="module")
def mixed_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from wsgi import create_app

    database = open_database("sqlite", request, tmp_path_factory)
    shop = Shop(db=database, gateway=FakeGateway())
    with pytest.MonkeyPatch.context() as patch:
        factories.make_catalog(shop)
        mixed_currency.build(shop, pin_clock(patch))
    create_staff_user(shop, email="boss@example.com", password="correct horse battery", role="manager")
    config = {"SHOP": shop, "DATABASE_URL": database.url, "TESTING": True, "SECRET_KEY": "test-secret",
              "PUBLIC_BASE_URL": "http://localhost", "RATELIMIT_STORAGE_URI": "memory://",
              "ANALYTICS_STORE": str(publish_store(database, tmp_path_factory))}  # fmt: skip
    app = create_app(config)
    with answering(app.config["ANALYTICS_STORE"]):
        yield app
    database.dispose()


def test_the_json_page_and_csv_report_in_the_shop_currency_and_name_what_was_left_out(mixed_app: Flask) -> None:
    manager = signed_in(mixed_app, "boss@example.com")
    api = manager.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()
    assert (api["reporting_currency"], api["filters"]["currency"]) == ("USD", "USD")
    assert api["kpis"]["sales.gross_minor"]["value"] == 6800  # U1 + U2; E1's 2000 EUR cents left out
    assert api["counts"]["sales.other_currency_orders"] == 1
    note = api["currency_note"]
    assert note.startswith("1 order in a currency other than USD is counted as orders but left out")
    shown = [c["props"].get("children") for c in render(manager, "/dashboard/sales", "?" + STORY_ARGS)]
    assert note in shown
    printed = mixed_app.test_cli_runner().invoke(args=["kpis", "--from", "2025-03-03", "--to", "2025-03-09", "--json"])
    assert json.loads(printed.stdout)["currency_note"] == note
    table = mixed_app.test_cli_runner().invoke(args=["kpis", "--from", "2025-03-03", "--to", "2025-03-09"])
    assert f"Note: {note}" in table.output


def test_a_shop_in_euros_reports_in_euros(mixed_app: Flask) -> None:
    shop = mixed_app.config["SHOP"]
    change_settings(shop, factories.MANAGER, {"currency": "EUR"})
    try:
        manager = signed_in(mixed_app, "boss@example.com")
        api = manager.get("/dashboard/api/kpis?" + STORY_ARGS).get_json()
        assert api["reporting_currency"] == "EUR"
        assert (api["kpis"]["sales.gross_minor"]["value"], api["kpis"]["sales.net_minor"]["value"]) == (2000, 2000)
        assert api["counts"]["sales.other_currency_orders"] == 2
        cards = render(manager, "/dashboard/sales", "?" + STORY_ARGS)
        gross = next(c for c in cards if c["props"].get("id") == "kpi-sales-gross_minor")
        assert gross["props"]["children"][2]["props"]["children"] == "€20.00"
        lines = manager.get("/dashboard/export/kpis.csv?" + STORY_ARGS).get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(lines)))
        gross_row = next(row for row in rows if row[1] == "sales.gross_minor")
        assert gross_row[:6] == ["Gross sales (EUR)", "sales.gross_minor", "Gross sales", "EUR", gross_row[4], "20.00"]
    finally:
        change_settings(shop, factories.MANAGER, {"currency": "USD"})
