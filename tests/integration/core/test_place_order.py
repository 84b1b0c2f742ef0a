"""Order capture: confirmed, held for each reason, or refused with nothing written."""

from __future__ import annotations

import pytest

from core.domain.commands import AddressInput, LineInput
from core.errors import DuplicateEvent, OutOfStock, PaymentDeclined, ValidationFailed
from core.payments import DECLINED_CARD, INSUFFICIENT_FUNDS_CARD
from core.shop import Shop
from tests import factories
from tests.integration.core import support


def test_a_clean_order_is_confirmed_paid_and_reserved(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop)

    stored = support.order(shop, order.id)
    assert stored.status == "confirmed"
    assert (stored.subtotal_minor, stored.shipping_minor, stored.total_minor) == (6800, 500, 7300)
    assert [(ln.sku, ln.quantity, ln.unit_price_minor, ln.final_sale) for ln in stored.lines] == [
        ("TEE-M", 2, 2500, False),
        ("MUG-1", 1, 1800, True),
    ]
    assert {a.kind for a in stored.addresses} == {"shipping", "billing"}
    pay = support.payment(shop, order.id)
    assert (pay.status, pay.amount_minor, pay.captured_minor, pay.card_last4) == ("captured", 7300, 7300, "4242")
    assert support.stock(shop, "TEE-M") == (50, 2)
    assert support.stock(shop, "MUG-1") == (50, 1)
    assert support.types(shop, order.id) == [
        "order.placed",
        "payment.authorized",
        "payment.captured",
        "order.confirmed",
    ]
    assert support.outbox_templates(shop, order.id) == [("order_confirmed", "email"), ("order_confirmed", "sms")]
    assert [call[0] for call in shop.gateway.calls] == ["authorize", "capture"]


HOLDS = [
    ({"carrier": "ups", "shipping_address": factories.PO_BOX}, "po_box", "UPS does not deliver to PO boxes"),
    ({"carrier": "FedEx", "shipping_address": factories.PO_BOX}, "po_box", "FEDEX does not deliver to PO boxes"),
    ({"fraud_score": 76}, "fraud_score", "fraud score 76 > 75"),
    ({"note": "Please engrave 'Ada'"}, "customisation", "note: Please engrave 'Ada'"),
    ({"payment_pending": True}, "payment_pending", "the store has not confirmed payment"),
]


@pytest.mark.parametrize(("overrides", "reason", "detail"), HOLDS, ids=[h[1] + str(i) for i, h in enumerate(HOLDS)])
def test_each_hold_reason_puts_the_order_on_hold_for_staff(
    shop: Shop, catalog: dict[str, int], overrides: dict[str, object], reason: str, detail: str
) -> None:
    order = factories.place(shop, **overrides)

    stored = support.order(shop, order.id)
    assert (stored.status, stored.hold_reason, stored.hold_detail) == ("on_hold", reason, detail)
    held = support.events(shop, order.id, type="order.held")
    assert len(held) == 1
    assert held[0].visibility == "internal"
    assert held[0].payload["reason"] == reason
    assert held[0].payload["transitions"] == {"order": ["placed", "on_hold"]}
    assert "order.confirmed" not in support.types(shop, order.id)
    assert support.stock(shop, "TEE-M") == (50, 2), "a held order still holds its stock"
    if reason != "payment_pending":
        assert support.payment(shop, order.id).status == "authorized"


def test_po_box_with_a_carrier_that_accepts_them_is_not_held(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop, carrier="usps", shipping_address=factories.PO_BOX)
    assert support.order(shop, order.id).status == "confirmed"


def test_several_reasons_are_all_recorded(shop: Shop, catalog: dict[str, int]) -> None:
    order = factories.place(shop, carrier="ups", shipping_address=factories.PO_BOX, fraud_score=99)
    stored = support.order(shop, order.id)
    assert stored.hold_reason == "po_box"
    assert stored.hold_detail == "UPS does not deliver to PO boxes; fraud score 99 > 75"
    assert support.events(shop, order.id, type="order.held")[0].payload["reasons"] == ["po_box", "fraud_score"]


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (DECLINED_CARD, "Your card was declined. Please use another card."),
        ("4000 0000 0000 9995", "Your card has insufficient funds."),
        (INSUFFICIENT_FUNDS_CARD, "Your card has insufficient funds."),
    ],
)
def test_a_declined_card_writes_nothing(shop: Shop, catalog: dict[str, int], card: str, message: str) -> None:
    before = support.row_counts(shop)
    with pytest.raises(PaymentDeclined) as refused:
        factories.place(shop, card=card)
    assert (str(refused.value), refused.value.field) == (message, "card")
    assert support.row_counts(shop) == before
    assert support.stock(shop, "TEE-M") == (50, 0)
    assert shop.gateway.calls == []


