"""Form parsing: every malformed input becomes a ValidationFailed with a field, never another exception."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationFailed
from portal.customer import forms


def test_lookup_normalises_number_email_and_phone() -> None:
    assert forms.parse_lookup({"number": " #sl123 ", "contact": " Ada@Example.COM "}) == forms.Lookup(
        "SL123", "email", "ada@example.com"
    )
    assert forms.parse_lookup({"number": "SL1234", "contact": "(415) 555-2671"}).contact == "+14155552671"
    assert forms.parse_lookup({"number": "SL1234", "contact": "555-555-0123"}).contact == "+15555550123"


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"number": "", "contact": "a@b.co"}, "number"),
        ({"number": "SL 12", "contact": "a@b.co"}, "number"),
        ({"number": "SL12", "contact": ""}, "contact"),
        ({"number": "SL12", "contact": "12"}, "phone"),
        ({"number": "SL12", "contact": "a\x00@b.co"}, "contact"),
    ],
)
def test_lookup_refusals_name_the_field(form: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        forms.parse_lookup(form)
    assert caught.value.field == field
    assert caught.value.message


@given(st.dictionaries(st.sampled_from(["number", "contact"]), st.text(max_size=400)))
def test_lookup_never_raises_anything_else(form: dict[str, str]) -> None:
    with contextlib.suppress(ValidationFailed):
        forms.parse_lookup(form)


def test_tracking_number_shape() -> None:
    assert forms.tracking_number(" 1z 999 aa1 ") == "1Z999AA1"
    assert forms.tracking_number("abc") is None
    assert forms.tracking_number("<script>") is None


def test_subscription_needs_consent_and_an_address() -> None:
    targets, scope = forms.parse_subscription(
        {"email": "A@B.co", "phone": "+1 415 555 2671", "consent": "yes", "scope": "delivery"}
    )
    assert targets == [("email", "a@b.co"), ("sms", "+14155552671")]
    assert scope == "delivery"
    for form in ({"email": "a@b.co"}, {"consent": "yes"}, {"email": "a@b.co", "consent": "yes", "scope": "x"}):
        with pytest.raises(ValidationFailed):
            forms.parse_subscription(form)


def test_return_parsing_bounds_and_exchanges() -> None:
    items, note = forms.parse_return(
        {
            "qty-1": "2",
            "reason-1": "too_small",
            "resolution-1": "exchange",
            "variant-1": "7",
            "qty-2": "0",
            "note": " hi ",
        },
        {1: 2, 2: 1},
        {1: {7, 8}},
    )
    assert [(i.order_line_id, i.quantity, i.resolution, i.exchange_variant_id) for i in items] == [
        (1, 2, "exchange", 7)
    ]
    assert note == "hi"
    bad = [
        {"qty-1": "3", "reason-1": "too_small"},
        {"qty-1": "1", "reason-1": "nope"},
        {"qty-1": "1", "reason-1": "too_small", "resolution-1": "exchange", "variant-1": "9"},
        {"qty-1": "٣", "reason-1": "too_small"},
        {"qty-1": "0"},
        {"qty-9": "1", "reason-9": "too_small"},
    ]
    for form in bad:
        with pytest.raises(ValidationFailed):
            forms.parse_return(form, {1: 2}, {1: {7}})


def test_client_token_shape() -> None:
    assert forms.client_token({"client_token": "a" * 32}) == "a" * 32
    for token in ("", "short", "x" * 65, "bad token with spaces!!"):
        with pytest.raises(ValidationFailed):
            forms.client_token({"client_token": token})
