"""The dashboard's browser tests: one app over the hand-built story, served on a free port; sign-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.services.access import create_staff_user
from tests.e2e.conftest import serving
from tests.e2e.staff.conftest import recording_page
from tests.integration.analytics.conftest import build_story, open_database
from tests.integration.dashboard.conftest import answering, publish_store

STORY = "from=2025-03-03&to=2025-03-09"


@pytest.fixture(scope="module")
def base_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from wsgi import create_app

    database = open_database("sqlite", request, tmp_path_factory)
    shop, _ = build_story(database)
    create_staff_user(shop, email="boss@example.com", password="correct horse battery", role="manager")
    app = create_app(
        {
            "SHOP": shop,
            "DATABASE_URL": database.url,
            "SECRET_KEY": "e2e-secret",
            "PUBLIC_BASE_URL": "http://127.0.0.1",
            "RATELIMIT_STORAGE_URI": "memory://",
            "ANALYTICS_STORE": str(publish_store(database, tmp_path_factory)),
        }
    )
    with answering(app.config["ANALYTICS_STORE"]), serving(app) as url:
        yield url
    database.dispose()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop tab whose console errors, script errors and failed responses are in ``tab.problems``."""
    with recording_page(browser, True, {"width": 1400, "height": 1000}) as tab:
        tab.problems = tab.console_errors
        tab.set_default_timeout(20_000)  # the first chart waits for plotly.min.js
        yield tab


def sign_in(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/dashboard/?{STORY}")
    assert "/staff/login" in page.url
    page.fill("#email", "boss@example.com")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/**")
    page.wait_for_selector(".kpi-card", timeout=20_000)
