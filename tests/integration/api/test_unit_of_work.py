"""One transaction per idempotent request: the record and the effects commit together.

``Database.unit_of_work`` makes every ``write()`` inside it a savepoint of one transaction
and every ``read()`` see that transaction's writes; ``idempotency.start`` claims a key in
it. Checked on SQLite and PostgreSQL, and through the API with a crash after the service.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select, update

from core.clock import utcnow
from core.errors import ValidationFailed
from core.models import ApiKey, IdempotencyRecord, Order
from core.services import idempotency
from core.services.access import ApiKeyCache, create_api_key
from core.shop import Shop
from tests.integration.api.conftest import Call, order_body


def _keys(shop: Shop) -> list[str]:
    with shop.db.read() as session:
        return list(session.scalars(select(ApiKey.name).order_by(ApiKey.id)))


def test_a_unit_commits_all_of_its_writes_or_none(shop: Shop) -> None:
    def crash_after_the_service() -> None:
        with shop.db.unit_of_work():
            create_api_key(shop, name="lost", scope="read")
            raise RuntimeError("the request died after the service call")

    with pytest.raises(RuntimeError):
        crash_after_the_service()
    with shop.db.unit_of_work():
        create_api_key(shop, name="kept", scope="read")
        assert _keys(shop) == ["kept"]  # reads inside the unit see its own writes
    assert _keys(shop) == ["kept"]


def test_a_refused_service_call_undoes_only_its_own_savepoint(shop: Shop) -> None:
    def refused_service() -> None:
        with shop.db.write() as session:
            session.add(ApiKey(name="half", prefix="p", key_hash="h" * 64, scope="read", created_at=utcnow()))
            session.flush()
            raise ValidationFailed("refused after writing")

    with shop.db.unit_of_work():
        create_api_key(shop, name="first", scope="read")
        with pytest.raises(ValidationFailed):
            refused_service()
    assert _keys(shop) == ["first"]


def test_concurrent_claims_of_one_key_execute_once(shop: Shop) -> None:
    key_id = create_api_key(shop, name="k", scope="write")[0].id
    claims: list[int | None] = []

    def claim(hold: float) -> None:
        with shop.db.unit_of_work() as session:
            record = idempotency.start(session, key_id, "same", "digest")
            claims.append(record)
            time.sleep(hold)  # the first claimer keeps its transaction open a while
            if record is not None:
                idempotency.finish(session, record, 201, "{}")

    first = threading.Thread(target=claim, args=(0.3,))
    first.start()
    time.sleep(0.1)
    claim(0)  # waits for the first transaction, then finds the key taken
    first.join()
    assert len(claims) == 2
    assert claims.count(None) == 1
    verdict = idempotency.existing(shop, key_id, "same", "digest")
    assert verdict == idempotency.Replay(201, "{}")
    assert idempotency.existing(shop, key_id, "same", "other") == idempotency.Mismatch()


def _orders(shop: Shop) -> tuple[int, int]:
    with shop.db.read() as session:
        orders = session.scalar(select(func.count()).select_from(Order)) or 0
        records = session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0
    return orders, records


def test_a_crash_after_the_service_keeps_neither_effects_nor_record(
    app_shop: Shop, app_catalog: dict[str, int], call: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.api import views

    real = views.ordering.place_order

    def place_then_crash(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("worker killed after the order was written")

    monkeypatch.setattr(views.ordering, "place_order", place_then_crash)
    with pytest.raises(RuntimeError):
        call("POST", "/orders", json=order_body(), headers={"Idempotency-Key": "crash-1"})
    assert _orders(app_shop) == (0, 0)  # the retry must run: nothing half-done is left behind

    monkeypatch.setattr(views.ordering, "place_order", real)
    retried = call("POST", "/orders", json=order_body(), headers={"Idempotency-Key": "crash-1"})
    replayed = call("POST", "/orders", json=order_body(), headers={"Idempotency-Key": "crash-1"})
    assert (retried.status_code, replayed.status_code) == (201, 201)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json == retried.json
    assert _orders(app_shop) == (1, 1)


def test_verified_keys_are_cached_for_a_while_and_bad_keys_never(app_shop: Shop) -> None:
    row, key = create_api_key(app_shop, name="cached", scope="read")
    cache, uncached = ApiKeyCache(ttl_seconds=60), ApiKeyCache(ttl_seconds=0)
    assert cache.verify(app_shop, key) is not None
    assert cache.verify(app_shop, key + "x") is None
    with app_shop.db.write() as session:
        session.execute(update(ApiKey).where(ApiKey.id == row.id).values(revoked_at=utcnow()))
    assert cache.verify(app_shop, key) is not None  # still trusted within its time to live
    assert uncached.verify(app_shop, key) is None  # a fresh check sees the revocation
