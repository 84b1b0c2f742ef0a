"""The production shape: gunicorn with several workers on PostgreSQL, configured by environment only."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from core.services.access import create_staff_user
from core.shop import Shop
from portal.api.openapi import document
from tests import factories
from tests.e2e.platform.servers import gunicorn

pytestmark = pytest.mark.e2e


@pytest.fixture
def gunicorn_on_postgres(pg_shop: Shop) -> Iterator[str]:
    with gunicorn({"DATABASE_URL": pg_shop.db.url}, workers=3) as base:
        yield base


def test_gunicorn_workers_serve_the_same_postgres_data(gunicorn_on_postgres: str, pg_shop: Shop) -> None:
    factories.make_catalog(pg_shop)
    order = factories.place(pg_shop)
    factories.ship_all(pg_shop, order.id, tracking_number="1ZE2E0000000000001")
    create_staff_user(pg_shop, email="e2e@example.com", password="correct horse battery", role="staff")

    # Several requests land on several workers; every one must see the order's shipment.
    pages = [urllib.request.urlopen(f"{gunicorn_on_postgres}/track/1ZE2E0000000000001", timeout=5) for _ in range(6)]
    bodies = [page.read().decode() for page in pages]
    assert all(page.status == 200 for page in pages)
    assert all("UPS" in body for body in bodies)
    assert all("ada@example.com" not in body for body in bodies)


def test_over_long_urls_get_a_414_of_a_documented_kind(gunicorn_on_postgres: str) -> None:
    """The API's own problem document up to gunicorn's request-line limit, gunicorn's page beyond it;
    the OpenAPI document lists both."""
    kinds = []
    for length in (3000, 6000):
        try:
            urllib.request.urlopen(f"{gunicorn_on_postgres}/api/v1/orders/{'A' * length}", timeout=5)
        except urllib.error.HTTPError as error:
            kinds.append((error.code, error.headers.get_content_type()))
    assert kinds == [(414, "application/problem+json"), (414, "text/html")]
    documented = document()["paths"]["/orders/{number}"]["get"]["responses"]["414"]["content"]
    assert {kind for _, kind in kinds} <= set(documented)
