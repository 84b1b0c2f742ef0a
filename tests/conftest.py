"""Shared fixtures: every ``database`` test runs on SQLite and on PostgreSQL.

PostgreSQL (127.0.0.1:5432, database ``test``) and Redis (127.0.0.1:6379) must be
running. Locally a missing service skips its tests; with ``CI`` set it fails them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core import migrations
from core.db import Base, Database
from core.models import Order
from core.payments import FakeGateway
from core.shop import Shop
from tests import factories

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
HOSTILE_REQUESTS = "hostile_requests"  # recorded by tests/integration/hostile/, summed up at the end


def service_missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable: {error}"
    if IN_CI:
        pytest.fail(f"{message} (CI requires it)", pytrace=False)
    pytest.skip(message)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    migrations.upgrade(f"sqlite:///{path}")
    return path


def _run_id() -> str:
    """Unique per pytest run, so concurrent runs on one machine never share a database."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", f"p{os.getpid()}")[:10]


def _drop_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def new_postgres_database(purpose: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database of this run's and this xdist worker's own."""
    name = f"shiplog_{purpose}_{_run_id()}_{_worker()}".lower()
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as error:
        service_missing("PostgreSQL", error)
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    _drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet (a new install, before ``db upgrade``), on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with new_postgres_database("empty") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this run's and this xdist worker's own."""
    with new_postgres_database("test") as url:
        migrations.upgrade(url)
        yield url


def empty_database(database: Database) -> None:
    """Delete every row and restart the ids (PostgreSQL: ~20 ms, where TRUNCATE of every table takes ~0.8 s)."""
    with database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        if database.dialect == "sqlite":
            return
        sequences = conn.execute(
            text("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()")
        ).scalars()
        for name in list(sequences):
            conn.execute(text(f'ALTER SEQUENCE "{name}" RESTART WITH 1'))


def _open(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if backend == "sqlite":
        path = tmp_path / "shiplog.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return Database(f"sqlite:///{path}")
    database = Database(request.getfixturevalue("postgres_url"))
    empty_database(database)
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database on each backend in turn."""
    db = _open(request.param, request, tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated SQLite database, for tests that do not depend on the backend."""
    db = _open("sqlite", request, tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def shop(database: Database) -> Shop:
    return Shop(db=database, gateway=FakeGateway())


@pytest.fixture
def pg_shop(postgres_url: str) -> Iterator[Shop]:
    """A Shop on this worker's PostgreSQL database, emptied first (for servers and workers run apart)."""
    database = Database(postgres_url)
    empty_database(database)
    yield Shop(db=database, gateway=FakeGateway())
    database.dispose()


@pytest.fixture
def order_shop(shop: Shop) -> Shop:
    """The shop the catalogue and the orders below are built in: ``shop`` here; web test folders
    override it with ``app_shop``, the shop behind their app."""
    return shop


@pytest.fixture
def catalog(order_shop: Shop) -> dict[str, int]:
    return factories.make_catalog(order_shop)


@pytest.fixture
def confirmed_order(order_shop: Shop, catalog: dict[str, int]) -> Order:
    """2 × TEE-M ($25) and 1 × MUG-1 ($18, final sale), $5 shipping, paid."""
    return factories.place(order_shop)


@pytest.fixture
def held_order(order_shop: Shop, catalog: dict[str, int]) -> Order:
    """On hold for a high fraud score, payment authorised only."""
    return factories.place(order_shop, fraud_score=90)


@pytest.fixture
def shipped_order(order_shop: Shop, confirmed_order: Order) -> Order:
    factories.ship_all(order_shop, confirmed_order.id)
    return factories.reload(order_shop, confirmed_order.id)


@pytest.fixture
def delivered_order(order_shop: Shop, shipped_order: Order) -> Order:
    factories.deliver(order_shop, factories.TRACKING)
    return factories.reload(order_shop, shipped_order.id)


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
        client.flushdb()
    except Exception as error:
        service_missing("Redis", error)
    return REDIS_URL


@pytest.fixture
def app_shop(sqlite_database: Database) -> Shop:
    """The Shop behind the ``app`` fixture (SQLite; web tests do not depend on the backend)."""
    return Shop(db=sqlite_database, gateway=FakeGateway())


def make_test_app(shop: Shop, **config: object):  # type: ignore[no-untyped-def]
    """The web app over ``shop`` with the test settings every suite shares; ``config`` adds or overrides."""
    from wsgi import create_app

    base = {
        "SHOP": shop,
        "DATABASE_URL": shop.db.url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "PUBLIC_BASE_URL": "http://localhost",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Never the checkout's own instance/analytics (a `make run` leaves one there): a store of its own.
        "ANALYTICS_STORE": tempfile.mkdtemp(prefix="shiplog-analytics-"),
        # The figures are computed in the test's own process; tests/integration/dashboard/
        # test_shared_views.py runs the production way (the analytics process answers).
        "ANALYTICS_VIEWS": "local",
    }
    return create_app({**base, **config})


@pytest.fixture
def app(app_shop: Shop):  # type: ignore[no-untyped-def]
    return make_test_app(app_shop)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The closing figure: hostile requests sent per backend (any 5xx failed its test)."""
    sent: Counter[str] = Counter()
    reports = [report for kind in terminalreporter.stats.values() for report in kind]
    for report in reports:  # recorded as the test's fixtures close: the teardown report has it
        if getattr(report, "when", None) == "teardown" and report.passed:
            for name, value in report.user_properties:
                if name == HOSTILE_REQUESTS:
                    sent[value[0]] += value[1]
    if sent:
        counts = ", ".join(f"{count} on {backend}" for backend, count in sorted(sent.items()))
        terminalreporter.write_line(f"hostile text: requests answered {counts} (any 5xx fails its test)")
