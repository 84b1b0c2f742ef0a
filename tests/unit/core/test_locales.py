"""The order's locale: one rule for its shape (core.locales), taken from the API, Shopify and the CSV import."""

from __future__ import annotations

import json

import pytest

from core.errors import ValidationFailed
from core.integrations import shopify
from core.integrations.csv_orders import OrderRows, to_past
from core.locales import canonical, canonical_or_none
from tests.shared_fixtures import FIXTURES


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("es", "es"), ("ES_mx", "es-MX"), ("de-de", "de-DE"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419"),
     (" pt-BR ", "pt-BR"), ("sl-rozaj", "sl-rozaj")],
)  # fmt: skip
def test_tags_are_written_in_their_canonical_case(raw: str, tag: str) -> None:
    assert canonical(raw) == tag


@pytest.mark.parametrize("raw", ["", "e", "español", "es-", "12", "en-US-x-twain", "de\u0000", "a" * 40, "en us"])
def test_anything_else_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        canonical(raw, field="locale")
    assert refused.value.field == "locale"


def test_a_stores_tag_is_cleaned_not_refused() -> None:
    assert canonical_or_none("fr_CA") == "fr-CA"
    assert canonical_or_none("klingon!") is None
    assert canonical_or_none(None) is None
    assert canonical_or_none(42) is None


def test_shopify_customer_locale_becomes_the_orders_locale() -> None:
    order = json.loads((FIXTURES / "shopify-order.json").read_text())["order"]
    assert shopify.order_command(order | {"customer_locale": "de_AT"}).locale == "de-AT"
    assert shopify.order_command(order | {"customer_locale": "not a locale"}).locale is None  # the order still comes in
    assert shopify.order_command({k: v for k, v in order.items() if k != "customer_locale"}).locale is None


def test_the_csv_import_reads_an_optional_locale_column() -> None:
    row = {"order_number": "OLD1", "placed_at": "2024-03-01T10:00:00Z", "email": "a@example.com", "name": "A",
           "sku": "TEE-M", "quantity": "1", "ship_line1": "1 Main St", "ship_city": "Springfield",
           "ship_postal_code": "12345", "ship_country": "US", "status": "cancelled",
           "cancelled_at": "2024-03-02T10:00:00Z"}  # fmt: skip
    assert to_past(OrderRows("OLD1", [(2, row | {"locale": "es"})])).order.locale == "es"
    assert to_past(OrderRows("OLD1", [(2, row)])).order.locale is None
