"""Absolute links in messages, built from ``PUBLIC_BASE_URL`` so they work behind a TLS proxy.

The order page (``/orders/<token>``) and the return-label page are served by the customer portal;
the unsubscribe page and the Twilio callbacks by this package.
"""

from __future__ import annotations

from urllib.parse import quote

from web.tokens import order_token, unsubscribe_token

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"
INBOUND_SMS_PATH = "/webhooks/twilio/sms"


class AppLinks:
    """Needs an app context: the tokens are signed with the app's secret key."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def order(self, order_id: int) -> str:
        return f"{self.base}/orders/{order_token(order_id)}"

    def unsubscribe(self, channel: str, address: str, order_id: int) -> str:
        return f"{self.base}/unsubscribe/{unsubscribe_token(channel, address, order_id)}"

    def return_label(self, order_id: int, rma: str) -> str:
        return f"{self.base}/orders/{order_token(order_id)}/returns/{quote(rma, safe='')}/label"

    def status_callback(self, outbox_id: int, attempt: int | None = None) -> str:
        # The outbox id and attempt name the send: its delivery report settles that send if its worker
        # died before recording Twilio's answer (``notifications/sendlog.py``).
        suffix = f"&attempt={attempt}" if attempt is not None else ""
        return f"{self.base}{STATUS_CALLBACK_PATH}?outbox={outbox_id}{suffix}"
