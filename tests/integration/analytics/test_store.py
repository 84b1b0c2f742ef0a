"""The shared store: one writer publishes whole versions, readers only read them (both backends)."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.analytics import Filters, KpiService, StoreNotReady, StoreReader, StoreWriter, Warehouse
from core.analytics import bundle as bundle_module
from core.analytics import store as store_module
from core.services import refunds
from core.shop import Shop
from tests import factories
from tests.integration.analytics.conftest import build_story
from tests.integration.analytics.dataset import AS_OF

WEEK = Filters(date(2025, 3, 3), date(2025, 3, 9), as_of=AS_OF)


def _orders(reader: StoreReader) -> int:
    with reader.cursor() as cur:
        return int(cur.execute("SELECT count(*) FROM orders_f").fetchone()[0])  # type: ignore[index]


def test_sync_builds_a_store_that_readers_answer_from(story_shop: Shop, warehouse: Warehouse, tmp_path: Path) -> None:
    writer = StoreWriter(story_shop.db, tmp_path)
    version = writer.sync()
    writer.close()
    pointer = json.loads((tmp_path / "current.json").read_text())
    assert pointer["event_id"] == version.event_id == warehouse.synced_event_id
    assert (tmp_path / pointer["file"]).is_file()
    assert version.as_of is not None
    assert version.as_of.tzinfo is not None

    reader = KpiService(StoreReader(tmp_path))
    own = KpiService(warehouse)
    assert reader.bundle(WEEK) == own.bundle(WEEK)
    assert reader.bundle(WEEK)["as_of"] == version.as_of.isoformat()


def test_a_reader_never_builds_and_cannot_write(story_shop: Shop, tmp_path: Path) -> None:
    reader = StoreReader(tmp_path)
    with pytest.raises(StoreNotReady) as nothing:
        reader.sync()
    assert nothing.value.started_at is None
    assert list(tmp_path.iterdir()) == []  # the reader wrote nothing, built nothing

    writer = StoreWriter(story_shop.db, tmp_path)
    writer.sync()
    writer.close()
    reader.sync()
    with reader.cursor() as cur, pytest.raises(duckdb.Error, match="read-only"):
        cur.execute("CREATE TABLE scribble (a INT)")


def test_while_the_first_sync_runs_readers_hear_when_it_started(story_shop: Shop, tmp_path: Path) -> None:
    seen: list[StoreNotReady] = []

    def look(_table: str, _rows: int) -> None:
        if not seen:
            with pytest.raises(StoreNotReady) as waiting:
                StoreReader(tmp_path).sync()
            seen.append(waiting.value)

    writer = StoreWriter(story_shop.db, tmp_path)
    writer.sync(progress=look)
    writer.close()
    assert seen
    assert seen[0].started_at is not None


def test_a_publish_that_dies_halfway_leaves_the_old_version_whole(
    story_shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = StoreWriter(story_shop.db, tmp_path)
    first = writer.sync()
    reader = StoreReader(tmp_path)
    before = _orders(reader)

    def half_copy(source: Path, target: Path) -> None:
        Path(target).write_bytes(Path(source).read_bytes()[:4096])
        raise OSError("disk full")

    monkeypatch.setattr(store_module.shutil, "copyfile", half_copy)
    with pytest.raises(OSError):
        writer._publish(first.event_id + 1)
    monkeypatch.setattr(store_module.shutil, "copyfile", shutil.copyfile)
    assert reader.sync() == first.event_id
    assert StoreReader(tmp_path).sync() == first.event_id  # a new reader opens the old, whole version
    assert _orders(StoreReader(tmp_path)) == before
    writer.close()


def test_readers_during_refreshes_see_one_whole_version_or_the_next(story_shop: Shop, tmp_path: Path) -> None:
    writer = StoreWriter(story_shop.db, tmp_path)
    writer.sync()
    expected = _orders(StoreReader(tmp_path))
    stop, seen, errors = threading.Event(), set(), []

    def read() -> None:
        reader = StoreReader(tmp_path)
        while not stop.is_set():
            try:
                seen.add((reader.sync(), _orders(reader)))
            except Exception as error:
                errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for step in range(6):
        writer._publish(writer.warehouse.synced_event_id + step)  # a new version file each time
    stop.set()
    for thread in threads:
        thread.join()
    writer.close()
    assert errors == []
    assert {orders for _, orders in seen} == {expected}
    assert len(list((tmp_path / "versions").glob("v*.duckdb"))) == store_module.KEEP_VERSIONS


@pytest.fixture
def fresh_story(shop: Shop) -> tuple[Shop, dict[str, int]]:
    return build_story(shop.db)


def test_new_events_appear_after_sync_with_as_of_advanced(
    fresh_story: tuple[Shop, dict[str, int]], tmp_path: Path
) -> None:
    shop, ids = fresh_story
    writer = StoreWriter(shop.db, tmp_path)
    first = writer.sync()
    reader = KpiService(StoreReader(tmp_path))
    longer = Filters(date(2025, 3, 3), date.today(), as_of=AS_OF)
    before = reader.bundle(longer)

    refunds.refund_order(shop, ids["G"], amount_minor=700, reason="goodwill", actor=factories.MANAGER)
    assert reader.bundle(longer) is before  # nothing published yet: the reader still has the old version
    second = writer.sync()
    writer.close()
    after = reader.bundle(longer)
    assert second.event_id > first.event_id
    assert after["as_of_event_id"] == second.event_id
    assert first.as_of is not None
    assert second.as_of is not None
    assert second.as_of > first.as_of
    assert after["as_of"] == second.as_of.isoformat()
    assert (
        after["kpis"]["sales.other_refunds_minor"]["value"]
        == before["kpis"]["sales.other_refunds_minor"]["value"] + 700
    )


def test_the_writer_computes_the_default_views_ahead_for_every_reader(
    story_shop: Shop, warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = StoreWriter(story_shop.db, tmp_path, warm=lambda: [WEEK])
    writer.sync()
    writer.close()
    expected = KpiService(warehouse).bundle(WEEK)

    def no_query(*_: object) -> None:
        raise AssertionError("the reader computed a bundle the writer had made")

    monkeypatch.setattr(bundle_module, "compute", no_query)
    served = KpiService(StoreReader(tmp_path)).bundle(WEEK)
    assert served == expected  # the same numbers, types and all, after the trip through the file
    monkeypatch.setattr(store_module, "WARM_SECONDS", -1.0)  # too old: snapshots have moved on
    with pytest.raises(AssertionError, match="computed a bundle"):
        KpiService(StoreReader(tmp_path)).bundle(WEEK)
