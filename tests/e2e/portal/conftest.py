"""A real server over a SQLite file of demo orders, for the customer flows in Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.db import Database
from core.models import Order
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories
from tests.e2e.conftest import serving


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
