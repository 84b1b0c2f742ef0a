"""Fixtures for the core integration tests, named for the state they build.

Every test that uses ``shop`` is checked afterwards: replaying the event log must give
exactly the statuses the projection holds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from core.clock import utcnow
from core.db import Database
from core.models import Order
from core.services import fulfilment
from core.shop import Shop
from tests import factories
from tests.conftest import empty_database
from tests.integration.core import support

TRACKING = factories.TRACKING


@pytest.fixture(scope="session")
def _shared_databases(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    """One engine per backend for the whole session: its compiled-statement cache stays warm."""
    made: dict[str, Database] = {}
    path = tmp_path_factory.mktemp("core") / "shiplog.db"
    shutil.copy(sqlite_template, path)
    made["sqlite"] = Database(f"sqlite:///{path}")
    yield made
    for database in made.values():
        database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, _shared_databases: dict[str, Database]) -> Database:
    """The shared ``database`` fixture (SQLite and PostgreSQL), emptied the fast way before each test."""
    if request.param not in _shared_databases:
        _shared_databases[request.param] = Database(request.getfixturevalue("postgres_url"))
    db = _shared_databases[request.param]
    empty_database(db)
    return db


@pytest.fixture(autouse=True)
def _replay_matches_projection(request: pytest.FixtureRequest) -> Iterator[None]:
    # Asked for during set-up, so the shop (and its database) is torn down after this check.
    shop: Shop | None = request.getfixturevalue("shop") if "shop" in request.fixturenames else None
    yield
    if shop is not None:
        assert support.differences(shop) == []


@pytest.fixture
def labelled_shipment_id(shop: Shop, confirmed_order: Order) -> int:
    shipment = fulfilment.create_shipment(
        shop,
        confirmed_order.id,
        carrier_code="ups",
        service="Ground",
        tracking_number=TRACKING,
        eta=utcnow() + timedelta(days=3),
        actor=support.STAFF,
    )
    return shipment.id
