"""The typed event constructors: one per event type, keyword-only, and each payload's keys fixed."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from core.domain.scans import CarrierScan
from core.events import orders, payments, products, returns, shipments, shop
from core.events.catalogue import EVENT_TYPES
from core.events.fact import Fact
from core.payments import StoreTransaction

ORDER = SimpleNamespace(
    id=1, number="SL1", total_minor=2599, currency="USD", locale="es-MX", hold_detail="fraud score 90 > 75"
)
PAYMENT = SimpleNamespace(id=2, order_id=1, amount_minor=2599, captured_minor=2599, reference="ref", currency="USD")
REFUND = SimpleNamespace(id=3, order_id=1, return_id=None, amount_minor=500, reason="goodwill", currency="USD")
REFUND_AT_PROCESSOR = SimpleNamespace(**vars(REFUND), reference="re_1", failure="Card expired")
PARCEL = SimpleNamespace(id=4, order_id=1, kind="outbound", carrier="ups", service="Ground", tracking_number="1Z9")
RET = SimpleNamespace(id=5, order_id=1, rma="RMA-ABCDEFGH", return_tracking_number="9202")
SCAN = CarrierScan(
    "1Z9", "exception", datetime(2026, 1, 2, tzinfo=UTC), "Hub", "Late", "delay", datetime(2026, 1, 5, tzinfo=UTC)
)
PARCEL_KEYS = {"carrier", "carrier_name", "service", "tracking_number", "kind"}
STOCK_KEYS = {"sku", "before", "after", "delta", "reason", "reference"}
SCAN_KEYS = PARCEL_KEYS | {"location", "message", "exception_reason", "exception_text", "next_step", "eta", "stale"}

# Each constructor with sample arguments, and the payload keys it must give.
CASES: dict[str, tuple[Callable[..., Fact], dict[str, Any], set[str]]] = {
    "order.placed": (
        orders.order_placed,
        {"order": ORDER, "carrier": "ups", "lines": [["TEE", 1]]},
        {"number", "total_text", "carrier", "lines", "locale"},
    ),
    "order.risk_scored": (
        orders.order_risk_scored,
        {"order_id": 1, "score": 45, "reasons": [{"code": "countries_differ", "points": 20, "text": "…"}]},
        {"score", "reasons"},
    ),
    "order.held": (
        orders.order_held,
        {"order": ORDER, "reasons": ["fraud_score"]},
        {"reason", "reasons", "detail", "reason_text", "customer_action"},
    ),
    "order.released": (orders.order_released, {"order_id": 1, "reason": "fraud_score"}, {"reason"}),
    "order.confirmed": (orders.order_confirmed, {"order": ORDER}, {"total_text"}),
    "order.processing": (orders.order_processing, {"order_id": 1}, set()),
    "order.cancelled": (
        orders.order_cancelled,
        {"order": ORDER, "reason": "asked", "message": None, "refunded_minor": 0},
        {"reason", "customer_message", "refunded_minor", "refunded_text"},
    ),
    "order.closed": (orders.order_closed, {"order_id": 1}, set()),
    "order.backordered": (orders.order_backordered, {"order_id": 1, "lines": [["TEE", 2]]}, {"lines", "lines_text"}),
    "order.backorder_filled": (
        orders.order_backorder_filled,
        {"order_id": 1, "lines": [["TEE", 2]]},
        {"lines", "lines_text"},
    ),
    "note.internal_added": (orders.note_internal_added, {"order_id": 1, "text": "hi"}, {"text"}),
    "note.customer_added": (orders.note_customer_added, {"order_id": 1, "text": "hi"}, {"text"}),
    "payment.authorized": (orders.payment_authorized, {"payment": PAYMENT}, {"amount_minor", "reference"}),
    "payment.captured": (orders.payment_captured, {"payment": PAYMENT}, {"amount_minor", "reference"}),
    "payment.voided": (orders.payment_voided, {"payment": PAYMENT, "reason": "asked"}, {"reference", "reason"}),
    "refund.issued": (
        orders.refund_issued,
        {"refund": REFUND, "message": "Sorry it was late.", "cancellation": False},
        {"refund_id", "amount_minor", "reason", "customer_message", "cause", "amount_text"},
    ),
    "subscription.created": (
        orders.subscription_created,
        {"order_id": 1, "channel": "email", "scope": "all", "subscription_id": 9, "shipment_id": 4},
        {"channel", "scope", "subscription_id", "shipment_id"},
    ),
    "subscription.confirmed": (
        orders.subscription_confirmed,
        {"order_id": 1, "channel": "sms", "subscription_id": 9, "via": "sms"},
        {"channel", "subscription_id", "via"},
    ),
    "subscription.ended": (
        orders.subscription_ended,
        {"order_id": 1, "channel": "email", "address": "a@b.c"},
        {"channel", "address"},
    ),
    "stock.reorder_needed": (
        orders.stock_reorder_needed,
        {"variant_id": 7, "sku": "TEE", "available": 2, "reorder_point": 5},
        {"sku", "available", "reorder_point"},
    ),
    "stock.restocked": (
        orders.stock_restocked,
        {"order_id": 1, "return_id": 5, "variant_id": 7, "sku": "TEE", "quantity": 1, "rma": "RMA-1"},
        {"sku", "quantity", "rma"},
    ),
    "settings.changed": (shop.settings_changed, {"changes": {"shop_name": ["A", "B"]}}, {"changes", "keys"}),
    "product.created": (
        products.product_created,
        {"handle": "tee", "title": "Tee", "skus": ["TEE-M"]},
        {"handle", "title", "skus"},
    ),
    "product.updated": (
        products.product_updated,
        {"handle": "tee", "title": "Tee", "changed": ["TEE-M.price_minor"]},
        {"handle", "title", "changed"},
    ),
    "stock.received": (
        products.stock_received,
        {"variant_id": 7, "sku": "TEE", "before": 1, "after": 5, "reference": "PO-1"},
        STOCK_KEYS,
    ),
    "stock.adjusted": (
        products.stock_adjusted,
        {"variant_id": 7, "sku": "TEE", "before": 5, "after": 4, "reason": "damaged", "reference": None},
        STOCK_KEYS,
    ),
    "stock.set": (
        products.stock_set,
        {"variant_id": 7, "sku": "TEE", "before": 0, "after": 9, "reason": "import", "reference": "f.csv"},
        STOCK_KEYS,
    ),
    "stock.digest_sent": (
        products.stock_digest_sent,
        {"day": "2026-12-05", "lines": [{"sku": "TEE", "available": 1}], "recipients": 2},
        {"day", "skus", "count", "recipients", "lines"},
    ),
    "shipment.created": (shipments.shipment_created, {"shipment": PARCEL}, PARCEL_KEYS),
    "shipment.shipped": (shipments.shipment_shipped, {"shipment": PARCEL, "items": [[1, 2]]}, PARCEL_KEYS | {"items"}),
    "exchange.shipped": (shipments.exchange_shipped, {"shipment": PARCEL, "items": [[1, 2]]}, PARCEL_KEYS | {"items"}),
    "shipment.cancelled": (shipments.shipment_cancelled, {"shipment": PARCEL}, set()),
    **{
        code: (maker, {"shipment": PARCEL, "scan": SCAN, "stale": False}, SCAN_KEYS)
        for code, maker in shipments.SCANNED.items()
    },
    "return.requested": (
        returns.return_requested,
        {"ret": RET, "lines": [[1, 1, "too_small", "refund"]]},
        {"rma", "lines"},
    ),
    "return.approved": (returns.return_approved, {"ret": RET}, {"rma"}),
    "return.rejected": (returns.return_rejected, {"ret": RET, "reason": "worn"}, {"rma", "reason"}),
    "return.cancelled": (returns.return_cancelled, {"ret": RET, "reason": "changed mind"}, {"rma", "reason"}),
    "return.in_transit": (returns.return_in_transit, {"ret": RET}, {"rma", "tracking_number"}),
    "return.received": (returns.return_received, {"ret": RET, "restocked": ["TEE"]}, {"rma", "restocked"}),
    "return.refunded": (
        returns.return_refunded,
        {"ret": RET, "amount": 900, "fee": 100, "due": 900, "currency": "USD"},
        {"rma", "refund_minor", "restocking_fee_minor", "amount_text"},
    ),
    "return.exchanged": (
        returns.return_exchanged,
        {"ret": RET, "amount": 0, "fee": 0, "due": 0, "currency": "USD", "shipment_id": 4, "items": [["TEE-L", 1]]},
        {"rma", "refund_minor", "restocking_fee_minor", "amount_text", "shipment_id", "items"},
    ),
    "return.closed": (returns.return_closed, {"ret": RET}, {"rma"}),
    "payment.failed": (
        payments.payment_failed,
        {"payment": PAYMENT, "reason": "card_declined", "message": "Declined"},
        {"reference", "reason_code", "message"},
    ),
    "payment.expired": (
        payments.payment_expired,
        {"payment": PAYMENT, "reason": "payment_intent_unexpected_state", "message": "Canceled"},
        {"reference", "reason_code", "message"},
    ),
    "payment.disputed": (
        payments.payment_disputed,
        {"payment": PAYMENT, "amount_minor": 2599, "reason": "fraudulent", "dispute": "dp_1", "key": None},
        {"reference", "dispute", "amount_minor", "amount_text", "reason_code"},
    ),
    "payment.store_transaction": (
        payments.store_transaction,
        {
            "order_id": 1,
            "payment": PAYMENT,
            "found": StoreTransaction("shopify", "7", "capture", "success", 2599),
            "currency": "USD",
        },
        {
            "store",
            "transaction_id",
            "kind",
            "status",
            "amount_minor",
            "amount_text",
            "gateway",
            "parent_id",
            "reference",
        },
    ),
    "refund.pending": (
        payments.refund_pending,
        {"refund": REFUND_AT_PROCESSOR, "message": None, "cancellation": False},
        {"refund_id", "reference", "amount_minor", "amount_text", "customer_message", "cancellation"},
    ),
    "refund.failed": (
        payments.refund_failed,
        {"refund": REFUND_AT_PROCESSOR, "reason": "expired_or_canceled_card"},
        {"refund_id", "reference", "amount_minor", "amount_text", "failure", "reason_code"},
    ),
}


def _constructors() -> list[Callable[..., Fact]]:
    found = []
    for module in (orders, products, returns, shipments, payments, shop):
        found += [
            f
            for name, f in vars(module).items()
            if inspect.isfunction(f) and f.__module__ == module.__name__ and name[0] != "_" and name != "parcel"
        ]
    return found


def test_every_event_type_has_a_constructor_and_every_constructor_a_type() -> None:
    assert set(CASES) == set(EVENT_TYPES)
    made = {CASES[code][0] for code in CASES}
    assert made == set(_constructors())


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_constructor_makes_its_type_with_exactly_its_keys(code: str) -> None:
    maker, given, keys = CASES[code]
    fact = maker(**given)
    assert fact.code == code
    assert set(fact.payload) == keys


@pytest.mark.parametrize("code", sorted(CASES))
def test_constructors_take_keywords_only_and_refuse_a_key_that_does_not_fit(code: str) -> None:
    maker, given, _ = CASES[code]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in inspect.signature(maker).parameters.values())
    with pytest.raises(TypeError):
        maker(**given, colour="teal")
    with pytest.raises(TypeError):
        maker(*given.values())


def test_facts_name_the_aggregates_they_are_about() -> None:
    assert orders.payment_captured(payment=PAYMENT).payment_id == 2
    assert shipments.shipment_created(shipment=PARCEL).shipment_id == 4
    assert returns.return_approved(ret=RET).return_id == 5
    assert orders.stock_reorder_needed(variant_id=7, sku="T", available=0, reorder_point=1).order_id is None
    assert orders.order_placed(order=ORDER, carrier="ups", lines=[], key="order.placed:shopify:1").key is not None


def test_a_resumed_confirmation_says_so_and_a_partial_return_refund_names_what_was_due() -> None:
    assert orders.order_confirmed(order=ORDER, resumed=True).payload == {"resumed": True}
    partial = returns.return_refunded(ret=RET, amount=400, fee=0, due=900, currency="USD").payload
    assert partial["refund_due_minor"] == 900
