"""The production way: web workers never run the KPI queries; the analytics process answers them.

A worker writes what it wants into the store's ``views/requests`` and reads the answer the analytics
process (``flask analytics sync --follow`` or ``analytics serve``, or the RQ job) writes; while no
answer comes, the page says the figures are still being computed, and nothing is computed in the web
process. Answers are the same bundle the process would compute itself."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue, SimpleWorker

from core.analytics import StoreReader, StoreWriter, parse_filters
from core.analytics.views import ANSWERS, REQUESTS, LocalAnalytics, SharedAnalytics, serve_once
from dashboard import service
from tests.integration.dashboard.conftest import STORY_ARGS, answering, callback, publish_store, signed_in
from web import analytics_jobs, extensions

FILTERED = STORY_ARGS + "&channel=shopify&granularity=week"


def _app(story_app: Flask, store: Path, **config: object) -> Flask:
    from wsgi import create_app

    shop = extensions.shop(story_app)
    base = {k: story_app.config[k] for k in ("DATABASE_URL", "TESTING", "SECRET_KEY", "RATELIMIT_STORAGE_URI")}
    return create_app(base | {"SHOP": shop, "ANALYTICS_STORE": str(store)} | config)


@pytest.fixture
def store(story_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish_store(extensions.shop(story_app).db, tmp_path_factory)


@pytest.fixture
def waiting_app(story_app: Flask, store: Path) -> Flask:
    """An app whose analytics process is not running unless the test starts it."""
    return _app(story_app, store, ANALYTICS_VIEW_WAIT_SECONDS=30)


def _local(app: Flask, args: str) -> dict[str, object]:
    """What the analytics process computes for ``args`` (the one computing path, in this process)."""
    with app.test_request_context(f"/?{args}"):
        from flask import request

        filters = service.filters_from(request.args)
    return LocalAnalytics(StoreReader(app.config["ANALYTICS_STORE"])).bundle(filters)


def _manager(app: Flask) -> FlaskClient:
    return signed_in(app, "boss@example.com")


def test_a_filtered_view_is_answered_by_the_analytics_process_exactly(waiting_app: Flask, store: Path) -> None:
    client = _manager(waiting_app)
    assert isinstance(service.analytics(waiting_app), SharedAnalytics)
    with answering(store):
        reply = client.get(f"/dashboard/api/kpis?{FILTERED}")
    assert reply.status_code == 200
    found, expected = reply.get_json(), _local(waiting_app, FILTERED)
    assert found["kpis"] == expected["kpis"]
    assert found["series"] == expected["series"]
    assert found["filters"]["channel"] == "shopify"
    assert found["as_of"] == expected["as_of"]
    assert list((store / ANSWERS).glob("*.json"))
    assert not list((store / REQUESTS).glob("*.json"))


def test_without_the_analytics_process_the_web_worker_says_so_and_computes_nothing(
    story_app: Flask, store: Path
) -> None:
    client = _manager(_app(story_app, store, ANALYTICS_VIEW_WAIT_SECONDS=0.3))
    reply = client.get(f"/dashboard/api/kpis?{FILTERED}")
    assert reply.status_code == 503
    assert reply.headers["Retry-After"]
    assert "still being computed by the analytics process" in reply.get_json()["detail"]
    inputs = [
        {"id": "url", "property": "pathname", "value": "/dashboard/delivery"},
        {"id": "url", "property": "search", "value": "?" + FILTERED + "&carrier=ups"},
    ]
    page = json.dumps(callback(client, "page-content.children", inputs))
    assert "still being computed by the analytics process" in page
    asked = [json.loads(p.read_text()) for p in (store / REQUESTS).glob("*.json")]
    assert sorted(a["kind"] for a in asked) == ["bundle", "bundle"]  # waiting for the process, not computed here
    assert not (store / ANSWERS).exists()
    patient = _manager(_app(story_app, store, ANALYTICS_VIEW_WAIT_SECONDS=30))
    with answering(store):  # once the process runs, the same request is answered
        assert patient.get(f"/dashboard/api/kpis?{FILTERED}").status_code == 200


def test_drill_downs_and_filter_lists_come_from_the_analytics_process(waiting_app: Flask, store: Path) -> None:
    client = _manager(waiting_app)
    with answering(store):
        drilled = client.get(f"/dashboard/api/drill?{STORY_ARGS}&kind=sku&key=TEE-L&page=0")
        with waiting_app.test_request_context("/dashboard/"):
            lists = service.dimension_values()  # what the filter drop-downs offer
    local = LocalAnalytics(StoreReader(store))
    with waiting_app.test_request_context(f"/?{STORY_ARGS}"):
        from flask import request

        expected = local.drill(service.filters_from(request.args), "sku", "TEE-L", 0, 20)
    assert drilled.status_code == 200
    assert drilled.get_json()["total"] == expected.total > 0
    assert lists == local.dimensions()
    assert "shopify" in lists["channel"]


def test_a_bad_request_gets_its_message_not_a_crash(story_app: Flask, store: Path) -> None:
    (store / REQUESTS).mkdir(parents=True, exist_ok=True)
    (store / REQUESTS / "k1.json").write_text(json.dumps({"kind": "nonsense", "params": {}}))
    (store / REQUESTS / "k2.json").write_text(json.dumps({"kind": "drill", "params": {"filters": {}}}))
    assert serve_once(store, LocalAnalytics(StoreReader(store))) == 2
    first = json.loads((store / ANSWERS / "k1.json").read_text())
    second = json.loads((store / ANSWERS / "k2.json").read_text())
    assert first["error"] == "Unknown view 'nonsense'."
    assert "Malformed view request" in second["error"]
    client = _manager(_app(story_app, store, ANALYTICS_VIEW_WAIT_SECONDS=30))
    with answering(store):
        reply = client.get(f"/dashboard/api/drill?{STORY_ARGS}&kind=nonsense&key=x&page=0")
    assert reply.status_code == 400
    assert "nonsense" in reply.get_json()["detail"]


def test_on_a_queue_an_rq_job_answers(
    story_app: Flask, store: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analytics_jobs, "IDLE_SECONDS", 0.3)
    connection = Redis.from_url(redis_url)
    queue = Queue(analytics_jobs.QUEUE, connection=connection)
    queue.empty()
    app = _app(story_app, store, ANALYTICS_VIEWS="queue", REDIS_URL=redis_url, ANALYTICS_VIEW_WAIT_SECONDS=15)
    client, replies = _manager(app), []
    asking = threading.Thread(target=lambda: replies.append(client.get(f"/dashboard/api/kpis?{FILTERED}")))
    asking.start()
    for _ in range(100):  # the worker's request queues the job
        if queue.count:
            break
        threading.Event().wait(0.05)
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    asking.join(timeout=20)
    assert replies
    assert replies[0].status_code == 200
    assert replies[0].get_json()["kpis"] == _local(app, FILTERED)["kpis"]


def test_the_filters_survive_the_trip_to_the_analytics_process() -> None:
    from core.analytics.filters import filters_from_json, filters_to_json

    args = {"from": "2025-03-03", "to": "2025-03-09", "channel": "web", "sla_business": "0"}
    f = parse_filters(args, timezone="America/New_York")
    assert filters_from_json(json.loads(json.dumps(filters_to_json(f)))) == f


def test_the_view_computed_ahead_is_read_by_the_worker_without_asking(story_app: Flask, tmp_path: Path) -> None:
    """The writer computes the dashboard's opening view with each sync: a worker's first view is a file read."""
    app = _app(story_app, tmp_path, ANALYTICS_VIEW_WAIT_SECONDS=0.3)
    with app.test_request_context(f"/?{STORY_ARGS}"):
        from flask import request

        opening = service.filters_from(request.args)
    writer = StoreWriter(extensions.shop(story_app).db, tmp_path, warm=lambda: [opening])
    writer.sync()
    writer.close()
    reply = _manager(app).get(f"/dashboard/api/kpis?{STORY_ARGS}")  # no analytics process is running
    assert reply.status_code == 200
    found = reply.get_json()
    assert found["kpis"] == _local(app, STORY_ARGS)["kpis"]
    assert found["as_of_event_id"] > 0
    assert found["as_of"]
    assert not (tmp_path / REQUESTS).exists()  # nothing was asked of the analytics process
