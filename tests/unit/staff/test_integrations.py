"""Pure mapping and signature code: no database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata

import pytest

from core.errors import ValidationFailed
from core.integrations import carrier_feeds, shopify, signatures, woocommerce
from core.lifecycle import ExceptionReason, ShipmentStatus
from core.money import to_minor
from tests.shared_fixtures import FIXTURES

BODY = b'{"id": 1, "note": "caf\xc3\xa9"}'


def test_base64_scheme_matches_an_independent_computation() -> None:
    expected = base64.b64encode(hmac.new(b"s3cret", BODY, hashlib.sha256).digest()).decode()
    assert signatures.sign_base64("s3cret", BODY) == expected
    assert signatures.verify_base64("s3cret", BODY, expected)
    assert not signatures.verify_base64("s3cret", BODY + b" ", expected)
    assert not signatures.verify_base64(None, BODY, expected)  # no secret configured: refuse
    assert not signatures.verify_base64("s3cret", BODY, None)


def test_easypost_normalises_the_secret_to_nfkd_and_sends_hex_with_a_prefix() -> None:
    secret = "ﬁ-secrét"  # a ligature and an accent change under NFKD
    digest = hmac.new(unicodedata.normalize("NFKD", secret).encode(), BODY, hashlib.sha256).hexdigest()
    assert signatures.sign_easypost(secret, BODY) == f"hmac-sha256-hex={digest}"
    assert signatures.verify_easypost(secret, BODY, f"hmac-sha256-hex={digest}")
    assert not signatures.verify_easypost(secret, BODY, digest)  # the prefix is part of the header


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [("409.94", "USD", 40994), (12.3, "EUR", 1230), ("1500", "JPY", 1500), (None, "USD", 0), ("0.005", "USD", 1)],
)
def test_amounts_become_minor_units(value: object, currency: str, minor: int) -> None:
    assert to_minor(value, currency, field="x") == minor


@pytest.mark.parametrize("bad", ["abc", "NaN", "1e999999"])
def test_bad_amounts_name_the_field(bad: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        to_minor(bad, "USD", field="total_tax")
    assert caught.value.field == "total_tax"


def test_carrier_tables_only_use_known_statuses_and_reasons() -> None:
    statuses, reasons = {s.value for s in ShipmentStatus}, {r.value for r in ExceptionReason}
    for table in (carrier_feeds.EASYPOST_STATUS, carrier_feeds.AFTERSHIP_TAG, shopify.SHIPMENT_STATUS):
        for mapped in table.values():
            assert mapped is None or (mapped[0] in statuses and (mapped[1] is None or mapped[1] in reasons))
    assert set(carrier_feeds.EASYPOST_DETAIL_REASON.values()) <= reasons
    assert set(carrier_feeds.AFTERSHIP_SUBTAG_REASON.values()) <= reasons
    # every exception reason is reachable from both carrier feeds
    assert set(carrier_feeds.AFTERSHIP_SUBTAG_REASON.values()) | {ExceptionReason.FAILED_ATTEMPT} == reasons


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [("in_transit", "arrived_at_facility", ("in_transit", None)), ("in_transit", "weather_delay", ("exception", "delay")),
     ("return_to_sender", "", ("exception", "returned_to_sender")), ("failure", "damaged", ("exception", "damaged")),
     ("pre_transit", "label_created", None), ("delivered", "arrived_at_destination", ("delivered", None))],
)  # fmt: skip
def test_easypost_mapping(status: str, detail: str, expected: object) -> None:
    assert carrier_feeds.easypost_map(status, detail) == expected


def test_aftership_attempt_and_exception_subtags() -> None:
    assert carrier_feeds.aftership_map("AttemptFail", "AttemptFail_001") == ("exception", "failed_attempt")
    assert carrier_feeds.aftership_map("Exception", "Exception_004") == ("exception", "customs")
    assert carrier_feeds.aftership_map("Exception", "Exception_999") == ("exception", "delay")
    assert carrier_feeds.aftership_map("InfoReceived", "InfoReceived_001") is None


def test_shopify_fixture_order_maps_to_place_order() -> None:
    order = json.loads((FIXTURES / "shopify-order.json").read_text())["order"]
    cmd = shopify.order_command(order)
    assert (cmd.email, cmd.name, cmd.channel, cmd.source_ref, cmd.number) == (
        "bob.norman@hostmail.com",
        "Bob Norman",
        "shopify",
        "450789469",
        "1001",
    )
    assert [(line.sku, line.quantity) for line in cmd.lines] == [
        ("IPOD2008GREEN", 1),
        ("IPOD2008RED", 1),
        ("IPOD2008BLACK", 1),
    ]
    assert (cmd.tax_minor, cmd.shipping_minor, cmd.discount_minor) == (1194, 0, 0)
    assert cmd.shipping_address.country == "US"
    assert cmd.shipping_address.region == "KY"
    assert cmd.payment_pending is False
    assert "custom engraving" in (cmd.note or "")
    assert cmd.placed_at is not None
    assert cmd.placed_at.isoformat() == "2008-01-10T16:00:00+00:00"


def test_shopify_fulfillment_event_statuses_map() -> None:
    event = json.loads((FIXTURES / "shopify-fulfillment-event.json").read_text())["fulfillment_event"]
    assert shopify.SHIPMENT_STATUS[event["status"]] is None  # label_printed says nothing about the parcel
    assert shopify.fulfillment_items(
        json.loads((FIXTURES / "shopify-fulfillment.json").read_text())["fulfillment"]
    ) == {"IPOD2008GREEN": 1}


def test_woocommerce_order_without_shipping_uses_billing() -> None:
    order = {"id": 5, "number": "5", "status": "on-hold", "currency": "EUR", "shipping_total": "4.50",
             "billing": {"first_name": "Ada", "last_name": "L", "address_1": "1 Rue", "city": "Paris", "postcode": "75001", "country": "FR", "email": "a@example.com"},
             "shipping": {"address_1": ""}, "line_items": [{"sku": "TEE-M", "quantity": 2}]}  # fmt: skip
    cmd = woocommerce.order_command(order)
    assert (cmd.number, cmd.currency, cmd.shipping_minor, cmd.payment_pending) == ("WC5", "EUR", 450, True)
    assert cmd.shipping_address.city == "Paris"


def test_line_without_sku_is_refused_with_its_index() -> None:
    with pytest.raises(ValidationFailed) as caught:
        woocommerce.order_command(
            {"id": 1, "billing": {"address_1": "x"}, "line_items": [{"sku": "A", "quantity": 1}, {"quantity": 1}]}
        )
    assert caught.value.field == "line_items[1].sku"
