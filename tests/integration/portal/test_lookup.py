"""Order lookup: a miss never reveals which half was wrong; signed links open exactly one order."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from core.models import Order
from core.shop import Shop
from tests import factories
from tests.integration.portal.conftest import Web


def test_number_and_email_open_the_order(web: Web, confirmed_order: Order) -> None:
    found = web.post("/lookup", {"number": confirmed_order.number.lower(), "contact": " ADA@example.com "})
    assert found.status_code == 303
    page = web.get(found.headers["Location"])
    assert page.status_code == 200
    assert confirmed_order.number.encode() in page.data
    assert b"Classic Tee" in page.data


def test_number_and_phone_open_the_order(web: Web, confirmed_order: Order) -> None:
    found = web.post("/lookup", {"number": confirmed_order.number, "contact": "(555) 555-0123"})
    assert found.status_code == 303
    assert "/orders/" in found.headers["Location"]


def test_wrong_email_and_unknown_order_answer_identically(web: Web, confirmed_order: Order) -> None:
    wrong = web.post("/lookup", {"number": confirmed_order.number, "contact": "eve@example.com"})
    unknown = web.post("/lookup", {"number": "SL99999999", "contact": "eve@example.com"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.data == unknown.data
    assert b"could not find an order" in wrong.data
    assert confirmed_order.number.encode() not in wrong.data


def test_wrong_phone_and_unknown_order_answer_identically_over_htmx(web: Web, confirmed_order: Order) -> None:
    wrong = web.post("/lookup", {"number": confirmed_order.number, "contact": "+14155552671"}, htmx=True)
    unknown = web.post("/lookup", {"number": "SL99999999", "contact": "+14155552671"}, htmx=True)
    assert (wrong.status_code, wrong.data) == (unknown.status_code, unknown.data)


def test_miss_and_wrong_contact_do_the_same_work(web: Web, app_shop: Shop, confirmed_order: Order) -> None:
    """No timing oracle: both paths run the very same SQL (then a constant-time compare)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    web.csrf()
    event.listen(app_shop.db.engine, "before_cursor_execute", record)
    try:
        web.post("/lookup", {"number": confirmed_order.number, "contact": "eve@example.com"})
        wrong, statements[:] = list(statements), []
        web.post("/lookup", {"number": "SL99999999", "contact": "eve@example.com"})
        unknown = list(statements)
    finally:
        event.remove(app_shop.db.engine, "before_cursor_execute", record)
    assert wrong == unknown
    assert len(wrong) >= 1


def test_invalid_input_gets_a_clear_422(web: Web) -> None:
    for data, message in [
        ({"number": "", "contact": "a@b.co"}, b"order number"),
        ({"number": "SL123", "contact": ""}, b"email address or phone"),
        ({"number": "SL123", "contact": "not a phone"}, b"phone number"),
        ({"number": "SL\x00123", "contact": "a@b.co"}, b"characters we cannot accept"),
        ({"number": "SL123" * 100, "contact": "a@b.co"}, b"too long"),
    ]:
        response = web.post("/lookup", data)
        assert response.status_code == 422, data
        assert message in response.data, data


def test_link_opens_its_order_and_no_other(web: Web, app_shop: Shop, confirmed_order: Order) -> None:
    other = factories.place(app_shop, email="grace@example.com")
    mine = web.get(web.order_url(confirmed_order.id))
    assert confirmed_order.number.encode() in mine.data
    assert other.number.encode() not in mine.data
    forged = web.order_url(confirmed_order.id).replace("/orders/", "/orders/x")
    assert web.get(forged).status_code == 404


def test_expired_link_lands_on_lookup_with_message(app: Flask, web: Web, confirmed_order: Order) -> None:
    link = web.order_url(confirmed_order.id)
    assert web.get(link).status_code == 200
    app.config["ORDER_LINK_MAX_AGE_DAYS"] = -1  # every genuine link is now too old
    response = web.get(link)
    assert response.status_code == 303
    landing = web.get(response.headers["Location"])
    assert b"link has expired" in landing.data
    assert b"Find your order" in landing.data
