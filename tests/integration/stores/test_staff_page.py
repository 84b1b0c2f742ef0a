"""A refund made on the staff page of a store's order shows as pending until the store confirms it,
then as done; a refusal shows what the store said."""

from __future__ import annotations

from flask import Flask

from core.models import Order
from core.shop import Shop
from tests.integration.staff.conftest import acting, sign_in
from tests.integration.stores.conftest import deliver
from tests.integration.stores.money_peers import Peer


def _page(client, number: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join(client.get(f"/staff/orders/{number}").get_data(as_text=True).split())


def test_the_staff_page_shows_a_store_refund_pending_then_done(
    shop: Shop, shopify_placed: Order, store_app: Flask, shopify: Peer
) -> None:
    client = sign_in(store_app.test_client(), shop, "manager")

    refunded = acting(client)(
        "1042", "refund", {"amount": "10.00", "reason": "scratched mug", "message": "", "confirm": "yes"}
    )
    assert refunded.status_code in (200, 303), " ".join(refunded.get_data(as_text=True).split())[-3000:]

    page = _page(client, "1042")
    assert "Paid in Shopify" in page
    assert "pending: waiting for the store to confirm" in page
    assert "Refund asked of Shopify: waiting to be sent" in page

    deliver(store_app)

    page = _page(client, "1042")
    assert "pending: waiting for the store to confirm" not in page
    assert "gid://shopify/Refund/800" in page
    assert "Refund asked of Shopify: confirmed by the store after 1 try" in page


def test_the_staff_page_says_why_the_store_refused(
    shop: Shop, shopify_placed: Order, store_app: Flask, shopify: Peer
) -> None:
    client = sign_in(store_app.test_client(), shop, "manager")
    acting(client)("1042", "refund", {"amount": "10.00", "reason": "goodwill", "message": "", "confirm": "yes"})
    shopify.state.refuse = True

    deliver(store_app)

    page = _page(client, "1042")
    assert "failed" in page
    assert (
        "refused by the store</strong>: Shopify refused the refund: Amount cannot exceed the refundable amount" in page
    )
    assert "Refund asked of Shopify: stopped after 1 try" in page
