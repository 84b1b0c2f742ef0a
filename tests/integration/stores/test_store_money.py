"""Store orders keep the store's money, and refunds made in Shiplog are made in the store, once, confirmed.

Every call goes to a real local peer (``peers``) that checks it against the platform's documented shape
and authentication; the store's webhooks are signed as the stores sign them.
"""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import select

from core import replay
from core.models import Event, Order, OutboxMessage, Refund, WebhookDelivery
from core.shop import Shop
from tests.integration.stores import payloads
from tests.integration.stores.conftest import (
    crashed_before_recording,
    deliver,
    due_now,
    post,
    refund_here,
    store_rows,
    the_order,
)
from tests.integration.stores.money_peers import Peer


def _refund(shop: Shop) -> Refund:
    with shop.db.read() as session:
        return session.scalars(select(Refund).order_by(Refund.id.desc())).first()  # type: ignore[return-value]


def _events(shop: Shop, code: str) -> list[Event]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event).where(Event.type == code)))


def _consistent(shop: Shop) -> None:
    with shop.db.read() as session:
        assert replay.differences(session) == []


def test_a_signed_shopify_order_keeps_the_stores_exact_money(
    shop: Shop, skus: dict[str, int], store_app: Flask
) -> None:
    assert (
        post(store_app, "shopify", payloads.shopify_order(), payloads.shopify_headers("orders/create", "c1"))["status"]
        == "processed"
    )

    order = the_order(shop, "shopify")
    tee, mug = order.lines
    assert (tee.sku, tee.unit_price_minor, tee.quantity, tee.discount_minor, tee.tax_minor) == (
        "TEE-M",
        2499,
        2,
        500,
        360,
    )
    assert (mug.sku, mug.unit_price_minor, mug.discount_minor, mug.tax_minor) == ("MUG-1", 1750, 0, 140)
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor, order.tax_minor) == (6748, 500, 500, 540)
    assert order.total_minor == 7288  # Shopify's total_price, to the cent
    assert (order.currency, order.number, order.store_name, order.source_ref) == (
        "EUR",
        "1042",
        "#1042",
        "5600000001042",
    )
    assert order.locale == "de"
    assert order.tax_lines == [{"title": "MwSt", "rate": "0.08", "amount_minor": 540}]
    [payment] = order.payments
    assert (payment.method, payment.gateway, payment.reference) == ("external", "shopify", "shopify:5600000001042")
    assert (payment.status, payment.captured_minor) == ("captured", 7288)
    assert shop.gateway.calls == []  # type: ignore[attr-defined]  # paid in Shopify: never charged here
    _consistent(shop)


def test_an_order_whose_total_differs_from_the_stores_is_refused_with_the_reason(
    shop: Shop, skus: dict[str, int], store_app: Flask
) -> None:
    answer = post(
        store_app,
        "shopify",
        payloads.shopify_order(total_price="80.00"),
        payloads.shopify_headers("orders/create", "c2"),
    )

    assert answer["status"] == "failed"
    with shop.db.read() as session:
        [delivery] = session.scalars(select(WebhookDelivery)).all()
    assert "72.88 here but" in (delivery.error or "")
    assert "80.00 in the store" in (delivery.error or "")


def test_a_woocommerce_order_keeps_the_stores_exact_money(shop: Shop, skus: dict[str, int], store_app: Flask) -> None:
    post(store_app, "woocommerce", payloads.woo_order(), payloads.woo_headers("order.created", "w1"))

    order = the_order(shop, "woocommerce")
    [line] = order.lines
    assert (line.unit_price_minor, line.quantity, line.discount_minor, line.tax_minor) == (2500, 3, 750, 540)
    assert (order.shipping_minor, order.tax_minor, order.total_minor) == (490, 579, 7819)
    assert (order.store_name, order.locale) == ("#727", "es")
    assert order.tax_lines == [{"title": "Tax", "rate": "8", "amount_minor": 579}]
    [payment] = order.payments
    assert (payment.method, payment.gateway, payment.store_transactions) == ("external", "woocommerce", "ch_3Q123")
    assert shop.gateway.calls == []  # type: ignore[attr-defined]


def test_a_woocommerce_order_with_fee_lines_keeps_the_stores_exact_total(
    shop: Shop, skus: dict[str, int], store_app: Flask
) -> None:
    """Gift wrap 3.00 (+0.24 tax) charged, a loyalty fee of -5.00 (-0.40 tax) given off: WooCommerce's total is
    67.50 + 4.90 shipping + 3.00 - 5.00 + 5.63 tax = 76.03."""
    fees = [
        {"id": 401, "name": "Gift wrap", "tax_class": "", "tax_status": "taxable", "total": "3.00", "total_tax": "0.24"},
        {"id": 402, "name": "Loyalty discount", "tax_class": "", "tax_status": "taxable", "total": "-5.00",
         "total_tax": "-0.40"},
    ]  # fmt: skip
    taxes = [{"id": 1, "rate_code": "US-VA-TAX-1", "label": "Tax", "rate_percent": 8, "tax_total": "5.24",
              "shipping_tax_total": "0.39"}]  # fmt: skip
    body = payloads.woo_order(fee_lines=fees, total_tax="5.63", total="76.03", tax_lines=taxes)

    answer = post(store_app, "woocommerce", body, payloads.woo_headers("order.created", "fee1"))

    assert answer["status"] == "processed", answer
    order = the_order(shop, "woocommerce")
    assert order.total_minor == 7603
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor, order.tax_minor) == (
        7500,
        750 + 500,
        490 + 300,
        563,
    )
    assert order.tax_lines == [{"title": "Tax", "rate": "8", "amount_minor": 563}]
    [payment] = order.payments
    assert payment.amount_minor == 7603


