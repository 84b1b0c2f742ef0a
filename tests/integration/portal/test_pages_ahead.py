"""Tracking pages rendered ahead (issue 14 §5): a first view reads the stored page, never a stale one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from core.clock import utcnow
from core.models import Event, Order, ReadMark, TrackingPage
from core.queries.pages import by_number
from core.services import tracking
from core.shop import Shop
from portal.customer import ahead
from tests import factories
from tests.conftest import make_test_app

NUMBER = factories.TRACKING
NOW = timedelta(0)  # tests render what was just logged: no settling time


@pytest.fixture
def app_shop(shop: Shop) -> Shop:
    """These tests run on both backends: the app is built over the parametrised ``shop``."""
    return shop


@pytest.fixture
def app(app_shop: Shop) -> Flask:
    return make_test_app(app_shop)


def _pages(shop: Shop) -> dict[str, TrackingPage]:
    with shop.db.read() as session:
        return {page.language: page for page in session.scalars(select(TrackingPage))}


def _misses(app: Flask) -> int:
    cache = app.extensions.get("customer.parcels")
    return 0 if cache is None else int(cache.misses)


def _view(app: Flask, language: str = "en") -> str:
    response = app.test_client().get(f"/track/{NUMBER}", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_stored_page_is_the_page_a_view_would_render_and_a_view_then_renders_nothing(
    app: Flask, app_shop: Shop, shipped_order: Order
) -> None:
    on_demand = {language: _view(make_test_app(app_shop), language) for language in ("en", "es", "de")}
    assert ahead.catch_up(app, settle=NOW) == 3
    stored = _pages(app_shop)
    assert sorted(stored) == ["de", "en", "es"]
    for language, page in stored.items():
        assert page.html == on_demand[language]
        assert page.version == shipped_order.version
        assert page.valid_on is not None  # a parcel on its way is late or not as of today
    assert _view(app, "es") == on_demand["es"]
    assert _misses(app) == 0  # served from the table: nothing rendered


def test_a_current_stored_page_is_what_is_served(app: Flask, app_shop: Shop, shipped_order: Order) -> None:
    ahead.catch_up(app, settle=NOW)
    with app_shop.db.write() as session:
        session.execute(update(TrackingPage).values(html="<p>rendered ahead</p>"))
    assert _view(app, "de") == "<p>rendered ahead</p>"


def test_a_page_of_an_older_version_or_day_is_never_served(app: Flask, app_shop: Shop, shipped_order: Order) -> None:
    ahead.catch_up(app, settle=NOW)
    yesterday = utcnow().date() - timedelta(days=2)
    with app_shop.db.write() as session:
        session.execute(update(TrackingPage).values(html="<p>stale</p>", valid_on=yesterday))
    assert "stale" not in _view(app)
    tracking.record_scan(app_shop, tracking.CarrierScan(NUMBER, "out_for_delivery", utcnow(), "Riverside depot"))
    with app_shop.db.write() as session:
        session.execute(update(TrackingPage).values(valid_on=None))
    page = _view(app)
    assert "stale" not in page
    assert "Riverside depot" in page


def test_catching_up_follows_the_log_and_renders_each_change_once(
    app: Flask, app_shop: Shop, shipped_order: Order
) -> None:
    assert ahead.catch_up(app, settle=NOW) == 3
    assert ahead.catch_up(app, settle=NOW) == 0  # nothing new
    tracking.record_scan(app_shop, tracking.CarrierScan(NUMBER, "out_for_delivery", utcnow(), "Riverside depot"))
    assert ahead.catch_up(app, settle=NOW) == 3
    order = factories.reload(app_shop, shipped_order.id)
    assert {page.version for page in _pages(app_shop).values()} == {order.version}
    assert all("Riverside depot" in page.html for page in _pages(app_shop).values())
    with app_shop.db.read() as session:
        mark = session.scalar(select(ReadMark.event_id))
        newest = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    assert mark == newest


def test_a_page_in_the_orders_own_language_serves_every_visitor(
    app: Flask, app_shop: Shop, catalog: dict[str, int]
) -> None:
    order = factories.place(app_shop, locale="de-DE")
    factories.ship_all(app_shop, order.id)
    ahead.catch_up(app, settle=NOW)
    stored = _pages(app_shop)
    assert list(stored) == ["*"]
    assert 'lang="de"' in stored["*"].html
    assert _view(app, "en") == stored["*"].html


def test_a_parcel_delivered_days_ago_keeps_its_page_for_any_day_and_yesterdays_news_for_today_only(
    app: Flask, app_shop: Shop, shipped_order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.deliver(app_shop, NUMBER)
    later = utcnow() + timedelta(days=1)
    for clock in ("portal.customer.blueprint.utcnow", "web.formats.utcnow"):  # the page is read tomorrow
        monkeypatch.setattr(clock, lambda: later)
    ahead.catch_up(app, settle=NOW)
    assert {page.valid_on for page in _pages(app_shop).values()} == {later.date()}  # "Yesterday, …"
    later = utcnow() + timedelta(days=10)
    ahead.store(app, by_number(app_shop.db.engine, [NUMBER]))
    assert {page.valid_on for page in _pages(app_shop).values()} == {None}


def test_the_stored_page_holds_nothing_personal(app: Flask, app_shop: Shop, shipped_order: Order) -> None:
    ahead.catch_up(app, settle=NOW)
    for page in _pages(app_shop).values():
        for personal in ("ada@example.com", "Ada", "Lovelace", "Analytical Way", "5555550123", "25.00", "$"):
            assert personal not in page.html, personal


def test_the_command_renders_and_reports(app: Flask, app_shop: Shop, shipped_order: Order) -> None:
    result = app.test_cli_runner().invoke(args=["tracking-pages", "--recent-days", "7"])
    assert result.exit_code == 0, result.output
    assert "first run: 3 pages" in result.output
    assert len(_pages(app_shop)) == 3
