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


def sign_in(client: FlaskClient, app_shop: Shop, role: str) -> FlaskClient:
    """``client`` signed in as a new member with ``role`` (email ``<role>@example.com``)."""
    email = f"{role}@example.com"
    create_staff_user(app_shop, email=email, password=PASSWORD, role=role)
    token = csrf_token(client)
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


@pytest.fixture
def staff_client(client: FlaskClient, app_shop: Shop) -> FlaskClient:
    return sign_in(client, app_shop, "staff")


@pytest.fixture
def manager_client(app, app_shop: Shop) -> FlaskClient:  # type: ignore[no-untyped-def]
    return sign_in(app.test_client(), app_shop, "manager")


Act = Callable[..., TestResponse]


def acting(client: FlaskClient) -> Act:
    """POST an order action as ``client``'s member (with a valid CSRF token)."""

    def send(number: str, action: str, data: dict[str, Any] | None = None, *, htmx: bool = False) -> TestResponse:
        token = csrf_token(client, f"/staff/orders/{number}")
        headers = {"HX-Request": "true"} if htmx else {}
        return client.post(
            f"/staff/orders/{number}/{action}", data={"csrf_token": token, **(data or {})}, headers=headers
        )

    return send


@pytest.fixture
def act(staff_client: FlaskClient) -> Act:
    """An order action by a signed-in member of the staff role."""
    return acting(staff_client)


@pytest.fixture
def manager_act(manager_client: FlaskClient) -> Act:
    """An order action by a signed-in manager (money actions are managers' by default)."""
    return acting(manager_client)
