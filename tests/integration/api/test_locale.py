"""The order's locale through the API: optional, a BCP 47 tag (written in its canonical case), stored and read back."""

from __future__ import annotations

import pytest

from core.queries.orders import lookup_row, order_locale
from core.shop import Shop
from tests.integration.api.conftest import Call, order_body


@pytest.mark.parametrize(("sent", "stored"), [("es_mx", "es-MX"), ("de-DE", "de-DE"), ("en", "en"), (None, None)])
def test_a_locale_is_stored_and_read_back(
    app_shop: Shop, app_catalog: dict[str, int], call: Call, sent: str | None, stored: str | None
) -> None:
    body = order_body() if sent is None else order_body(locale=sent)
    created = call("POST", "/orders", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["locale"] == stored
    number = created.get_json()["number"]
    assert call("GET", f"/orders/{number}").get_json()["locale"] == stored
    with app_shop.db.read() as session:
        found = lookup_row(session, number)
        assert found is not None
        assert order_locale(session, found.order_id) == stored


@pytest.mark.parametrize("sent", ["español", "e", "es-", "en-US-x-private!", "x" * 40, "de\n"])
def test_a_malformed_locale_is_a_422_naming_the_field(
    app_shop: Shop, app_catalog: dict[str, int], call: Call, sent: str
) -> None:
    answer = call("POST", "/orders", json=order_body(locale=sent))
    assert answer.status_code == 422
    assert set(answer.get_json()["errors"]) == {"locale"}


def test_the_openapi_document_describes_the_field(app_shop: Shop, call: Call) -> None:
    document = call("GET", "/openapi.json").get_json()
    schema = document["components"]["schemas"]["OrderCreate"]["properties"]["locale"]
    assert "BCP 47" in str(schema)
