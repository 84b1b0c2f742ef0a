"""Before the first sync publishes, the dashboard says the analytics are being prepared (quickly,
without building anything); once published, every page says how fresh its data is."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.analytics.store import STATUS
from tests.integration.dashboard.conftest import STORY_ARGS, callback, signed_in

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(60)"


@pytest.fixture
def unsynced(story_app: Flask, tmp_path: Path) -> Iterator[FlaskClient]:
    """The story app pointed at an empty store whose first sync has just started."""
    (tmp_path / STATUS).write_text('{"started_at": "2025-03-10T14:05:00+00:00", "pid": 1}')
    saved, kept = story_app.config["ANALYTICS_STORE"], story_app.extensions.pop("shiplog.kpis", None)
    story_app.config["ANALYTICS_STORE"] = str(tmp_path)
    yield signed_in(story_app, "boss@example.com")
    story_app.config["ANALYTICS_STORE"] = saved
    story_app.extensions.pop("shiplog.kpis", None)
    if kept is not None:
        story_app.extensions["shiplog.kpis"] = kept


def _page(client: FlaskClient, search: str) -> str:
    inputs = [
        {"id": "url", "property": "pathname", "value": "/dashboard/"},
        {"id": "url", "property": "search", "value": search},
    ]
    return str(callback(client, "page-content.children", inputs))


def test_without_a_store_the_dashboard_says_it_is_being_prepared(unsynced: FlaskClient, tmp_path: Path) -> None:
    started = time.monotonic()
    reply = unsynced.get(f"/dashboard/api/kpis?{STORY_ARGS}")
    page = _page(unsynced, f"?{STORY_ARGS}")
    assert time.monotonic() - started < 2
    assert reply.status_code == 503
    assert reply.headers["Retry-After"]
    assert "Analytics are being prepared (the sync started 10 Mar 2025, 10:05 EDT)" in reply.get_json()["detail"]
    assert "Analytics are being prepared" in page
    assert "10:05" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATUS]  # nothing was built


def test_pages_and_json_say_how_fresh_the_data_is(manager: FlaskClient) -> None:
    bundle = manager.get(f"/dashboard/api/kpis?{STORY_ARGS}").get_json()
    assert bundle["as_of"].startswith("2025-03-")
    assert bundle["as_of_event_id"] > 0
    page = _page(manager, f"?{STORY_ARGS}")
    assert "Data as of " in page


def test_the_sync_command_publishes_and_a_second_writer_is_refused(story_app: Flask, tmp_path: Path) -> None:
    saved = story_app.config["ANALYTICS_STORE"]
    story_app.config["ANALYTICS_STORE"] = str(tmp_path)
    try:
        result = story_app.test_cli_runner().invoke(args=["analytics", "sync"])
        assert result.exit_code == 0, result.output
        assert "published event" in result.output
        assert (tmp_path / "current.json").exists()
        holder = subprocess.Popen(  # another process holds the writer's file (DuckDB locks it per process)
            [sys.executable, "-c", HOLD, str(tmp_path / "work.duckdb")], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "holding"
            again = story_app.test_cli_runner().invoke(args=["analytics", "sync"])
        finally:
            holder.kill()
            holder.wait()
        assert again.exit_code == 1
        assert "another analytics sync is running" in again.output
    finally:
        story_app.config["ANALYTICS_STORE"] = saved
