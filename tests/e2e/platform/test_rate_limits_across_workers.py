"""Rate limits hold however many gunicorn workers serve: four workers allow what the limit says, not four
times it, with the counters in the app's database (SQLite, PostgreSQL) or in Redis.

Requests go from 16 threads at once, each on a connection of its own, so every worker takes a share.
"""

from __future__ import annotations

import http.client
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from core.db import Database
from core.services.access import create_api_key
from core.shop import Shop
from tests.e2e.platform.servers import gunicorn

pytestmark = pytest.mark.e2e
WORKERS = 4
LIMITS = {
    "LOOKUP_RATE_LIMIT": "20 per minute",
    "LOOKUP_ORDER_RATE_LIMIT": "8 per minute",
    "TRUSTED_PROXY_COUNT": "1",  # each request names its client address in X-Forwarded-For
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """Plain HTTP against the server, a new connection per request, with one session's CSRF token."""

    def __init__(self, base: str) -> None:
        self.netloc = urlsplit(base).netloc
        status, headers, body = self.send("GET", "/", {})
        assert status == 200
        found = CSRF.search(body)
        assert found, "the lookup page carries a CSRF token"
        self.token, self.cookie = found.group(1), headers["Set-Cookie"].split(";", 1)[0]

    def send(self, method: str, path: str, headers: dict[str, str], body: str | None = None):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection(self.netloc, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            conn.close()

    def form(self, path: str, fields: dict[str, str], ip: str) -> int:
        headers = {"Cookie": self.cookie, "X-Forwarded-For": ip, "Content-Type": "application/x-www-form-urlencoded"}
        return int(self.send("POST", path, headers, urlencode({"csrf_token": self.token, **fields}))[0])

    def api(self, key: str) -> int:
        return int(self.send("GET", "/api/v1/events", {"Authorization": f"Bearer {key}"})[0])


def _all_at_once(calls: list[Callable[[], int]]) -> list[int]:
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(lambda call: call(), calls))


def _allowed(codes: list[int], expected: int) -> int:
    assert set(codes) <= {expected, 429}, codes
    return sum(code != 429 for code in codes)


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Shop]]:
    """Four workers, counting in SQLite, PostgreSQL or Redis (then on SQLite data); and the shop behind."""
    env = dict(LIMITS)
    if request.param == "postgresql":
        shop: Shop = request.getfixturevalue("pg_shop")
    else:
        path = tmp_path / "shiplog.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        shop = Shop(db=Database(f"sqlite:///{path}"))
    if request.param == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    with gunicorn(env | {"DATABASE_URL": shop.db.url}, workers=WORKERS) as base:
        yield base, shop
    shop.db.dispose()


def test_limits_hold_across_four_workers(served: tuple[str, Shop]) -> None:
    base, shop = served
    client = Client(base)
    key = create_api_key(shop, name="e2e", scope="read", rate_limit="10 per minute")[1]
    lookup = "/lookup"
    by_address = [
        lambda i=i: client.form(lookup, {"number": f"SL{30000000 + i}", "contact": "eve@example.com"}, "10.1.0.1")
        for i in range(120)
    ]
    by_number = [
        lambda i=i: client.form(lookup, {"number": "SL20000001", "contact": "eve@example.com"}, f"10.2.0.{i}")
        for i in range(40)
    ]
    passwords = [
        lambda i=i: client.form("/staff/login", {"email": "eve@example.com", "password": f"guess-{i}"}, "10.3.0.1")
        for i in range(40)
    ]
    allowed = {
        "lookups from one address (limit 20)": _allowed(_all_at_once(by_address), 404),
        "lookups of one order number (limit 8)": _allowed(_all_at_once(by_number), 404),
        "wrong passwords from one address (limit 10)": _allowed(_all_at_once(passwords), 200),
        "API calls with one key (limit 10)": _allowed(_all_at_once([lambda: client.api(key)] * 40), 200),
    }
    assert list(allowed.values()) == [20, 8, 10, 10], allowed
