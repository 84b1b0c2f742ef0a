"""Absolute links in messages, built from ``PUBLIC_BASE_URL`` so they work behind a TLS proxy.

Each signed link carries its purpose (``web.tokens``): the order page (view) and the return label
(return) go only into the order's own contact's messages; a subscriber's messages carry the
parcel's public tracking page, their confirmation link and their unsubscribe link. The order and
return pages and the tracking page are served by the customer portal; the confirmation and
unsubscribe pages and the Twilio callbacks by this package.
"""

from __future__ import annotations

from urllib.parse import quote

from web.tokens import confirm_token, order_token, return_token, unsubscribe_token

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"
INBOUND_SMS_PATH = "/webhooks/twilio/sms"
CONFIRM_PATH = "/subscriptions/confirm/"


class AppLinks:
    """Needs an app context: the tokens are signed with the app's secret key."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def order(self, order_id: int) -> str:
        return f"{self.base}/orders/{order_token(order_id)}"

    def unsubscribe(self, channel: str, address: str, order_id: int) -> str:
        return f"{self.base}/unsubscribe/{unsubscribe_token(channel, address, order_id)}"

    def return_label(self, order_id: int, rma: str) -> str:
        return f"{self.base}/orders/{return_token(order_id, rma)}/returns/{quote(rma, safe='')}/label"

    def track(self, tracking_number: str) -> str:
        return f"{self.base}/track/{quote(tracking_number, safe='')}"

    def confirm(self, subscription_id: int) -> str:
        return f"{self.base}{CONFIRM_PATH}{confirm_token(subscription_id)}"

    def staff(self, path: str) -> str:
        """A staff hub page, for a message to staff (they sign in to open it)."""
        return f"{self.base}{path}"

    def status_callback(self, outbox_id: int, attempt: int | None = None) -> str:
        # The outbox id and attempt name the send: its delivery report settles that send if its worker
        # died before recording Twilio's answer (``notifications/sendlog.py``).
        suffix = f"&attempt={attempt}" if attempt is not None else ""
        return f"{self.base}{STATUS_CALLBACK_PATH}?outbox={outbox_id}{suffix}"
