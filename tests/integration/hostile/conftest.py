"""The hostile-text fuzz runs on both backends: the app here stands on the ``database`` fixture
(SQLite, then PostgreSQL), with the webhook secrets the webhook tests use, a signed-in staff
client and an API key. Each test records how many requests it sent; the run's summary adds them up
(``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.db import Database
from core.payments import FakeGateway
from core.services.access import create_api_key, create_staff_user
from core.shop import Shop
from tests.conftest import HOSTILE_REQUESTS, make_test_app
from tests.integration.staff.conftest import PASSWORD, csrf_token
from tests.integration.webhooks.conftest import SECRETS, store_catalog  # noqa: F401  (a fixture, used here too)


@pytest.fixture
def app_shop(database: Database) -> Shop:
    """Both backends: PostgreSQL is where a NUL used to become a 500."""
    return Shop(db=database, gateway=FakeGateway())


@pytest.fixture
def app(app_shop: Shop) -> Flask:
    return make_test_app(  # type: ignore[no-any-return]
        app_shop,
        RATELIMIT_ENABLED=False,  # thousands of requests from one address, on purpose
        **{f"{source.upper()}_WEBHOOK_SECRET": secret for source, secret in SECRETS.items()},
    )


class Sender:
    """Sends requests, counting them, and fails on the first 5xx (an exception raised by a view
    also fails the test: the app runs with TESTING, so errors propagate)."""

    def __init__(self, client: FlaskClient, backend: str) -> None:
        self.client, self.backend, self.count = client, backend, 0

    def __call__(self, method: str, path: str, **kwargs: object) -> TestResponse:
        response = self.client.open(path, method=method, **kwargs)  # type: ignore[arg-type]
        self.count += 1
        assert response.status_code < 500, (method, path[:200], response.get_data()[:500])
        return response


@pytest.fixture
def send(client: FlaskClient, app_shop: Shop, record_property: pytest.RecordProperty) -> Iterator[Sender]:
    sender = Sender(client, app_shop.db.dialect)
    yield sender
    record_property(HOSTILE_REQUESTS, (sender.backend, sender.count))


@pytest.fixture
def staff_send(send: Sender, app_shop: Shop) -> Sender:
    """``send`` as a signed-in member of staff."""
    create_staff_user(app_shop, email="ops@example.com", password=PASSWORD, role="manager")
    signed_in = send.client.post(
        "/staff/login",
        data={"email": "ops@example.com", "password": PASSWORD, "csrf_token": csrf_token(send.client)},
    )
    assert signed_in.status_code == 302
    return send


@pytest.fixture
def api_key(app_shop: Shop) -> str:
    return create_api_key(app_shop, name="fuzz", scope="write")[1]
