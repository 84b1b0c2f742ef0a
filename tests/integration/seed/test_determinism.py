"""The same seed gives the same history; another seed gives another one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.models import Event, Order, Return, Shipment
from core.payments import FakeGateway
from core.seed.demo import DEMO_EMAIL
from core.shop import Shop
from tests.integration.seed.conftest import FIXED_NOW, seed_small


def _fresh(template: Path, folder: Path, name: str) -> Shop:
    path = folder / f"{name}.db"
    shutil.copy(template, path)
    return Shop(db=Database(f"sqlite:///{path}"), gateway=FakeGateway())


def _fingerprint(shop: Shop) -> dict[str, object]:
    with shop.db.read() as session:
        return {
            "orders": list(
                session.execute(select(Order.number, Order.email, Order.status, Order.total_minor).order_by(Order.id))
            ),
            "tracking": list(session.scalars(select(Shipment.tracking_number).order_by(Shipment.id))),
            "rmas": list(session.scalars(select(Return.rma).order_by(Return.id))),
            "events": list(session.execute(select(Event.type, func.count()).group_by(Event.type).order_by(Event.type))),
        }


def test_same_seed_same_history_on_both_backends(shop: Shop, sqlite_template: Path, tmp_path: Path) -> None:
    seed_small(shop, now=FIXED_NOW)
    again = _fresh(sqlite_template, tmp_path, "again")
    seed_small(again, now=FIXED_NOW)
    assert _fingerprint(shop) == _fingerprint(again)


def test_another_seed_gives_another_history(sqlite_template: Path, tmp_path: Path) -> None:
    first, second = _fresh(sqlite_template, tmp_path, "first"), _fresh(sqlite_template, tmp_path, "second")
    seed_small(first, now=FIXED_NOW)
    seed_small(second, now=FIXED_NOW, seed=12)
    one, two = _fingerprint(first), _fingerprint(second)
    assert len(one["orders"]) == len(two["orders"]) == 300  # type: ignore[arg-type]
    assert one["orders"] != two["orders"]
    assert one["tracking"] != two["tracking"]


def test_demo_numbers_do_not_depend_on_the_size(sqlite_template: Path, tmp_path: Path) -> None:
    small, large = _fresh(sqlite_template, tmp_path, "small"), _fresh(sqlite_template, tmp_path, "large")
    seed_small(small, orders=20, now=FIXED_NOW)
    seed_small(large, orders=400, now=FIXED_NOW)
    demo = select(Order.number).where(Order.email == DEMO_EMAIL).order_by(Order.id)
    with small.db.read() as a, large.db.read() as b:
        assert list(a.scalars(demo)) == list(b.scalars(demo))
        assert len(list(a.scalars(demo))) == 4


@pytest.mark.slow
def test_generator_process_writes_the_same_rows(sqlite_template: Path, tmp_path: Path) -> None:
    inline, worker = _fresh(sqlite_template, tmp_path, "inline"), _fresh(sqlite_template, tmp_path, "worker")
    seed_small(inline, now=FIXED_NOW, in_process=True)
    seed_small(worker, now=FIXED_NOW, in_process=False)
    assert _fingerprint(inline) == _fingerprint(worker)
