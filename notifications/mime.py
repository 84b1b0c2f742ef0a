"""Email messages for flask-mail, and each recipient's bytes from one message per shared rendering.

Building and serialising a MIME tree with the ``email`` package costs more CPU than the SMTP
exchange. Every recipient of an event gets the same message except for four values: the To
address, the Message-ID, the Date and the unsubscribe link. So flask-mail builds the message
once per stencil with stand-ins for those four, and each recipient's message is a copy of that
flask-mail message whose bytes are the serialised prototype with the stand-ins replaced.

A value is only swapped in where the serialiser would have written it out verbatim (printable
ASCII without spaces, well under the line limit, unchanged by HTML escaping, not containing a
MIME boundary); anything else is built by flask-mail from scratch, as is any message whose
stand-ins do not each appear where expected.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import policy
from email.message import Message as MimeMessage
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

from flask_mail import Message, sanitize_address
from markupsafe import escape

from notifications.rendering import Rendered, Stencil

if TYPE_CHECKING:
    from notifications.adapters import Outgoing

# Headers are folded at RFC 5322's 998 characters, not 78: the modern email policy would otherwise
# RFC 2047-encode a long ``List-Unsubscribe`` URL (which mail clients then ignore), and re-parsing
# every header through it costs more than the SMTP exchange itself. flask-mail has already encoded
# any non-ASCII header, so the compat32 generator only has to write them out.
WIRE_POLICY = policy.compat32.clone(linesep="\r\n", max_line_length=998)
MAX_PROTOTYPES = 256
_SAFE = re.compile(r"[!-~]{1,900}")  # printable ASCII, no whitespace: header folding leaves it alone
# A bare address flask-mail's ``sanitize_address`` returns unchanged (no display name, quoting or IDN).
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_TOKEN = "shiplogMime" + secrets.token_hex(8)
_TO, _MESSAGE_ID = f"{_TOKEN}to@placeholder.invalid", f"<{_TOKEN}id@placeholder.invalid>"
_DATE_AT = 86_400.0  # any fixed moment: its formatted form marks where each message's Date goes
# Values that any encoding, escaping or folding of their spot would change (and a link as long as any
# filled in): a prototype is used only if filling these in gives exactly what flask-mail builds.
_PROBE_TO, _PROBE_ID = "probe.to_x+y@probe.invalid", "<probe_id=1@probe.invalid>"
_PROBE_LINK = ("https://probe.invalid/u?" + "a=1_2;b,c%20d:e/f-" * 50)[:900]  # as long as ``_SAFE`` allows
_BOUNDARY = re.compile(rb'boundary="([^"]+)"')
Wire = Callable[[float], bytes]  # a recipient's message, given the moment it is sent


class WireMessage(Message):
    """A flask-mail message written out with ``WIRE_POLICY``, or from a prototype when it has one."""

    wire: Wire | None = None

    def _message(self) -> Any:
        built = super()._message()
        built.policy = WIRE_POLICY
        return built

    def as_bytes(self) -> bytes:
        if self.wire is not None and self.date is not None:
            return self.wire(self.date)
        return super().as_bytes()


def build(sender: str, rendered: Rendered, to: str, headers: dict[str, str], message_id: str) -> WireMessage:
    """The message as flask-mail builds it for one recipient."""
    message = WireMessage(
        subject=rendered.subject or "",
        recipients=[to],
        body=rendered.text,
        html=rendered.html,
        sender=sender,
        extra_headers=headers,
    )
    message.msgId = message_id or message.msgId
    return message


@dataclass(frozen=True)
class Prototype:
    """A serialised message cut at its stand-ins: bytes, or the index of the value that goes there."""

    pieces: tuple[bytes | int, ...]
    boundaries: tuple[bytes, ...]

    def fill(self, values: Sequence[bytes]) -> bytes:
        return b"".join(piece if isinstance(piece, bytes) else values[piece] for piece in self.pieces)

    def accepts(self, value: bytes) -> bool:
        return not any(boundary in value for boundary in self.boundaries)


def _boundaries(built: MimeMessage) -> tuple[bytes, ...]:
    found = (part.get_boundary() for part in built.walk() if part.is_multipart())
    return tuple(boundary.encode() for boundary in found if boundary)


def cut(built: MimeMessage, wire: bytes, link: str | None, links_expected: int) -> Prototype | None:
    """Split ``wire`` at the stand-ins (To, Message-ID, Date, link: the order values are filled in);
    None unless each appears verbatim as often as it was put in."""
    marks = [_TO.encode(), _MESSAGE_ID.encode(), formatdate(_DATE_AT, localtime=True).encode()]
    expected = [1, 1, 1]
    if link is not None:
        marks.append(link.encode())
        expected.append(links_expected)
    if [wire.count(mark) for mark in marks] != expected:
        return None  # e.g. a non-ASCII subject, encoded with its link inside
    pattern = re.compile(b"|".join(re.escape(mark) for mark in marks))
    pieces: list[bytes | int] = []
    start = 0
    for match in pattern.finditer(wire):
        pieces += [wire[start : match.start()], marks.index(match.group())]
        start = match.end()
    pieces.append(wire[start:])
    return Prototype(tuple(pieces), _boundaries(built))


def _verbatim(value: str | None, *, in_html: bool = False) -> bytes | None:
    """``value`` as the serialiser (and, ``in_html``, autoescaping) would write it, or None if it might not."""
    if value is None or not _SAFE.fullmatch(value) or (in_html and str(escape(value)) != value):
        return None
    return value.encode()


def _links_in(stencil: Stencil, headers: dict[str, str]) -> int:
    mark, shown = stencil.placeholder or "", stencil.rendered
    texts = [shown.subject or "", shown.text, shown.html or "", *headers.values()]
    return sum(text.count(mark) for text in texts) if mark else 0


def _address(recipient: str) -> bytes | None:
    if _PLAIN_ADDRESS.fullmatch(recipient):
        return _verbatim(recipient)
    try:
        return _verbatim(sanitize_address(recipient))
    except (UnicodeError, ValueError):
        return None  # flask-mail's own build fails the same way, where the adapter reports it


@dataclass(frozen=True)
class _Found:
    message: WireMessage  # flask-mail's message with the stand-ins; copied for each recipient
    prototype: Prototype | None


class Prototypes:
    """Per SMTP sender: one prototype per stencil and header set, shared by every lane."""

    def __init__(self, sender: str) -> None:
        self.sender = sender
        self._found: dict[tuple[Any, ...], _Found] = {}
        self._lock = threading.Lock()

    def message(self, out: Outgoing) -> WireMessage:
        """The flask-mail message for ``out``: a copy of its stencil's prototype when one fits, else built in full."""
        quick = self._from_prototype(out) if out.stencil is not None else None
        return quick or build(self.sender, out.rendered, out.recipient, out.headers, out.message_id)

    def _from_prototype(self, out: Outgoing) -> WireMessage | None:
        assert out.stencil is not None
        mark, link = out.stencil.placeholder, out.link
        values = [
            _address(out.recipient),
            _verbatim(out.message_id),
            b"",
            _verbatim(link, in_html=True) if mark else b"",
        ]
        shown = {k: v.replace(link, mark) for k, v in out.headers.items()} if mark and link else out.headers
        found = self._found_for(out.stencil, shown)
        if found.prototype is None or any(v is None or not found.prototype.accepts(v) for v in values):
            return None
        message = _like(found.message, out)
        message.wire = _filler(found.prototype, [v or b"" for v in values])
        return message

    def _found_for(self, stencil: Stencil, headers: dict[str, str]) -> _Found:
        key = (stencil, tuple(headers.items()))
        found = self._found.get(key)
        if found is None:
            message = build(self.sender, stencil.rendered, _TO, headers, _MESSAGE_ID)
            message.date = _DATE_AT
            built = message._message()
            prototype = cut(built, built.as_bytes(), stencil.placeholder, _links_in(stencil, headers))
            message.date = None
            if prototype is not None and not self._proven(stencil, headers, prototype):
                prototype = None
            found = _Found(message, prototype)
            with self._lock:
                if len(self._found) >= MAX_PROTOTYPES:
                    self._found.clear()
                self._found[key] = found
        return found

    def _proven(self, stencil: Stencil, headers: dict[str, str], prototype: Prototype) -> bool:
        """Filling in the probe values gives exactly the message flask-mail builds with them."""
        mark, link = stencil.placeholder, _PROBE_LINK if stencil.placeholder else None
        shown = {name: value.replace(mark, _PROBE_LINK) for name, value in headers.items()} if mark else headers
        expected = build(self.sender, stencil.fill(link), _PROBE_TO, shown, _PROBE_ID)
        expected.date = _DATE_AT
        date = formatdate(_DATE_AT, localtime=True).encode()
        filled = prototype.fill((_PROBE_TO.encode(), _PROBE_ID.encode(), date, (link or "").encode()))
        return _normalised(filled) == _normalised(expected.as_bytes())


def _normalised(wire: bytes) -> bytes:
    """``wire`` with its MIME boundaries (random per message) numbered instead."""
    for n, boundary in enumerate(_BOUNDARY.findall(wire)):
        wire = wire.replace(boundary, b"boundary-%d" % n)
    return wire


def _like(base: WireMessage, out: Outgoing) -> WireMessage:
    """What ``build`` gives for ``out``, copied from a built message (skipping flask-mail's Message-ID lookup)."""
    message = copy.copy(base)
    message.subject, message.recipients = out.rendered.subject or "", [out.recipient]
    message.body, message.alts = out.rendered.text, {}
    message.html = out.rendered.html
    message.extra_headers, message.msgId = out.headers, out.message_id
    return message


def _filler(prototype: Prototype, values: list[bytes]) -> Wire:
    to, message_id, _, link = values

    def at(moment: float) -> bytes:
        return prototype.fill((to, message_id, formatdate(moment, localtime=True).encode(), link))

    return at
