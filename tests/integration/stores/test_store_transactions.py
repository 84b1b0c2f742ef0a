"""Shopify's ``order_transactions/create``: a transaction made in Shopify is recorded on the order's payment,
once per transaction id, as an event; a sale on an order waiting for its money marks it paid; a kind Shiplog
does not record is acknowledged and ignored with a log line."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import select

from core import replay
from core.models import Event, Order, Payment, Refund
from core.shop import Shop
from tests.integration.stores import payloads
from tests.integration.stores.conftest import post, the_order


def _transactions(shop: Shop) -> list[Event]:
    with shop.db.read() as session:
        return list(session.scalars(select(Event).where(Event.type == "payment.store_transaction")))


def _payments(shop: Shop) -> list[Payment]:
    with shop.db.read() as session:
        return list(session.scalars(select(Payment)))


def test_a_sale_made_later_in_shopify_pays_the_pending_order_and_is_recorded_once(
    shop: Shop, skus: dict[str, int], store_app: Flask
) -> None:
    pending = payloads.shopify_order(financial_status="pending")
    post(store_app, "shopify", pending, payloads.shopify_headers("orders/create", "t0"))
    assert the_order(shop, "shopify").hold_reason == "payment_pending"
    sale = payloads.shopify_transaction(7100, "sale", "72.88")

    first = post(store_app, "shopify", sale, payloads.shopify_headers("order_transactions/create", "t1"))
    again = post(store_app, "shopify", sale, payloads.shopify_headers("order_transactions/create", "t2"))

    assert (first["status"], again["status"]) == ("processed", "ignored")
    order = the_order(shop, "shopify")
    assert order.status != "on_hold"
    [payment] = _payments(shop)
    assert (payment.method, payment.reference, payment.captured_minor) == ("external", "shopify:5600000001042", 7288)
    assert payment.store_transactions == "7100"
    [event] = _transactions(shop)
    assert (event.payment_id, event.idempotency_key, event.visibility) == (
        payment.id, "shopify:transaction:7100", "internal"
    )  # fmt: skip
    assert event.payload | {"amount_text": ""} == {
        "store": "shopify", "transaction_id": "7100", "kind": "sale", "status": "success", "amount_minor": 7288,
        "amount_text": "", "gateway": "shopify_payments", "parent_id": "", "reference": "shopify:5600000001042",
    }  # fmt: skip
    assert event.occurred_at.isoformat() == "2026-12-02T10:00:00+00:00"
    with shop.db.read() as session:
        assert replay.differences(session) == []


def test_a_capture_and_a_refund_transaction_are_recorded_on_the_paid_order_without_moving_money(
    shop: Shop, shopify_placed: Order, store_app: Flask
) -> None:
    capture = payloads.shopify_transaction(7200, "capture", "72.88", parent_id=7199)
    refund = payloads.shopify_transaction(7300, "refund", "10.00", parent_id=7200)

    post(store_app, "shopify", capture, payloads.shopify_headers("order_transactions/create", "c1"))
    post(store_app, "shopify", refund, payloads.shopify_headers("order_transactions/create", "r1"))

    assert [(e.payload["kind"], e.payload["amount_minor"], e.payload["parent_id"]) for e in _transactions(shop)] == [
        ("capture", 7288, "7199"), ("refund", 1000, "7200")
    ]  # fmt: skip
    [payment] = _payments(shop)
    assert (payment.store_transactions, payment.refunded_minor) == ("7200,7300", 0)
    with shop.db.read() as session:  # the money of a refund is recorded from refunds/create, matched there
        assert list(session.scalars(select(Refund))) == []


def test_an_unknown_kind_is_acknowledged_ignored_and_logged(
    shop: Shop, shopify_placed: Order, store_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    odd = payloads.shopify_transaction(7400, "change", "1.00")

    with caplog.at_level(logging.INFO, logger="shiplog.webhooks"):
        answer = post(store_app, "shopify", odd, payloads.shopify_headers("order_transactions/create", "u1"))

    assert answer["status"] == "ignored"
    assert _transactions(shop) == []
    assert "Shopify transaction 7400 (kind 'change') on order 1042 ignored" in caplog.text


def test_a_transaction_in_another_currency_fails_saying_so(shop: Shop, shopify_placed: Order, store_app: Flask) -> None:
    odd = payloads.shopify_transaction(7500, "capture", "72.88", currency="USD")

    answer = post(store_app, "shopify", odd, payloads.shopify_headers("order_transactions/create", "x1"))

    assert answer["status"] == "failed"
    assert _transactions(shop) == []
