"""Fixtures for the demo seed: a small seeded history on each backend, seeded once per module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.db import Base, Database
from core.payments import FakeGateway
from core.seed import SeedOptions, SeedReport, seed_demo
from core.shop import Shop

# A pinned clock makes two runs comparable row for row.
FIXED_NOW = int(datetime(2026, 3, 16, 15, 30, tzinfo=UTC).timestamp())
SMALL = SeedOptions(orders=300, days=60, seed=11, batch_size=120)


def seed_small(shop: Shop, **changes: object) -> SeedReport:
    fields = {"orders": SMALL.orders, "days": SMALL.days, "seed": SMALL.seed, "batch_size": SMALL.batch_size}
    fields.update(changes)
    in_process = fields.pop("in_process", None)
    return seed_demo(shop, SeedOptions(**fields), in_process=in_process)  # type: ignore[arg-type]


def _empty_postgres(url: str) -> Database:
    database = Database(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """300 orders over 60 days up to a pinned "now", seeded once per module and backend.

    Read-only tests share it; tests that change data use the function-scoped ``shop``."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("seeded") / "seeded.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = _empty_postgres(request.getfixturevalue("postgres_url"))
    shop = Shop(db=database, gateway=FakeGateway())
    seed_small(shop, now=FIXED_NOW)
    yield shop
    database.dispose()
