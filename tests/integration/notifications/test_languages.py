"""Messages speak the order's language (else the shop's), through the real SMTP and Twilio peers: subject,
text and HTML bodies, SMS, money and dates written for that language, in the shop's time zone."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message

import pytest
from babel.dates import format_date
from flask import Flask

from core.clock import utcnow
from core.models import Order
from core.services import fulfilment, subscriptions
from core.shop import Shop
from tests import factories
from tests.integration.notifications.conftest import deliver, make_app, smtp_config, twilio_config
from tests.integration.notifications.peers import SmtpPeer, TwilioPeer

# 2 × 25.00 + 18.00 + 5.00 shipping, in the order's currency
TOTAL = {"en": "$73.00", "es": "73,00\xa0US$", "de": "73,00\xa0$"}


def _app(shop: Shop, smtp: SmtpPeer, twilio: TwilioPeer, **config: object) -> Flask:
    return make_app(shop, **smtp_config(smtp), **twilio_config(twilio), **config)


def _subject(received: Message) -> str:
    return str(make_header(decode_header(received["Subject"])))


def _parts(received: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in received.walk()
        if not part.is_multipart()
    }


@pytest.mark.parametrize(
    ("locale", "subject", "greeting", "sms_start", "stop"),
    [
        ("es-MX", "El pedido {} está confirmado", "Hola, Ada:", "Shiplog Demo Store: pedido {} confirmado.", "Baja: STOP"),
        ("de-DE", "Bestellung {} ist bestätigt", "Hallo Ada,", "Shiplog Demo Store: Bestellung {} ist bestätigt.",
         "Abmelden: STOP"),
    ],
)  # fmt: skip
def test_confirmation_arrives_in_the_orders_language(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer, twilio_peer: TwilioPeer,
    locale: str, subject: str, greeting: str, sms_start: str, stop: str,
) -> None:  # fmt: skip
    order = factories.place(shop, phone="+12025550143", locale=locale)
    deliver(_app(shop, smtp_peer, twilio_peer))
    [email], [sms] = smtp_peer.received, twilio_peer.received
    parts, language = _parts(email), locale[:2]

    assert _subject(email) == subject.format(order.number)
    assert parts["text/plain"].startswith(greeting)
    assert TOTAL[language] in parts["text/plain"]
    assert f'<html lang="{language}">' in parts["text/html"]
    assert "View your order" not in parts["text/html"]  # no English left in the layout
    assert sms["Body"].startswith(sms_start.format(order.number))
    assert sms["Body"].endswith(stop)


def test_an_order_without_a_locale_hears_the_shops_language(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer, twilio_peer: TwilioPeer
) -> None:
    order = factories.place(shop, phone="+12025550143")
    deliver(_app(shop, smtp_peer, twilio_peer, SHOP_LOCALE="de"))
    [email], [sms] = smtp_peer.received, twilio_peer.received

    assert _subject(email) == f"Bestellung {order.number} ist bestätigt"
    assert sms["Body"].endswith("Abmelden: STOP")


def test_a_locale_the_shop_does_not_speak_falls_back_to_the_shop_default(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer, twilio_peer: TwilioPeer
) -> None:
    order = factories.place(shop, phone="+12025550143", locale="pt-BR")
    deliver(_app(shop, smtp_peer, twilio_peer, SHOP_LOCALE="es"))
    [email] = smtp_peer.received

    assert _subject(email) == f"El pedido {order.number} está confirmado"


def test_shipped_email_gives_the_eta_in_the_orders_language_and_the_shops_time_zone(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer, twilio_peer: TwilioPeer
) -> None:
    """23:30 UTC is already the next day in Berlin: the day is the shop's, the words German (an estimate
    still to come: a passed one is not given, ``core.arrival``)."""
    order = factories.place(shop, phone="+12025550143", locale="de")
    app = _app(shop, smtp_peer, twilio_peer, SHOP_TIMEZONE="Europe/Berlin")
    deliver(app)
    smtp_peer.received.clear()
    twilio_peer.received.clear()
    eta = (utcnow() + timedelta(days=3)).replace(hour=23, minute=30, second=0, microsecond=0)
    in_berlin = format_date((eta + timedelta(days=1)).date(), "EEEE, d. MMMM", locale="de")
    parcel = fulfilment.create_shipment(
        shop, order.id, carrier_code="ups", service="Ground", tracking_number=factories.TRACKING, eta=eta,
        actor=factories.STAFF,
    )  # fmt: skip
    fulfilment.ship_shipment(shop, parcel.id, actor=factories.STAFF)
    deliver(app)
    [shipped] = [message for message in smtp_peer.received if "versandt" in _subject(message)]
    text = _parts(shipped)["text/plain"]

    assert _subject(shipped) == f"Bestellung {order.number} wurde versandt"
    assert f"Voraussichtliche Zustellung: {in_berlin}" in text
    assert "Estimated delivery" not in text
    assert [sms["Body"].endswith("Abmelden: STOP") for sms in twilio_peer.received] == [True]


def test_a_subscribers_messages_speak_the_orders_language(
    shop: Shop, catalog: dict[str, int], smtp_peer: SmtpPeer, twilio_peer: TwilioPeer
) -> None:
    order: Order = factories.place(shop, locale="es")
    factories.ship_all(shop, order.id)
    app = _app(shop, smtp_peer, twilio_peer)
    deliver(app)
    smtp_peer.received.clear()
    subscriptions.subscribe(
        shop, order.id, channel="email", address="fan@example.net", scope="all", consent_text="Acepto",
        consent_source="test",
    )  # fmt: skip
    deliver(app)
    [confirm] = [m for m in smtp_peer.received if m["To"] == "fan@example.net"]

    assert _subject(confirm) == "Confirma las novedades de un paquete de Shiplog Demo Store"
    assert "Alguien, esperamos que tú" in _parts(confirm)["text/plain"]
