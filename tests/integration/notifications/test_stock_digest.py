"""The daily low-stock digest: to every active member of staff through the configured email adapter
(an aiosmtpd peer here, the staff mailbox without one), once a day, and not at all when nothing is low."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from core.domain.commands import LineInput
from core.models import Event, SinkMessage
from core.services.access import create_staff_user
from core.shop import Shop
from notifications.digests import send_stock_digest
from tests import factories
from tests.integration.notifications.conftest import make_app, smtp_config
from tests.integration.notifications.peers import SmtpPeer

DAY = date(2026, 12, 5)


def _staff(shop: Shop) -> None:
    create_staff_user(shop, email="manager@example.com", password="correct horse battery", role="manager")
    create_staff_user(shop, email="picker@example.com", password="correct horse battery", role="staff")


def _low_catalogue(shop: Shop) -> None:
    factories.make_catalog(shop, on_hand=6, reorder_point=5)
    factories.place(shop, lines=[LineInput("MUG-1", 2), LineInput("TEE-S", 1)])  # 4 and 5 left: both low


def test_the_digest_lists_each_low_sku_and_reaches_every_member_of_staff_once_a_day(
    shop: Shop, smtp_peer: SmtpPeer
) -> None:
    _staff(shop)
    _low_catalogue(shop)
    app = make_app(shop, **smtp_config(smtp_peer), SHOP_NAME="Tidewater Goods")
    first = send_stock_digest(app, shop, DAY)
    assert (first.outcome, first.skus, first.sent) == ("sent", 2, 2)
    received = smtp_peer.received
    assert sorted(str(m["To"]) for m in received) == ["manager@example.com", "picker@example.com"]
    message = received[0]
    assert message["Subject"] == "Tidewater Goods: 2 SKUs to reorder (2026-12-05)"
    body = message.get_payload(decode=True).decode()
    assert "- MUG-1  Enamel Mug One size: 4 available (6 on hand, 2 reserved), reorder point 5" in body
    assert "- TEE-S  Classic Tee S: 5 available (6 on hand, 1 reserved), reorder point 5" in body
    assert "TEE-M" not in body
    assert "https://shop.example.com/staff/stock?low=1" in body
    assert smtp_peer.handler.problems() == []
    again = send_stock_digest(app, shop, DAY)
    assert again.outcome == "already_sent"
    assert len(smtp_peer.received) == 2
    with shop.db.read() as session:
        sent = session.scalars(select(Event).where(Event.type == "stock.digest_sent")).one()
    assert (sent.payload["skus"], sent.payload["recipients"]) == (["MUG-1", "TEE-S"], 2)


def test_nothing_low_sends_nothing_and_without_a_server_it_goes_to_the_mailbox(shop: Shop) -> None:
    _staff(shop)
    factories.make_catalog(shop, on_hand=50, reorder_point=5)
    app: Flask = make_app(shop)
    assert send_stock_digest(app, shop, DAY).outcome == "nothing_low"
    factories.place(shop, lines=[LineInput("TEE-L", 45)])
    assert send_stock_digest(app, shop, DAY).outcome == "sent"
    with shop.db.read() as session:
        stored = list(session.scalars(select(SinkMessage).order_by(SinkMessage.recipient)))
    assert [(m.recipient, m.subject) for m in stored] == [
        ("manager@example.com", "Shiplog Demo Store: 1 SKU to reorder (2026-12-05)"),
        ("picker@example.com", "Shiplog Demo Store: 1 SKU to reorder (2026-12-05)"),
    ]


def test_a_refused_recipient_records_nothing_so_the_next_run_tries_again(shop: Shop) -> None:
    from tests.integration.notifications.peers import SmtpHandler

    _staff(shop)
    _low_catalogue(shop)
    with SmtpPeer(SmtpHandler(rcpt_reply="451 4.3.0 try later")) as peer:
        app = make_app(shop, **smtp_config(peer))
        failed = send_stock_digest(app, shop, DAY)
    assert (failed.outcome, failed.sent, len(failed.errors)) == ("failed", 0, 2)
    with shop.db.read() as session:
        assert session.scalars(select(Event).where(Event.type == "stock.digest_sent")).all() == []


def test_the_command_sends_the_shops_day(shop: Shop, smtp_peer: SmtpPeer) -> None:
    _staff(shop)
    _low_catalogue(shop)
    app = make_app(shop, **smtp_config(smtp_peer))
    result = app.test_cli_runner().invoke(args=["stock", "digest"])
    assert result.exit_code == 0, result.output
    assert "stock digest: sent; 2 SKUs, 2 emails sent." in result.output
    assert len(smtp_peer.received) == 2