REFUSALS = [
    ([LineInput("NOPE-1", 1)], ValidationFailed, "Unknown SKU 'NOPE-1'."),
    ([LineInput("TEE-M", 0)], ValidationFailed, "Quantity for TEE-M must be at least 1."),
    ([LineInput("TEE-M", -2)], ValidationFailed, "Quantity for TEE-M must be at least 1."),
    ([LineInput("TEE-M", 1, unit_price_minor=100)], ValidationFailed, "TEE-M costs $25.00, but $1.00 was sent."),
]


@pytest.mark.parametrize(("lines", "error", "message"), REFUSALS, ids=["sku", "zero", "negative", "price"])
def test_invalid_lines_are_refused_before_payment_and_write_nothing(
    shop: Shop, catalog: dict[str, int], lines: list[LineInput], error: type[Exception], message: str
) -> None:
    before = support.row_counts(shop)
    with pytest.raises(error) as refused:
        factories.place(shop, lines=lines)
    assert str(refused.value) == message
    assert support.row_counts(shop) == before
    assert shop.gateway.calls == [], "no authorisation is taken for an order that fails validation"


def test_not_enough_stock_writes_nothing_and_voids_the_authorisation(shop: Shop, catalog: dict[str, int]) -> None:
    before = support.row_counts(shop)
    with pytest.raises(OutOfStock) as refused:
        factories.place(shop, lines=[LineInput("TEE-S", 2), LineInput("TEE-M", 51)])
    assert str(refused.value) == "Only 50 of TEE-M left in stock; 51 requested."
    assert support.row_counts(shop) == before
    assert support.stock(shop, "TEE-S") == (50, 0), "the first line's reservation was rolled back"
    assert support.stock(shop, "TEE-M") == (50, 0)
    (_, reference, _), (void, voided, _) = shop.gateway.calls
    assert (void, voided) == ("void", reference)


def test_bad_email_and_address_are_refused(shop: Shop, catalog: dict[str, int]) -> None:
    before = support.row_counts(shop)
    with pytest.raises(ValidationFailed) as refused:
        factories.place(shop, email="ada at example")
    assert refused.value.field == "email"
    with pytest.raises(ValidationFailed) as too_long:
        factories.place(shop, shipping_address=AddressInput("Ada", "1 Way", "Town", "1" * 21, "US"))
    assert too_long.value.field == "shipping_address.postal_code"
    with pytest.raises(ValidationFailed, match="cannot be negative"):
        factories.place(shop, shipping_minor=-5)
    assert support.row_counts(shop) == before
    assert shop.gateway.calls == []


def test_the_same_store_order_twice_is_a_duplicate_and_voids_the_second_authorisation(
    shop: Shop, catalog: dict[str, int]
) -> None:
    first = factories.place(shop, channel="shopify", source_ref="5001")
    before = support.row_counts(shop)
    with pytest.raises(DuplicateEvent):
        factories.place(shop, channel="shopify", source_ref="5001")
    assert support.row_counts(shop) == before
    assert shop.gateway.calls[-1][0] == "void"
    assert support.order(shop, first.id).status == "confirmed"


def test_a_taken_order_number_is_refused(shop: Shop, catalog: dict[str, int]) -> None:
    factories.place(shop, number="SL-1001")
    with pytest.raises(ValidationFailed) as refused:
        factories.place(shop, number="SL-1001")
    assert (str(refused.value), refused.value.field) == ("Order number SL-1001 is already used.", "number")


def test_a_returning_customer_is_found_not_duplicated(shop: Shop, catalog: dict[str, int]) -> None:
    first = factories.place(shop, email="Ada@Example.com")
    second = factories.place(shop, email="ada@example.com")
    assert first.customer_id == second.customer_id
    assert support.row_counts(shop)["customers"] == 1


def test_reservation_crossing_the_reorder_point_records_one_reorder_event(shop: Shop, catalog: dict[str, int]) -> None:
    factories.place(shop, lines=[LineInput("TEE-L", 45)])  # 5 left: at the reorder point, not below
    assert support.types(shop, type="stock.reorder_needed") == []
    factories.place(shop, lines=[LineInput("TEE-L", 1)])  # 4 left: crossed below
    factories.place(shop, lines=[LineInput("TEE-L", 1)])  # 3 left: already below, no repeat
    reorder = support.events(shop, type="stock.reorder_needed")
    assert len(reorder) == 1
    assert reorder[0].variant_id == catalog["TEE-L"]
    assert reorder[0].payload == {"sku": "TEE-L", "available": 4, "reorder_point": 5}
    assert reorder[0].visibility == "internal"
