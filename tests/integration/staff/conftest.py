"""Staff hub fixtures: a signed-in client, CSRF tokens, and orders in known states."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.services.access import create_staff_user
from core.shop import Shop

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/staff/login") -> str:
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


@pytest.fixture
def order_shop(app_shop: Shop) -> Shop:
    """The catalogue and the named-state orders are built in the app's shop."""
    return app_shop


@pytest.fixture
def staff_client(client: FlaskClient, app_shop: Shop) -> FlaskClient:
    create_staff_user(app_shop, email="ops@example.com", password=PASSWORD, role="staff")
    token = csrf_token(client)
    response = client.post("/staff/login", data={"email": "ops@example.com", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


Act = Callable[..., TestResponse]


@pytest.fixture
def act(staff_client: FlaskClient) -> Act:
    """POST an order action as a signed-in staff member (with a valid CSRF token)."""

    def send(number: str, action: str, data: dict[str, Any] | None = None, *, htmx: bool = False) -> TestResponse:
        token = csrf_token(staff_client, f"/staff/orders/{number}")
        headers = {"HX-Request": "true"} if htmx else {}
        return staff_client.post(
            f"/staff/orders/{number}/{action}", data={"csrf_token": token, **(data or {})}, headers=headers
        )

    return send
