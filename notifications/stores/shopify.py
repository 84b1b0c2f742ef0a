"""Shopify through its Admin GraphQL API: ``refundCreate`` and ``orderCancel``.

Every request is ``POST {admin}/admin/api/{version}/graphql.json`` with the app's
``X-Shopify-Access-Token``. A refund carries Shiplog's reference as its ``@idempotent`` key
(Shopify returns the first refund for a repeated key instead of making a second; the directive is
accepted from API version 2026-01 and required from 2026-04), and in its note, where a refund
reported back by the ``refunds/create`` webhook is matched by it. Its parent transaction (the sale
or capture it gives money back from) is read from the order first: the order webhooks carry none.
``orderCancel`` has no idempotency key: a retry first reads the order's ``cancelledAt`` and only
asks again if it is still open.
"""

from __future__ import annotations

from typing import Any

import requests

from core.money import decimal_text
from notifications.stores.calls import Answer, Call, Later, RefundAsk, Refused, answered, later, refused

TRANSACTIONS = """query OrderTransactions($id: ID!) {
  order(id: $id) { transactions(first: 50) { id kind status gateway } }
}"""
CANCELLED_AT = """query OrderCancelledAt($id: ID!) { order(id: $id) { id cancelledAt } }"""
REFUND_CREATE = """mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id }
    userErrors { field message }
  }
}"""
ORDER_CANCEL = """mutation OrderCancel($orderId: ID!, $refund: Boolean!, $restock: Boolean!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: STAFF, refund: $refund, restock: $restock, notifyCustomer: false,
              staffNote: $staffNote) {
    job { id }
    orderCancelUserErrors { field message code }
  }
}"""


def gid(kind: str, raw: str) -> str:
    return raw if raw.startswith("gid://") else f"gid://shopify/{kind}/{raw}"


class ShopifyAdmin:
    name = "shopify"

    def __init__(self, admin_url: str, token: str, version: str, timeout: float = 10.0) -> None:
        self.url = f"{admin_url.rstrip('/')}/admin/api/{version}/graphql.json"
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers.update({"X-Shopify-Access-Token": token, "Content-Type": "application/json"})

    def _post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        payload = {"query": query, "variables": variables}
        body = answered("Shopify", lambda: self.http.post(self.url, json=payload, timeout=self.timeout))
        for error in body.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            raise (Later if code in {"THROTTLED", "INTERNAL_SERVER_ERROR"} else Refused)(
                f"Shopify: {error.get('message')}"
            )
        return dict(body.get("data") or {})

    def call(self, call: Call) -> Answer:
        try:
            if call.kind == "cancel":
                return self._cancel(call)
            return Answer(True, {ask.refund_id: self._refund(call, ask) for ask in call.refunds})
        except Refused as error:
            return refused(str(error))
        except Later as error:
            return later(str(error))

    def _parent(self, order_gid: str) -> dict[str, Any]:
        order = self._post(TRANSACTIONS, {"id": order_gid}).get("order") or {}
        paid = [
            t
            for t in order.get("transactions") or []
            if t.get("kind") in {"SALE", "CAPTURE"} and t.get("status") == "SUCCESS"
        ]
        if not paid:
            raise Refused("Shopify has no successful payment on this order to refund.")
        return dict(paid[-1])

    def _refund(self, call: Call, ask: RefundAsk) -> str:
        order_gid = gid("Order", call.store_order_id)
        parent = self._parent(order_gid)
        transaction = {
            "orderId": order_gid, "parentId": parent["id"], "gateway": parent.get("gateway") or "manual",
            "kind": "REFUND", "amount": decimal_text(ask.amount_minor, call.currency),
        }  # fmt: skip
        variables = {
            "key": ask.reference,
            "input": {"orderId": order_gid, "note": f"{ask.reason} [{ask.reference}]", "notify": False,
                      "transactions": [transaction]},
        }  # fmt: skip
        made = self._post(REFUND_CREATE, variables).get("refundCreate") or {}
        errors = made.get("userErrors") or []
        if errors or not (made.get("refund") or {}).get("id"):
            raise Refused("Shopify refused the refund: " + "; ".join(str(e.get("message")) for e in errors))
        return str(made["refund"]["id"])

    def _cancel(self, call: Call) -> Answer:
        order_gid = gid("Order", call.store_order_id)
        done = {ask.refund_id: "" for ask in call.refunds}  # the store's cancel job makes them; named by its webhook
        if not call.first_try and (self._post(CANCELLED_AT, {"id": order_gid}).get("order") or {}).get("cancelledAt"):
            return Answer(True, done)
        variables = {
            "orderId": order_gid, "refund": bool(call.refunds), "restock": True,
            "staffNote": f"{call.reason} [shiplog-cancel-{call.order_number}]"[:255],
        }  # fmt: skip
        made = self._post(ORDER_CANCEL, variables).get("orderCancel") or {}
        errors = made.get("orderCancelUserErrors") or []
        if errors:
            return refused("Shopify refused the cancellation: " + "; ".join(str(e.get("message")) for e in errors))
        return Answer(True, done)
