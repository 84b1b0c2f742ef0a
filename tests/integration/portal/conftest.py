"""Portal fixtures: the named-state orders built in the ``app`` fixture's SQLite shop, and a CSRF-aware client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.shop import Shop
from web.tokens import order_token

CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


@dataclass
class Web:
    """A test client that fetches a CSRF token once and sends it with every POST."""

    app: Flask
    client: FlaskClient
    token: str = ""

    def csrf(self) -> str:
        if not self.token:
            page = self.client.get("/")
            found = CSRF.search(page.data)
            assert found, "the lookup page carries a CSRF token"
            self.token = found.group(1).decode()
        return self.token

    def post(self, path: str, data: dict[str, Any] | None = None, htmx: bool = False, **kw: Any):  # type: ignore[no-untyped-def]
        headers = dict(kw.pop("headers", {})) | ({"HX-Request": "true"} if htmx else {})
        body = {"csrf_token": self.csrf(), **(data or {})}
        return self.client.post(path, data=body, headers=headers, **kw)

    def get(self, path: str, htmx: bool = False, **kw: Any):  # type: ignore[no-untyped-def]
        return self.client.get(path, headers={"HX-Request": "true"} if htmx else {}, **kw)

    def order_url(self, order_id: int) -> str:
        with self.app.test_request_context():
            return f"/orders/{order_token(order_id)}"


@pytest.fixture
def web(app: Flask, client: FlaskClient) -> Web:
    return Web(app, client)


@pytest.fixture
def order_shop(app_shop: Shop) -> Shop:
    """Orders in named states (``confirmed_order``, ``delivered_order``...) are built in the app's shop."""
    return app_shop