def test_a_woocommerce_fee_line_that_does_not_add_up_is_refused_naming_both_totals(
    shop: Shop, skus: dict[str, int], store_app: Flask
) -> None:
    fees = [{"id": 401, "name": "Gift wrap", "total": "3.00", "total_tax": "0.00"}]
    body = payloads.woo_order(fee_lines=fees)  # WooCommerce's total left at 78.19: 3.00 short

    answer = post(store_app, "woocommerce", body, payloads.woo_headers("order.created", "fee2"))

    assert answer["status"] == "failed"
    with shop.db.read() as session:
        error = session.scalars(select(WebhookDelivery.error)).one()
    assert "comes to $81.19 here but $78.19 in the store" in (error or "")


def test_a_partial_refund_reaches_shopify_once_through_retries_and_is_done_only_when_confirmed(
    shop: Shop, shopify_placed: Order, store_app: Flask, shopify: Peer
) -> None:
    made = refund_here(shop, shopify_placed, 1000, "scratched mug")
    assert (made.status, made.reference) == ("pending", "shiplog:refund:shopify:5600000001042:1:1000")
    assert _events(shop, "refund.issued") == []  # not done, not told to the customer
    shopify.state.fail_next = 1  # Shopify answers 500 first

    deliver(store_app)
    [row] = store_rows(shop)
    assert (row.status, row.attempts, row.recipient, row.template) == ("pending", 1, "shopify", "refund")
    assert "HTTP 500" in (row.last_error or "")
    assert _refund(shop).status == "pending"

    due_now(shop)  # the second try: Shopify makes the refund, but its answer never arrives
    shopify.state.lose_next, shopify.state.stall_seconds = 1, 1.0
    deliver(store_app)
    assert (store_rows(shop)[0].status, _refund(shop).status) == ("pending", "pending")  # not done until confirmed
    assert list(shopify.state.made) == [made.reference]

    time.sleep(1.0)
    due_now(shop)  # the third: the same key, so Shopify answers with the refund it made
    deliver(store_app)
    refund = _refund(shop)
    assert (refund.status, refund.store_ref) == ("succeeded", "gid://shopify/Refund/800")
    assert (store_rows(shop)[0].status, store_rows(shop)[0].attempts) == ("sent", 3)

    crashed_before_recording(shop, row.id)  # a worker re-runs the call after it was confirmed here
    deliver(store_app)

    assert list(shopify.state.made) == [made.reference]  # one refund in Shopify, whatever the tries
    creates = [r for r in shopify.state.requests if "refundCreate" in r["query"]]
    assert len(creates) == 2  # the lost answer and the retry; the re-run after confirmation asks nothing
    assert all(r["variables"]["key"] == made.reference for r in creates)
    given = creates[0]["variables"]["input"]
    assert given["orderId"] == "gid://shopify/Order/5600000001042"
    assert given["transactions"] == [
        {"orderId": "gid://shopify/Order/5600000001042", "parentId": "gid://shopify/OrderTransaction/9001",
         "gateway": "shopify_payments", "kind": "REFUND", "amount": "10.00"}
    ]  # fmt: skip
    assert made.reference in given["note"]
    assert shopify.state.problems == []
    [issued] = _events(shop, "refund.issued")
    assert issued.payload["refund_id"] == made.id
    assert (issued.actor_type, issued.actor_id) == ("staff", "test-manager")  # the money log names who asked
    with shop.db.read() as session:  # the customer hears of it once, now that it is done
        told = session.scalars(select(OutboxMessage).where(OutboxMessage.event_id == issued.id)).all()
    assert [m.channel for m in told] == ["email"]
    assert shop.gateway.calls == []  # type: ignore[attr-defined]
    _consistent(shop)


def test_a_refund_shopify_refuses_fails_for_staff_and_is_refundable_again(
    shop: Shop, shopify_placed: Order, store_app: Flask, shopify: Peer
) -> None:
    refund_here(shop, shopify_placed, 1000)
    shopify.state.refuse = True

    deliver(store_app)

    refund = _refund(shop)
    assert refund.status == "failed"
    assert "Amount cannot exceed the refundable amount" in (refund.failure or "")
    assert store_rows(shop)[0].status == "dead"
    assert the_order(shop, "shopify").payments[0].refunded_minor == 0
    [failed] = _events(shop, "refund.failed")
    assert failed.visibility == "internal"
    _consistent(shop)


def test_a_shopify_that_times_out_is_asked_again(
    shop: Shop, shopify_placed: Order, store_app: Flask, shopify: Peer
) -> None:
    refund_here(shop, shopify_placed, 500, "late")
    shopify.state.stall_next, shopify.state.stall_seconds = 1, 1.0

    deliver(store_app)
    assert (store_rows(shop)[0].status, _refund(shop).status) == ("pending", "pending")
    assert "did not answer" in (store_rows(shop)[0].last_error or "")

    due_now(shop)
    deliver(store_app)
    assert _refund(shop).status == "succeeded"
