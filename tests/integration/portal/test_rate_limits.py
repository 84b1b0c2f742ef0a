"""Lookups are rate limited per IP and per order number, in the database, Redis or memory, with a friendly 429."""

from __future__ import annotations

import pytest
import redis
from flask import Flask
from sqlalchemy import select

from core.models import Order, RateLimitCounter
from core.shop import Shop
from tests.integration.portal.conftest import Web

PORTAL_REDIS = "redis://127.0.0.1:6379/12"  # this area's own Redis database


def _lookup(web: Web, number: str, ip: str):  # type: ignore[no-untyped-def]
    return web.post("/lookup", {"number": number, "contact": "eve@example.com"}, environ_base={"REMOTE_ADDR": ip})


def test_per_ip_limit_gives_a_friendly_429(web: Web, confirmed_order: Order) -> None:
    web.app.config["LOOKUP_RATE_LIMIT"] = "3 per minute"
    codes = [_lookup(web, f"SL1000000{i}", "10.0.0.1").status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]
    blocked = _lookup(web, "SL10000009", "10.0.0.1")
    assert b"Please wait a minute and try again" in blocked.data
    assert b"<html" in blocked.data
    htmx = web.post(
        "/lookup", {"number": "SL1", "contact": "a@b.co"}, htmx=True, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    )
    assert htmx.status_code == 429
    assert b"<html" not in htmx.data
    assert _lookup(web, "SL10000009", "10.0.0.2").status_code == 404  # another address is unaffected


def test_per_order_number_limit_spans_addresses(web: Web, confirmed_order: Order) -> None:
    web.app.config["LOOKUP_ORDER_RATE_LIMIT"] = "3 per minute"
    codes = [_lookup(web, confirmed_order.number, f"10.0.1.{i}").status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]
    assert _lookup(web, "SL10000001", "10.0.1.99").status_code == 404


def test_forwarded_for_is_ignored_without_trusted_proxies(web: Web, confirmed_order: Order) -> None:
    web.app.config["LOOKUP_RATE_LIMIT"] = "2 per minute"
    for i in range(2):
        web.post("/lookup", {"number": f"SL2000000{i}", "contact": "a@b.co"}, headers={"X-Forwarded-For": f"1.2.3.{i}"})
    spoofed = web.post("/lookup", {"number": "SL20000009", "contact": "a@b.co"}, headers={"X-Forwarded-For": "9.9.9.9"})
    assert spoofed.status_code == 429


def test_limits_live_in_redis_when_configured(app_shop: Shop, confirmed_order: Order) -> None:
    try:
        client = redis.Redis.from_url(PORTAL_REDIS)
        client.flushdb()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable: {error}")
    from wsgi import create_app

    overrides = {"SHOP": app_shop, "DATABASE_URL": app_shop.db.url, "TESTING": True, "SECRET_KEY": "t"}
    overrides |= {"RATELIMIT_STORAGE_URI": PORTAL_REDIS, "LOOKUP_ORDER_RATE_LIMIT": "2 per minute"}
    app: Flask = create_app(overrides)
    web = Web(app, app.test_client())
    codes = [_lookup(web, confirmed_order.number, f"10.0.2.{i}").status_code for i in range(3)]
    assert codes == [404, 404, 429]
    assert any(b"order-number" in key for key in client.keys("*"))
    client.flushdb()


def test_unknown_tracking_numbers_are_limited_but_watching_a_parcel_is_not(web: Web, shipped_order: Order) -> None:
    web.app.config["TRACKING_RATE_LIMIT"] = "3 per minute"
    ip = {"REMOTE_ADDR": "10.0.3.1"}
    codes = [web.client.get(f"/track/NOSUCH{i:06d}", environ_base=ip).status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]
    assert b"Please wait a minute" in web.client.get("/track/NOSUCH999999", environ_base=ip).data
    watching = [web.client.get("/track/1Z999AA10123456784", environ_base=ip).status_code for _ in range(10)]
    assert watching == [200] * 10


def _worker(shop: Shop) -> Web:
    """An app as a gunicorn worker builds it: no Redis, no storage named, so the default applies."""
    from wsgi import create_app

    overrides = {"SHOP": shop, "DATABASE_URL": shop.db.url, "TESTING": True, "SECRET_KEY": "t", "REDIS_URL": None}
    app: Flask = create_app(overrides | {"LOOKUP_ORDER_RATE_LIMIT": "2 per minute"})
    return Web(app, app.test_client())


def test_without_redis_workers_count_in_the_database_they_share(shop: Shop) -> None:
    """Two lookups through one worker use up the order number's limit for a worker started after it
    (its own memory would start at zero), on SQLite and PostgreSQL."""
    first = _worker(shop)
    assert [_lookup(first, "SL40000001", f"10.0.4.{i}").status_code for i in range(2)] == [404, 404]
    second = _worker(shop)
    assert _lookup(second, "SL40000001", "10.0.4.9").status_code == 429
    with shop.db.read() as session:
        keys = session.scalars(select(RateLimitCounter.limit_key)).all()
    assert any("order-number:SL40000001" in key for key in keys)
