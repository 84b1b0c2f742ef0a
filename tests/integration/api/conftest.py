"""API fixtures: keys of each scope and an authorised client helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.services.access import create_api_key
from core.shop import Shop


@pytest.fixture
def write_key(app_shop: Shop) -> str:
    return create_api_key(app_shop, name="tests", scope="write")[1]


@pytest.fixture
def read_key(app_shop: Shop) -> str:
    return create_api_key(app_shop, name="tests-read", scope="read")[1]


Call = Callable[..., TestResponse]


@pytest.fixture
def call(client: FlaskClient, write_key: str) -> Call:
    """``call("POST", "/orders", json=..., key=..., headers=...)`` against /api/v1."""

    def send(
        method: str, path: str, *, key: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        sent = {"Authorization": f"Bearer {key or write_key}", **(headers or {})}
        return client.open(f"/api/v1{path}", method=method, headers=sent, **kwargs)

    return send


def order_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": "api@example.com",
        "name": "Api Buyer",
        "lines": [{"sku": "TEE-M", "quantity": 2}],
        "shipping_address": {
            "name": "Api Buyer",
            "line1": "1 Main St",
            "city": "Springfield",
            "postal_code": "12345",
            "country": "US",
        },
        "shipping_minor": 500,
    }
    body.update(changes)
    return body


@pytest.fixture
def app_catalog(app_shop: Shop) -> dict[str, int]:
    from tests import factories

    return factories.make_catalog(app_shop)
