"""API hygiene (issue 13, §6): the key before the query, one value per parameter, ``Allow`` on a 405,
a documented 414, and each key's own rate limits with ``Retry-After`` and the IETF RateLimit fields."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.models import ApiKey, IdempotencyRecord
from core.services.access import create_api_key
from core.shop import Shop
from portal.api.openapi import document
from tests.integration.api.conftest import Call

POLICY = re.compile(r'^"([0-9a-z-]+)";q=(\d+);w=(\d+)$')
STATE = re.compile(r'^"([0-9a-z-]+)";r=(\d+);t=(\d+)$')


@pytest.mark.parametrize("query", ["colour=red", "after=x", "limit=1&limit=2", "after=-1"])
def test_a_request_without_a_valid_key_gets_401_whatever_its_query(client: FlaskClient, query: str) -> None:
    for headers in ({}, {"Authorization": "Bearer slk_unknown"}):
        response = client.get(f"/api/v1/events?{query}", headers=headers)
        assert response.status_code == 401, (query, headers)
        assert response.mimetype == "application/problem+json"
        assert "RateLimit" not in response.headers  # nothing was counted for nobody


def test_a_repeated_query_parameter_is_refused_by_name(call: Call) -> None:
    response = call("GET", "/events?after=0&limit=5&limit=500")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {"limit": "Sent more than once; send it once."}
    assert "'limit'" in response.get_json()["detail"]
    assert call("GET", "/events?after=0&limit=5").status_code == 200


def test_a_405_says_which_methods_the_path_takes(client: FlaskClient, call: Call) -> None:
    api = call("DELETE", "/events")
    assert api.status_code == 405
    assert api.mimetype == "application/problem+json"
    assert set(api.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    page = client.delete("/")
    assert page.status_code == 405
    assert "GET" in page.headers["Allow"]
    assert document()["paths"]["/events"]["get"]["responses"]["405"]["headers"]["Allow"]["required"]


def test_an_over_long_url_gets_the_documented_414(call: Call) -> None:
    response = call("GET", "/orders/" + "A" * 2100)
    assert response.status_code == 414
    assert response.mimetype == "application/problem+json"
    assert call("GET", "/orders/" + "A" * 32).status_code == 404  # a long but acceptable URL is read as usual
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            documented = operation["responses"].get("414", {}).get("content", {})
            assert {"application/problem+json", "text/html"} <= set(documented), (method, path)


def _limited_key(shop: Shop, rate_limit: str | None) -> str:
    return create_api_key(shop, name="limited", scope="read", rate_limit=rate_limit)[1]


def test_a_key_over_its_own_limit_gets_429_with_retry_after_and_ratelimit_fields(
    app_shop: Shop, client: FlaskClient, call: Call
) -> None:
    key = _limited_key(app_shop, "3 per minute")
    answers = [call("GET", "/events", key=key) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    policies = {POLICY.match(answer.headers["RateLimit-Policy"]).groups() for answer in answers}  # type: ignore[union-attr]
    assert policies == {("3-per-1-minute", "3", "60")}
    states = [STATE.match(answer.headers["RateLimit"]).groups() for answer in answers]  # type: ignore[union-attr]
    assert [(name, remaining) for name, remaining, _ in states] == [("3-per-1-minute", str(r)) for r in (2, 1, 0, 0)]
    assert all(0 < int(reset) <= 60 for _, _, reset in states)
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "3 requests per minute" in refused.get_json()["detail"]
    assert call("GET", "/events").status_code == 200  # another key counts on its own


def test_keys_without_their_own_limit_share_the_apps_setting(app: Flask, app_shop: Shop, call: Call) -> None:
    app.config["API_RATE_LIMIT"] = "2 per minute;100 per hour"
    first, second = _limited_key(app_shop, None), _limited_key(app_shop, None)
    assert [call("GET", "/events", key=first).status_code for _ in range(3)] == [200, 200, 429]
    answer = call("GET", "/events", key=second)
    assert answer.status_code == 200
    assert answer.headers["RateLimit"].split(", ") == ['"2-per-1-minute";r=1;t=60', '"100-per-1-hour";r=99;t=3600']


def test_writes_are_counted_and_a_refused_write_is_not_executed(
    app_shop: Shop, app_catalog: dict[str, int], call: Call
) -> None:
    key = create_api_key(app_shop, name="writer", scope="write", rate_limit="1 per minute")[1]
    scan = {"tracking_number": "1ZNOSUCH0001", "status": "in_transit", "occurred_at": "2025-01-01T10:00:00Z"}
    assert call("POST", "/tracking-events", key=key, json=scan).status_code == 404
    refused = call("POST", "/tracking-events", key=key, json=scan, headers={"Idempotency-Key": "k1"})
    assert refused.status_code == 429
    with app_shop.db.read() as session:  # refused before the view: nothing kept to replay to a retry
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_the_document_describes_the_rate_limit_fields(client: FlaskClient) -> None:
    for operations in document()["paths"].values():
        for operation in operations.values():
            answers = operation["responses"]
            assert answers["429"]["headers"]["Retry-After"]["required"]
            assert {"RateLimit", "RateLimit-Policy"} <= set(answers["429"]["headers"])
            ok = next(code for code in answers if code.startswith("2"))
            assert {"RateLimit", "RateLimit-Policy"} <= set(answers[ok]["headers"])


def test_the_cli_gives_a_key_its_own_limit(app: Flask, app_shop: Shop) -> None:
    row, _ = create_api_key(app_shop, name="cli", scope="read")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["api-keys", "limit", row.prefix, "50 per minute;1000 per hour"]).exit_code == 0
    assert _stored_limit(app_shop, row.id) == "50 per minute;1000 per hour"
    refused = runner.invoke(args=["api-keys", "limit", row.prefix, "lots"])
    assert refused.exit_code != 0
    assert "is not a rate limit" in refused.output
    assert runner.invoke(args=["api-keys", "limit", row.prefix, "default"]).exit_code == 0
    assert _stored_limit(app_shop, row.id) is None
    created = runner.invoke(args=["api-keys", "create", "--scope", "read", "--rate-limit", "5/second"])
    assert created.exit_code == 0


def _stored_limit(shop: Shop, key_id: int) -> str | None:
    with shop.db.read() as session:
        row = session.get(ApiKey, key_id)
        assert row is not None
        return row.rate_limit
