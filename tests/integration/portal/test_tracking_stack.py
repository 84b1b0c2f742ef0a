"""The public tracking page on the leaner stack (issue 14 §5): same headers, no session, a page that follows the parcel."""

from __future__ import annotations

import re
from datetime import timedelta

from core.clock import utcnow
from core.models import Order
from core.services import tracking
from core.shop import Shop
from tests.integration.portal.conftest import Web
from web.security import DEFAULT_HEADERS

NUMBER = "1Z999AA10123456784"


def test_a_first_view_sets_no_cookie_varies_on_it_and_carries_each_security_header_once(
    web: Web, shipped_order: Order
) -> None:
    for _ in range(2):  # the first view renders the page, the second is served from the cache
        page = web.client.get(f"/track/{NUMBER}")
        assert page.status_code == 200
        assert "Set-Cookie" not in page.headers
        assert "Cookie" in page.headers.get("Vary", "")
        for name, value in DEFAULT_HEADERS:
            assert page.headers.getlist(name) == [value], name


def test_the_page_follows_the_parcel_when_it_moves(web: Web, app_shop: Shop, shipped_order: Order) -> None:
    before = web.client.get(f"/track/{NUMBER}").data.decode()
    seen = int(re.search(r'data-version="(\d+)"', before).group(1))  # type: ignore[union-attr]
    assert "Riverside depot" not in before
    scan = tracking.CarrierScan(NUMBER, "out_for_delivery", utcnow() + timedelta(minutes=5), "Riverside depot")
    tracking.record_scan(app_shop, scan)
    after = web.client.get(f"/track/{NUMBER}").data.decode()
    assert int(re.search(r'data-version="(\d+)"', after).group(1)) > seen  # type: ignore[union-attr]
    assert "Riverside depot" in after
    assert "Out for delivery" in after


def test_a_session_cookie_is_still_read_and_its_message_shown(web: Web, shipped_order: Order) -> None:
    data = {"email": "pal@example.com", "consent": "yes", "scope": "all"}
    response = web.post(f"/track/{NUMBER}/subscribe", data)
    assert response.status_code == 303
    follow = web.client.get(response.headers["Location"])
    assert "Almost done" in follow.data.decode()
    assert "Cookie" in follow.headers.get("Vary", "")
