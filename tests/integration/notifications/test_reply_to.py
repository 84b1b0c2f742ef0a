"""The hold email asks the customer to reply: over real SMTP its Reply-To is the shop's support address
(``MAIL_REPLY_TO``, else ``SHOP_SUPPORT_EMAIL``), never the unattended sender."""

from __future__ import annotations

from email.header import decode_header, make_header

from core.shop import Shop
from tests import factories
from tests.integration.notifications.conftest import deliver, make_app, smtp_config
from tests.integration.notifications.peers import SmtpPeer


def _read(header: str) -> str:
    """A header as a mail client shows it (flask-mail encodes every display name)."""
    return str(make_header(decode_header(header)))


def test_the_hold_email_replies_reach_support(shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer) -> None:
    factories.place(shop, email="grace@example.com", payment_pending=True, sms_consent=False)
    deliver(make_app(shop, **smtp_config(smtp_peer), SHOP_SUPPORT_EMAIL="help@shop.example.com"))
    [held] = smtp_peer.received
    assert held["Subject"].startswith("Action needed for order")
    assert _read(held["From"]) == "Shiplog Demo Store <updates@example.com>"
    assert _read(held["Reply-To"]) == "help@shop.example.com"


def test_a_reply_to_of_its_own_wins_and_keeps_its_name(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer
) -> None:
    factories.place(shop, email="grace@example.com", payment_pending=True, sms_consent=False)
    deliver(make_app(shop, **smtp_config(smtp_peer), MAIL_REPLY_TO="Demo Store Care <care@shop.example.com>"))
    [held] = smtp_peer.received
    assert _read(held["Reply-To"]) == "Demo Store Care <care@shop.example.com>"
