"""Fixtures for the KPI tests: a pinned clock and the hand-built story, built once per backend.

The story is read-only for the tests, so one copy per module and backend is enough (building it
takes a second; doing that for every test would dominate the suite's time).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from sqlalchemy import text

from core import clock as core_clock
from core.analytics.warehouse import Warehouse
from core.db import Base, Database
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories
from tests.integration.analytics import dataset


def pin_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Pin ``utcnow`` in every loaded core module, so services without a time argument write story times."""
    original = core_clock.utcnow
    now: list[datetime] = [original()]

    def fake() -> datetime:
        return now[0]

    for name, module in list(sys.modules.items()):
        if name.startswith("core") and getattr(module, "utcnow", None) is original:
            monkeypatch.setattr(module, "utcnow", fake)

    def set_to(moment: datetime) -> None:
        now[0] = moment

    return set_to


def open_database(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Database:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("story") / "shiplog.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return Database(f"sqlite:///{path}")
    database = Database(request.getfixturevalue("postgres_url"))
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return database


def build_story(database: Database) -> tuple[Shop, dict[str, int]]:
    shop = Shop(db=database, gateway=FakeGateway())
    with pytest.MonkeyPatch.context() as patch:
        catalog = factories.make_catalog(shop)
        ids = dataset.build(shop, pin_clock(patch), catalog)
    return shop, ids


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def story_shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """The story of dataset.py on each backend in turn."""
    database = open_database(request.param, request, tmp_path_factory)
    shop, _ = build_story(database)
    yield shop
    database.dispose()


@pytest.fixture(scope="module")
def warehouse(story_shop: Shop) -> Iterator[Warehouse]:
    copy = Warehouse(story_shop.db)
    copy.sync()
    yield copy
    copy.close()
