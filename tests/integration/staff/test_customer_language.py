"""Staff pages stay English whatever the browser asks for, and show the customer's language on the order."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from core.shop import Shop
from tests import factories


def test_staff_pages_stay_english_and_show_the_customers_language(
    staff_client: FlaskClient, app_shop: Shop, catalog: dict[str, int]
) -> None:
    order = factories.place(app_shop, locale="es-MX")
    unknown = factories.place(app_shop, locale="pt-BR", number="SLPT0001", email="ana@example.com")
    body = staff_client.get(f"/staff/orders/{order.number}", headers={"Accept-Language": "de"}).data.decode()
    other = staff_client.get(f"/staff/orders/{unknown.number}").data.decode()

    assert re.search(r'<html lang="en">', body)
    assert "Spanish (Mexico) (es-MX): its pages and messages are in Spanish" in body
    assert "Portuguese (Brazil) (pt-BR): not offered, so messages are in English" in other
