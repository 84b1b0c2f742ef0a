"""Every portal route answers a plain request with the whole page and an htmx request with its block."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from core.models import Order
from tests.integration.portal.conftest import Web

NUMBER = "1Z999AA10123456784"


def _is_full(body: bytes) -> bool:
    return body.lstrip().lower().startswith(b"<!doctype html>")


def _return_form(web: Web, order: Order) -> dict[str, str]:
    page = web.get(web.order_url(order.id) + "/returns/new")
    token = re.search(rb'name="client_token" value="([^"]+)"', page.data)
    assert token
    line_id = order.lines[0].id
    return {"client_token": token.group(1).decode(), f"qty-{line_id}": "1", f"reason-{line_id}": "too_small"}


@pytest.mark.parametrize("htmx", [False, True])
def test_get_pages_full_or_block(web: Web, delivered_order: Order, htmx: bool) -> None:
    order_url = web.order_url(delivered_order.id)
    paths = ["/", f"/track/{NUMBER}", f"/track/{NUMBER}/live?v=1", order_url, order_url + "/live?v=1"]
    paths.append(f"/track/{NUMBER}/subscribe")
    paths.append(order_url + "/returns/new")
    for path in paths:
        response = web.get(path, htmx=htmx)
        assert response.status_code == 200, path
        live = path.endswith("?v=1")
        assert _is_full(response.data) is (not htmx and not live), path


def _followed(response: Any, htmx: bool) -> str:
    """Where a post sends the browser: a 303, or for htmx an in-place load (HX-Location)."""
    if htmx:
        assert response.status_code == 200
        return str(json.loads(response.headers["HX-Location"])["path"])
    assert response.status_code == 303
    return str(response.headers["Location"])


@pytest.mark.parametrize("htmx", [False, True])
def test_return_flow_routes(web: Web, delivered_order: Order, htmx: bool) -> None:
    base = web.order_url(delivered_order.id)
    form = _return_form(web, delivered_order)
    review = web.get(_followed(web.post(base + "/returns/review", form, htmx=htmx), htmx), htmx=htmx)
    assert review.status_code == 200
    assert b"Estimated refund" in review.data
    assert _is_full(review.data) is not htmx
    assert review.headers["Cache-Control"] == "no-store"
    created = web.post(base + "/returns", form, htmx=htmx)
    status = web.get(_followed(created, htmx), htmx=htmx)
    assert status.status_code == 200
    assert b"RMA-" in status.data
    assert _is_full(status.data) is not htmx
    rma = re.search(rb"RMA-[A-Z0-9]{8}", status.data).group(0).decode()  # type: ignore[union-attr]
    label = web.get(f"{base}/returns/{rma}/label", htmx=htmx)
    assert label.status_code == 200
    assert b"<svg" in label.data
    live = web.get(f"{base}/returns/{rma}/live?v=requested", htmx=htmx)
    assert live.status_code == 200
    assert not _is_full(live.data)
    cancelled = web.post(f"{base}/returns/{rma}/cancel", {"confirm": "yes"}, htmx=htmx)
    assert cancelled.status_code == (200 if htmx else 303)


@pytest.mark.parametrize("htmx", [False, True])
def test_lookup_and_search_routes(web: Web, delivered_order: Order, htmx: bool) -> None:
    found = web.post("/lookup", {"number": delivered_order.number, "contact": "ada@example.com"}, htmx=htmx)
    assert found.status_code == (200 if htmx else 303)
    assert ("HX-Location" if htmx else "Location") in found.headers
    missed = web.post("/lookup", {"number": "SL00000000", "contact": "ada@example.com"}, htmx=htmx)
    assert missed.status_code == 404
    assert _is_full(missed.data) is not htmx
    search = web.get(f"/track?number={NUMBER.lower()}", htmx=htmx)
    assert search.status_code == (200 if htmx else 303)
    bad = web.get("/track?number=%21%21", htmx=htmx)
    assert bad.status_code == 422
    assert b"tracking number" in bad.data


@pytest.mark.parametrize("htmx", [False, True])
def test_subscribe_routes(web: Web, delivered_order: Order, htmx: bool) -> None:
    data = {"email": "fan@example.com", "scope": "all", "consent": "yes"}
    for path in (f"/track/{NUMBER}/subscribe", web.order_url(delivered_order.id) + "/subscribe"):
        response = web.post(path, data, htmx=htmx)
        assert response.status_code == (200 if htmx else 303), path
        if htmx:
            assert b"fan@example.com" in response.data
            assert not _is_full(response.data)


def test_unknown_paths_and_tokens_are_clear_4xx(web: Web, delivered_order: Order) -> None:
    assert web.get("/track/NOSUCHPARCEL1").status_code == 404
    assert web.get("/orders/not-a-token").status_code == 404
    base = web.order_url(delivered_order.id)
    assert web.get(base + "/returns/RMA-ZZZZZZZZ").status_code == 404
    assert web.get(base + "/returns/<script>").status_code == 404
    missing = web.get("/orders/not-a-token", htmx=True)
    assert missing.status_code == 404
    assert b"not valid" in missing.data
    assert not _is_full(missing.data)
