"""Stored tracking pages answered before Flask (portal.customer.stored): the same answer as the view, or none."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from core.clock import utcnow
from core.models import Order
from core.services import tracking
from core.shop import Shop
from portal.customer import ahead
from portal.customer.stored import StoredTrackingPages
from tests import factories
from tests.conftest import make_test_app

NUMBER = factories.TRACKING
SETTLED = {"settle": timedelta(0)}


@pytest.fixture
def app_shop(shop: Shop) -> Shop:
    return shop  # both backends


@pytest.fixture
def app(app_shop: Shop) -> Flask:
    return make_test_app(app_shop)


@pytest.fixture
def front(app: Flask, shipped_order: Order) -> StoredTrackingPages:
    ahead.catch_up(app, **SETTLED)
    middleware = app.wsgi_app
    assert isinstance(middleware, StoredTrackingPages)
    return middleware


def _environ(path: str = f"/track/{NUMBER}", **kw: Any) -> dict[str, Any]:
    return EnvironBuilder(path=path, **kw).get_environ()


def _answer(wsgi: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    body, status, headers = run_wsgi_app(wsgi, dict(environ))
    return status, sorted(headers.items()), b"".join(body)


ANSWERED_HERE = [
    {},
    {"headers": {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}},
    {"headers": {"Accept-Language": "de"}},
    {"headers": {"Cookie": "shiplog_lang=de", "Accept-Language": "es"}},
    {"path": f"/track/{NUMBER.lower()}"},
    {"path": f"/track/%20{NUMBER}"},
]


@pytest.mark.parametrize("request_kw", ANSWERED_HERE)
def test_an_anonymous_first_view_gets_from_the_store_what_the_view_would_send(
    front: StoredTrackingPages, request_kw: dict[str, Any]
) -> None:
    environ = _environ(**request_kw)
    assert front.page(environ) is not None
    here, view = _answer(front, environ), _answer(front.wrapped, environ)
    assert here == view
    assert here[0] == "200 OK"


PASSED_ON = [
    {"headers": {"HX-Request": "true"}},
    {"headers": {"Cookie": "session=abc"}},
    {"headers": {"Cookie": "shiplog_lang=es; remember_token=x"}},
    {"query_string": "utm_source=email"},
    {"method": "HEAD"},
    {"path": f"/track/{NUMBER}/live"},
    {"path": f"/track/{NUMBER}/"},
    {"path": "/track/NOSUCHPARCEL1"},
    {"path": "/track/<script>"},
    {"path": "/"},
]


@pytest.mark.parametrize("request_kw", PASSED_ON)
def test_anything_per_visitor_or_unknown_goes_on_to_the_app(
    front: StoredTrackingPages, request_kw: dict[str, Any]
) -> None:
    assert front.page(_environ(**request_kw)) is None


def test_a_change_sends_views_to_the_app_until_the_page_is_rendered_again(
    front: StoredTrackingPages, app: Flask, app_shop: Shop
) -> None:
    tracking.record_scan(app_shop, tracking.CarrierScan(NUMBER, "out_for_delivery", utcnow(), "Riverside depot"))
    assert front.page(_environ()) is None
    status, _, body = _answer(front, _environ())
    assert status == "200 OK"
    assert b"Riverside depot" in body
    ahead.catch_up(app, **SETTLED)
    assert b"Riverside depot" in (front.page(_environ()) or "").encode()


def test_the_hsts_header_goes_out_both_ways_on_a_secure_shop(app_shop: Shop, shipped_order: Order) -> None:
    app = make_test_app(app_shop, SESSION_COOKIE_SECURE=True)
    ahead.catch_up(app, **SETTLED)
    front = app.wsgi_app
    assert isinstance(front, StoredTrackingPages)
    assert front.page(_environ()) is not None
    here = _answer(front, _environ())
    assert here == _answer(front.wrapped, _environ())
    assert ("Strict-Transport-Security", "max-age=31536000; includeSubDomains") in here[1]
