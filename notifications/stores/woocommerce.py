"""WooCommerce through its REST API (v3): ``POST /wp-json/wc/v3/orders/{id}/refunds``, and for a
cancellation also ``PUT /wp-json/wc/v3/orders/{id}`` with ``status: cancelled``.

Calls go through WooCommerce's own client (the ``woocommerce`` package), which authenticates with the
API key's consumer key and secret as HTTP Basic auth over HTTPS (over plain HTTP it would sign with
OAuth 1.0a instead: a store's REST API is to be reached over HTTPS). WooCommerce takes no idempotency key, so each refund carries Shiplog's reference
in its ``meta_data`` (``_shiplog_reference``) and its reason, and a retry first lists the order's
refunds and takes the one with that reference instead of making a second. ``api_refund: true`` has
the payment gateway give the money back, not only WooCommerce's books.
"""

from __future__ import annotations

from typing import Any

from woocommerce import API

from core.money import decimal_text
from notifications.stores.calls import Answer, Call, Later, RefundAsk, Refused, answered, later, refused

META_KEY = "_shiplog_reference"


class WooCommerceRest:
    name = "woocommerce"

    def __init__(self, site_url: str, consumer_key: str, consumer_secret: str, timeout: float = 10.0) -> None:
        self.api = API(
            url=site_url, consumer_key=consumer_key, consumer_secret=consumer_secret, wp_api=True, version="wc/v3",
            timeout=timeout,
        )  # fmt: skip

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """``path`` under /wp-json/wc/v3, e.g. ``orders/727/refunds``."""
        if method == "GET":
            return answered("WooCommerce", lambda: self.api.get(path))
        return answered("WooCommerce", lambda: getattr(self.api, method.lower())(path, body))

    def call(self, call: Call) -> Answer:
        try:
            confirmed = {ask.refund_id: self._refund(call, ask) for ask in call.refunds}
            if call.kind == "cancel":
                self._send("PUT", f"orders/{call.store_order_id}", {"status": "cancelled"})
            return Answer(True, confirmed)
        except Refused as error:
            return refused(str(error))
        except Later as error:
            return later(str(error))

    def _made_before(self, call: Call, ask: RefundAsk) -> str | None:
        """The refund an earlier try made, if it reached WooCommerce."""
        for refund in self._send("GET", f"orders/{call.store_order_id}/refunds") or []:
            if any(m.get("key") == META_KEY and m.get("value") == ask.reference for m in refund.get("meta_data") or []):
                return str(refund["id"])
        return None

    def _refund(self, call: Call, ask: RefundAsk) -> str:
        found = None if call.first_try else self._made_before(call, ask)
        if found is not None:
            return found
        body = {
            "amount": decimal_text(ask.amount_minor, call.currency),
            "reason": f"{ask.reason} [{ask.reference}]",
            "api_refund": True,
            "meta_data": [{"key": META_KEY, "value": ask.reference}],
        }
        made = self._send("POST", f"orders/{call.store_order_id}/refunds", body)
        return str(made["id"])
