"""Validation of an order before anything is written (pure functions, no database)."""

from __future__ import annotations

import pytest

from core.domain.commands import (
    AddressInput,
    LineInput,
    PlaceOrder,
    normalise_email,
    order_amounts,
    validate_order,
    validate_text,
)
from core.errors import ValidationFailed
from core.models import Product, Variant

HOME = AddressInput("Ada Lovelace", "12 Analytical Way", "Springfield", "12345", "US")
LISTED, GONE = Product(name="Listed", listed=True), Product(name="Gone", listed=False)
VARIANTS = {
    "TEE-M": Variant(sku="TEE-M", price_minor=2500, currency="USD", product=LISTED),
    "MUG-1": Variant(sku="MUG-1", price_minor=1800, currency="USD", product=LISTED),
    "EURO-1": Variant(sku="EURO-1", price_minor=900, currency="EUR", product=LISTED),
    "OLD-1": Variant(sku="OLD-1", price_minor=900, currency="USD", product=GONE),
}


def _cmd(**overrides: object) -> PlaceOrder:
    fields: dict[str, object] = {
        "email": "ada@example.com",
        "name": "Ada",
        "lines": [LineInput("TEE-M", 2), LineInput("MUG-1", 1)],
        "shipping_address": HOME,
    }
    fields.update(overrides)
    return PlaceOrder(**fields)  # type: ignore[arg-type]


def _refused(cmd: PlaceOrder) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        validate_order(cmd, VARIANTS)
    return refused.value


def test_a_good_order_passes_and_adds_up() -> None:
    cmd = _cmd(shipping_minor=500, tax_minor=300, discount_minor=100, lines=[LineInput("TEE-M", 2, 2500, 200)])
    validate_order(cmd, VARIANTS)
    assert order_amounts(cmd, VARIANTS) == (5000, 300, 5000 - 300 + 500 + 300)


def test_unknown_sku() -> None:
    error = _refused(_cmd(lines=[LineInput("TEE-M", 1), LineInput("NOPE-9", 1)]))
    assert (str(error), error.field) == ("Unknown SKU 'NOPE-9'.", "lines[1].sku")


def test_an_unlisted_product_is_refused_naming_the_sku_unless_a_store_sold_it() -> None:
    error = _refused(_cmd(lines=[LineInput("TEE-M", 1), LineInput("OLD-1", 1)]))
    assert (str(error), error.field) == ("OLD-1 is no longer sold (its product is unlisted).", "lines[1].sku")
    validate_order(_cmd(lines=[LineInput("OLD-1", 1, unit_price_minor=700)], store_priced=True), VARIANTS)


@pytest.mark.parametrize("quantity", [0, -1, -100])
def test_quantity_must_be_positive(quantity: int) -> None:
    error = _refused(_cmd(lines=[LineInput("TEE-M", quantity)]))
    assert (str(error), error.field) == ("Quantity for TEE-M must be at least 1.", "lines[0].quantity")


def test_price_mismatch_names_both_prices() -> None:
    error = _refused(_cmd(lines=[LineInput("TEE-M", 1, unit_price_minor=1999)]))
    assert (str(error), error.field) == ("TEE-M costs $25.00, but $19.99 was sent.", "lines[0].unit_price_minor")


def test_the_catalogue_price_sent_back_is_accepted() -> None:
    validate_order(_cmd(lines=[LineInput("TEE-M", 1, unit_price_minor=2500)]), VARIANTS)


def test_currency_mismatch() -> None:
    error = _refused(_cmd(lines=[LineInput("EURO-1", 1)]))
    assert (str(error), error.field) == ("EURO-1 is sold in EUR, not USD.", "currency")


@pytest.mark.parametrize(
    ("name", "words"), [("shipping_minor", "Shipping"), ("discount_minor", "The order discount"), ("tax_minor", "Tax")]
)
def test_negative_amounts_are_refused(name: str, words: str) -> None:
    error = _refused(_cmd(**{name: -1}))
    assert (str(error), error.field) == (f"{words} cannot be negative.", name)


@pytest.mark.parametrize("discount", [-1, 2501])
def test_line_discount_must_be_within_the_line_value(discount: int) -> None:
    error = _refused(_cmd(lines=[LineInput("TEE-M", 1, discount_minor=discount)]))
    assert (str(error), error.field) == (
        "The discount on TEE-M must be between zero and the line's value, $25.00.",
        "lines[0].discount_minor",
    )


def test_an_order_needs_lines_and_each_sku_once() -> None:
    assert _refused(_cmd(lines=[])).field == "lines"
    error = _refused(_cmd(lines=[LineInput("TEE-M", 1), LineInput("TEE-M", 2)]))
    assert str(error) == "Each SKU may appear on one line only."


def test_country_and_name_are_required() -> None:
    bad_country = AddressInput("Ada", "1 Way", "Town", "1", "USA")
    assert _refused(_cmd(shipping_address=bad_country)).field == "shipping_address.country"
    assert _refused(_cmd(name="   ")).field == "name"


def test_order_level_discount_cannot_exceed_the_order() -> None:
    cmd = _cmd(lines=[LineInput("MUG-1", 1)], discount_minor=5000)
    with pytest.raises(ValidationFailed, match="Discounts exceed the order value"):
        order_amounts(cmd, VARIANTS)


@pytest.mark.parametrize("raw", ["not-an-email", "ada@", "@example.com", "ada example.com", "", "ada@@example.com"])
def test_bad_email_is_refused_with_a_readable_message(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise_email(raw)
    assert refused.value.field == "email"
    assert str(refused.value).startswith("That email address does not look right")


def test_email_is_trimmed_and_lower_cased() -> None:
    assert normalise_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Ada\x00"}, "name"),
        ({"lines": [LineInput("TEE-M\x00", 1)]}, "lines[0].sku"),
        ({"note": "fine\nbut\x1b[31m"}, "note"),
        ({"source_ref": "\ud800"}, "source_ref"),
        ({"shipping_address": AddressInput("Ada", "1 Way\x85", "Town", "1", "US")}, "shipping_address.line1"),
        ({"billing_address": AddressInput("Ada", "1 Way", "Town\t", "1", "US")}, "billing_address.city"),
    ],
)
def test_text_with_a_refused_character_is_refused_before_any_lookup(changes: dict[str, object], field: str) -> None:
    """``validate_text`` needs no catalogue: the service runs it before looking the SKUs up."""
    with pytest.raises(ValidationFailed) as refused:
        validate_text(_cmd(**changes))
    assert refused.value.field == field
    assert "not allowed" in str(refused.value)


def test_a_note_keeps_its_lines_and_names_keep_their_scripts() -> None:
    validate_text(_cmd(name="مرحبا Zoë", note="Leave it\r\nat the back\tdoor"))
