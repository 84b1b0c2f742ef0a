"""Schemathesis against /api/v1/openapi.json: no 5xx, and every response matches the document.

The document is generated from the API's Structs, so it loads without an app; requests go through a WSGI proxy
to the app of the running test (each test has its own database).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from portal.api.openapi import document

CHECKS = [
    schemathesis.checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
]


class _CurrentApp:
    """A WSGI app that forwards to whichever Flask app the current test set."""

    app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        assert self.app is not None, "the live_app fixture sets the app"
        return self.app(environ, start_response)


PROXY = _CurrentApp()
schema = schemathesis.openapi.from_dict(document())
schema.app = PROXY


@pytest.fixture
def live_app(app: Flask, app_catalog: dict[str, int]) -> Iterator[Flask]:
    PROXY.app = app
    yield app
    PROXY.app = None


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, live_app: Flask, write_key: str) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers={"Authorization": f"Bearer {write_key}"}, checks=CHECKS)


def test_served_document_is_the_one_tested(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/openapi.json").get_json() == document()
