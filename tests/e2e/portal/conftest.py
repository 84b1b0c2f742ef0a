"""A real server over a SQLite file of demo orders, for the customer flows in Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.db import Database
from core.models import Order
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories
from tests.e2e.conftest import serving
from tests.e2e.portal.shopper import DESKTOP, RETURN_ADDRESS, Shopper, Watch, hoodies


@dataclass
class Server:
    url: str
    shop: Shop
    orders: list[Order]  # delivered, one per flow so flows never share an order


def _orders(shop: Shop) -> list[Order]:
    """Twelve shipped orders, every other one delivered, each with its own parcel."""
    factories.make_catalog(shop)
    orders = []
    for i in range(12):
        order = factories.place(shop, email=f"shopper{i}@example.com")
        number = f"1ZE2E{i:013d}"
        factories.ship_all(shop, order.id, tracking_number=number)
        if i % 2 == 0:
            factories.deliver(shop, number)
        orders.append(factories.reload(shop, order.id))
    return orders


@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from wsgi import create_app

    path = tmp_path_factory.mktemp("portal-e2e") / "shiplog.db"
    shutil.copy(sqlite_template, path)
    shop = Shop(db=Database(f"sqlite:///{path}"), gateway=FakeGateway())
    orders = _orders(shop)
    app = create_app({"SHOP": shop, "DATABASE_URL": shop.db.url, "SECRET_KEY": "e2e", "TESTING": True,
                      "RATELIMIT_ENABLED": False, "PORTAL_POLL_SECONDS": 2, "SHOP_TIMEZONE": "America/Chicago"})  # fmt: skip
    try:
        with serving(app) as url:
            yield Server(url, shop, orders)
    finally:
        shop.db.dispose()


@pytest.fixture(scope="module")
def shopper(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shopper]:
    from wsgi import create_app

    path = tmp_path_factory.mktemp("shopper-e2e") / "shiplog.db"
    shutil.copy(sqlite_template, path)
    shop = Shop(db=Database(f"sqlite:///{path}"), gateway=FakeGateway())
    factories.make_catalog(shop)
    hoodies(shop)
    config = {"SHOP": shop, "DATABASE_URL": shop.db.url, "SECRET_KEY": "e2e", "TESTING": True,
              "RATELIMIT_ENABLED": False, "PORTAL_POLL_SECONDS": 2, "SHOP_TIMEZONE": "America/Chicago",
              "SHOP_RETURN_ADDRESS": RETURN_ADDRESS, "SHOP_SUPPORT_EMAIL": "help@shop.example.com"}  # fmt: skip
    app = create_app(config)
    try:
        with serving(app) as url:
            app.config["PUBLIC_BASE_URL"] = url  # links in the emails lead back to this server
            yield Shopper(url, app, shop)
    finally:
        shop.db.dispose()


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def tab(browser: Any, watch: Watch, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser (JavaScript on or off by the test's ``js`` parameter) at desktop size.

    A test fails on any console error, uncaught script error or unexpected 4xx/5xx: the bar is zero."""
    callspec = getattr(request.node, "callspec", None)
    js = callspec.params.get("js", True) if callspec else True
    context = browser.new_context(java_script_enabled=js, viewport=DESKTOP)
    page = context.new_page()
    page.on("console", watch.console)
    page.on("pageerror", lambda error: watch.errors.append(f"script: {error}"))
    page.on("response", watch.response)
    yield page
    context.close()
    assert watch.errors == []
