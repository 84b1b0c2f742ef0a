"""A dashboard app over the hand-built story (SQLite), with a manager and a staff member signed in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.analytics import StoreWriter
from core.analytics.views import serve
from core.db import Database
from core.services.access import create_staff_user
from tests.integration.analytics.conftest import build_story, open_database
from web import extensions

STORY_ARGS = "from=2025-03-03&to=2025-03-09"


def publish_store(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the dashboard reads, built as production builds it: by the sync."""
    root = tmp_path_factory.mktemp("analytics")
    writer = StoreWriter(database, root)
    writer.sync()
    writer.close()
    return root


@contextmanager
def answering(root: Path | str) -> Iterator[None]:
    """The analytics process's answering loop (as ``flask analytics sync --follow`` runs it), on a thread."""
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(root, stop), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def story_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from wsgi import create_app

    database = open_database("sqlite", request, tmp_path_factory)
    shop, _ = build_story(database)
    create_staff_user(shop, email="boss@example.com", password="correct horse battery", role="manager")
    create_staff_user(shop, email="picker@example.com", password="correct horse battery", role="staff")
    app = create_app(
        {
            "SHOP": shop,
            "DATABASE_URL": database.url,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PUBLIC_BASE_URL": "http://localhost",
            "RATELIMIT_STORAGE_URI": "memory://",
            "ANALYTICS_STORE": str(publish_store(database, tmp_path_factory)),
        }
    )
    with answering(app.config["ANALYTICS_STORE"]):  # the production way: web code never runs the queries
        yield app
    database.dispose()


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A client whose session belongs to ``email`` (sign-in itself is covered by the browser test)."""
    from core.models import StaffUser

    with extensions.shop(app).db.read() as session:
        user = session.query(StaffUser).filter_by(email=email).one()
    client = app.test_client()
    with client.session_transaction() as session_data:
        session_data["_user_id"] = str(user.id)
        session_data["_fresh"] = True
    return client


@pytest.fixture
def manager(story_app: Flask) -> FlaskClient:
    return signed_in(story_app, "boss@example.com")


@pytest.fixture
def staff(story_app: Flask) -> FlaskClient:
    return signed_in(story_app, "picker@example.com")


def csrf_header(client: FlaskClient) -> dict[str, str]:
    """Load a page like a browser does; Dash echoes the cookie it gets back in X-CSRFToken."""
    assert client.get("/dashboard/").status_code == 200
    cookie = client.get_cookie("shiplog_dash_csrf", path="/dashboard/")
    assert cookie is not None
    return {"X-CSRFToken": cookie.value}


def callback(
    client: FlaskClient, output: str, inputs: list[dict[str, Any]], state: list[dict[str, Any]] | None = None
) -> Any:
    """POST one Dash callback the way the renderer does and return the response's ``response`` part."""
    ident, prop = output.split(".")
    body = {
        "output": output,
        "outputs": {"id": ident, "property": prop},
        "inputs": inputs,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": state or [],
    }
    reply = client.post("/dashboard/_dash-update-component", json=body, headers=csrf_header(client))
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    return reply.get_json()["response"]
