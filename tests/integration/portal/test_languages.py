"""Which language a customer page speaks, by each of its sources in order: the order's locale, the
switcher (a cookie), Accept-Language, the shop's default; and dates and money written for it in the shop's
time zone. (Staff pages stay English: tests/integration/staff/test_customer_language.py.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask

from core.events.fact import SYSTEM
from core.models import Order
from core.services.settings import change_settings
from core.shop import Shop
from tests import factories
from tests.integration.portal.conftest import Web
from web.i18n import COOKIE

NUMBER = factories.TRACKING


def _lang(body: str) -> str:
    found = re.search(r'<html lang="([a-z]+)">', body)
    assert found, body[:200]
    return found.group(1)


def _page(web: Web, path: str, **headers: str) -> str:
    answer = web.client.get(path, headers=headers)
    assert answer.status_code == 200, answer.status_code
    return answer.data.decode()


def test_the_orders_locale_comes_first(web: Web, app_shop: Shop, catalog: dict[str, int]) -> None:
    """Spanish from the order, though the browser asks for German and the switcher chose English."""
    order = factories.place(app_shop, locale="es-MX")
    web.client.set_cookie(COOKIE, "en")
    body = _page(web, web.order_url(order.id), **{"Accept-Language": "de"})

    assert _lang(body) == "es"
    assert "Artículos" in body
    assert "Pedido recibido" in body or "Confirmado" in body
    assert "Items" not in body
    assert 'class="languages"' not in body  # the switcher would change nothing here, so it is not offered


def test_a_return_page_speaks_the_orders_language(web: Web, app_shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(app_shop, locale="de")
    factories.ship_all(app_shop, order.id)
    factories.deliver(app_shop, NUMBER)
    body = _page(web, f"{web.order_url(order.id)}/returns/new", **{"Accept-Language": "es"})

    assert _lang(body) == "de"
    assert "Rücksendung oder Umtausch" in body
    assert "Rückgabe bis zum" in body  # the line's return window, in the policy's words


def test_the_switcher_sets_a_cookie_and_goes_back_without_javascript(web: Web, confirmed_order: Order) -> None:
    path = web.order_url(confirmed_order.id)
    chooser = web.client.get(f"/language/de?next={path}")

    assert chooser.status_code == 303
    assert chooser.headers["Location"].endswith(path)
    assert f"{COOKIE}=de" in chooser.headers["Set-Cookie"]
    body = _page(web, path, **{"Accept-Language": "es"})  # the choice on the page beats the browser
    assert _lang(body) == "de"
    assert "Bestellung eingegangen" in body or "Bestätigt" in body
    assert re.search(r'<a href="/language/en\?next=[^"]+"[^>]*>English</a>', body)
    assert 'aria-current="true">Deutsch</a>' in body


def test_the_switcher_only_goes_back_to_this_site(web: Web) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = web.client.get("/language/es", query_string={"next": target})
        assert answer.status_code == 303
        assert "evil" not in answer.headers["Location"]
    assert f"{COOKIE}=" not in (web.client.get("/language/xx?next=/").headers.get("Set-Cookie") or "")


def test_accept_language_then_the_shop_default(web: Web, app: Flask) -> None:
    assert _lang(_page(web, "/", **{"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})) == "es"
    assert "¿Dónde está mi pedido?" in _page(web, "/", **{"Accept-Language": "es-ES,es;q=0.9"})
    assert _lang(_page(web, "/", **{"Accept-Language": "fr-FR"})) == "en"  # not spoken: the default
    app.config["SHOP_LOCALE"] = "de"
    body = _page(web, "/")
    assert _lang(body) == "de"
    assert "Wo ist meine Bestellung?" in body


def test_the_public_tracking_page_is_cached_per_language(web: Web, shipped_order: Order) -> None:
    english = _page(web, f"/track/{NUMBER}", **{"Accept-Language": "en"})
    german = _page(web, f"/track/{NUMBER}", **{"Accept-Language": "de"})
    again = _page(web, f"/track/{NUMBER}", **{"Accept-Language": "en"})

    assert "On its way" in english
    assert "An UPS übergeben" in german
    assert "Unterwegs" in german
    assert again == english
    assert f'href="/language/es?next=/track/{NUMBER}"' in german  # the shared layout names this page


def test_a_parcel_of_an_order_with_a_locale_is_tracked_in_it(web: Web, app_shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(app_shop, locale="es")
    factories.ship_all(app_shop, order.id)
    body = _page(web, f"/track/{NUMBER}", **{"Accept-Language": "de"})

    assert _lang(body) == "es"
    assert "Entregado a UPS" in body


def test_unknown_tracking_number_message_in_the_browsers_language(web: Web) -> None:
    answer = web.client.get("/track/NOSUCHPARCEL1", headers={"Accept-Language": "de"})
    assert answer.status_code == 404
    assert "Wir haben die Sendungsnummer „NOSUCHPARCEL1“ nicht gefunden" in answer.data.decode()


def test_dates_and_money_are_written_for_the_language_in_the_shops_time_zone(
    web: Web, app: Flask, app_shop: Shop, catalog: dict[str, int]
) -> None:
    """Placed at 23:30 UTC on Friday 14 August: Saturday 01:30 in Berlin. 2 × 25.00 + 18.00 + 5.00 shipping."""
    change_settings(app_shop, SYSTEM, {"timezone": "Europe/Berlin"})  # a manager's setting
    placed = datetime(2026, 8, 14, 23, 30, tzinfo=UTC)
    german = factories.place(app_shop, locale="de", placed_at=placed, number="SLDE0001")
    spanish = factories.place(app_shop, locale="es", placed_at=placed, number="SLES0001", email="eva@example.com")
    english = factories.place(app_shop, placed_at=placed, number="SLEN0001", email="joe@example.com")
    de, es, en = (_page(web, web.order_url(o.id)) for o in (german, spanish, english))

    assert "aufgegeben am Sa., 15. Aug. 2026, 01:30 CEST" in de
    assert "73,00\xa0$" in de
    assert "realizado el sáb, 15 ago 2026, 1:30 CEST" in es
    assert "73,00\xa0US$" in es
    assert "placed Sat 15 Aug 2026, 1:30 AM CEST" in en
    assert "$73.00" in en
