"""Each recipient's bytes from a shared prototype must be what flask-mail builds for that recipient alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes

import pytest
from flask import Flask
from flask_mail import Mail

from notifications.adapters import Outgoing
from notifications.mime import Prototypes, WireMessage, build
from notifications.rendering import Rendered, Renderer, Stencil
from tests.unit.notifications.test_rendering import CODES, context

RENDERER = Renderer()
SENDER = "Shiplog Démo Store <updates@example.com>"
SENT_AT = 1_790_000_000.0


@pytest.fixture(autouse=True)
def app_context() -> Iterator[None]:
    app = Flask(__name__)
    Mail(app)
    with app.app_context():
        yield


def _stencil(code: str = "shipped") -> Stencil:
    shared = context()
    del shared["recipient"], shared["unsubscribe_url"]
    stencil = RENDERER.stencil(code, "email", shared)
    assert stencil is not None
    return stencil


def _outgoing(stencil: Stencil, recipient: str, link: str, outbox_id: int = 7, message_id: str = "") -> Outgoing:
    headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message_id = message_id or f"<outbox-{outbox_id}@example.com>"
    rendered = stencil.fill(link)
    return Outgoing(outbox_id, "email", recipient, rendered, headers, message_id, stencil=stencil, link=link)


def _bytes(message: WireMessage) -> bytes:
    message.date = SENT_AT  # flask-mail's Connection.send stamps the date before writing the message
    wire = message.as_bytes()
    for n, boundary in enumerate(re.findall(rb'boundary="([^"]+)"', wire)):
        wire = wire.replace(boundary, b"BOUNDARY-%d" % n)  # random per message
    return wire


def _full(out: Outgoing) -> bytes:
    return _bytes(build(SENDER, out.rendered, out.recipient, out.headers, out.message_id))


@pytest.mark.parametrize("code", CODES)
def test_every_notification_from_its_prototype_is_byte_for_byte_flask_mails(code: str) -> None:
    prototypes, stencil = Prototypes(SENDER), _stencil(code)
    for n, (recipient, link) in enumerate(
        [
            ("fan0+tag@example.com", "https://shop.example.com/unsubscribe/abc.def-1"),
            ("Fan.One@Example.COM", "https://s.example/u?t=1;x,y=2"),
            ("ada@exämple.com", "https://shop.example.com/unsubscribe/abc.def-2"),  # an IDN domain, punycoded
        ]
    ):
        out = _outgoing(stencil, recipient, link, outbox_id=n)
        quick = prototypes.message(out)
        assert quick.wire is not None
        assert _bytes(quick) == _full(out)
        assert (quick.body, quick.html, quick.recipients) == (out.rendered.text, out.rendered.html, [out.recipient])


@pytest.mark.parametrize(
    ("recipient", "link", "message_id"),
    [
        ('"Ada L" <ada@example.com>', "https://shop.example.com/u/1", ""),  # not a bare address
        ("ada@example.com", "https://shop.example.com/u?a=1&b=2", ""),  # the HTML copy of the link is escaped
        ("ada@example.com", "https://shop.example.com/u/" + "x" * 950, ""),  # the header would need folding
        ("ada@example.com", "https://shop.example.com/u/1", "<has space@example.com>"),
    ],
)
def test_values_the_serialiser_might_change_are_built_by_flask_mail(recipient: str, link: str, message_id: str) -> None:
    out = _outgoing(_stencil(), recipient, link, message_id=message_id)
    message = Prototypes(SENDER).message(out)
    assert message.wire is None
    assert _bytes(message) == _full(out)


def test_an_address_flask_mail_cannot_write_fails_as_it_did() -> None:
    out = _outgoing(_stencil(), "zoë@example.com", "https://shop.example.com/u/1")
    with pytest.raises(UnicodeEncodeError):
        _full(out)
    with pytest.raises(UnicodeEncodeError):
        _bytes(Prototypes(SENDER).message(out))


def test_a_link_encoded_into_a_non_ascii_subject_means_no_prototype() -> None:
    mark = "shiplogLinkTEST"
    rendered = Rendered("email", f"Über {mark}", f"Stop: {mark}\n", f"<a href='{mark}'>stop</a>")
    stencil = Stencil(rendered, mark)
    out = _outgoing(stencil, "ada@example.com", "https://shop.example.com/u/1")
    message = Prototypes(SENDER).message(out)
    assert message.wire is None
    assert message_from_bytes(_bytes(message))["Subject"] != rendered.subject  # RFC 2047-encoded


def test_a_header_whose_encoding_would_change_the_link_means_no_prototype() -> None:
    out = _outgoing(_stencil(), "ada@example.com", "https://shop.example.com/u/1")
    headers = out.headers | {"X-Note": f"Abmelden über {out.link}"}  # non-ASCII: written as an RFC 2047 word
    out = replace(out, headers=headers)
    message = Prototypes(SENDER).message(out)
    assert message.wire is None
    assert _bytes(message) == _full(out)


def test_the_date_is_the_moment_of_sending() -> None:
    prototypes = Prototypes(SENDER)
    out = _outgoing(_stencil(), "ada@example.com", "https://shop.example.com/u/1")
    first, second = prototypes.message(out), prototypes.message(out)
    first.date, second.date = SENT_AT, SENT_AT + 86_400
    dates = [message_from_bytes(m.as_bytes())["Date"] for m in (first, second)]
    assert dates[0] != dates[1]
    assert dates[0] == message_from_bytes(_full(out))["Date"]
