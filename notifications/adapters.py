"""Email and SMS adapters: SMTP through flask-mail, SMS through the twilio SDK, and the local sink.

Every adapter opens a *batch* (one SMTP connection, one pooled HTTP session) and answers
each send with a ``Delivery``: sent, or failed transiently (retry later) or permanently
(stop now). Adapters never raise for a delivery problem; they classify it.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from typing import Any, Protocol

import requests
from flask import Flask
from flask_mail import Connection, Mail, Message
from sqlalchemy.exc import IntegrityError
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from core.clock import utcnow
from core.db import Database
from core.models import SinkMessage
from notifications.rendering import Rendered

# Twilio error codes that will never succeed on retry: the number opted out (21610), is not a
# valid number (21211), cannot receive SMS (21614), or is not permitted (21408, 21612).
TWILIO_PERMANENT = frozenset({21610, 21211, 21614, 21408, 21612})
TWILIO_OPTED_OUT = 21610


@dataclass(frozen=True)
class Outgoing:
    """One rendered message, ready for an adapter."""

    outbox_id: int
    channel: str
    recipient: str
    rendered: Rendered
    headers: dict[str, str] = field(default_factory=dict)
    message_id: str = ""  # the email Message-ID: the same on every retry of one outbox row
    status_callback: str | None = None  # SMS delivery reports


@dataclass(frozen=True)
class Delivery:
    ok: bool
    provider_id: str | None = None
    provider_status: str | None = None
    error: str | None = None
    permanent: bool = False
    opted_out: bool = False  # the provider says the recipient opted out (Twilio 21610)


class Batch(Protocol):
    def send(self, message: Outgoing) -> Delivery: ...


class Sender(Protocol):
    name: str

    def batch(self) -> Any: ...  # a context manager yielding a Batch


# Headers are folded at RFC 5322's 998 characters, not 78: the modern email policy would otherwise
# RFC 2047-encode a long ``List-Unsubscribe`` URL (which mail clients then ignore), and re-parsing
# every header through it costs more than the SMTP exchange itself. flask-mail has already encoded
# any non-ASCII header, so the compat32 generator only has to write them out.
WIRE_POLICY = policy.compat32.clone(linesep="\r\n", max_line_length=998)


class _Message(Message):
    def _message(self) -> Any:
        built = super()._message()
        built.policy = WIRE_POLICY
        return built


def _smtp_failure(code: int, text: str) -> Delivery:
    return Delivery(False, error=f"SMTP {code}: {text}"[:500], permanent=500 <= code < 600)


class _SmtpBatch:
    """One SMTP connection for many messages, reopened after the server drops it."""

    def __init__(self, mail: Mail, sender: str) -> None:
        self.mail, self.sender = mail, sender
        self.connection: Connection | None = None

    def _connected(self) -> Connection:
        if self.connection is None:
            connection = self.mail.connect()
            connection.__enter__()  # opens the socket, STARTTLS and login as configured
            self.connection = connection
        return self.connection

    def _message(self, out: Outgoing) -> Message:
        message = _Message(
            subject=out.rendered.subject or "",
            recipients=[out.recipient],
            body=out.rendered.text,
            html=out.rendered.html,
            sender=self.sender,
            extra_headers=out.headers,
        )
        message.msgId = out.message_id or message.msgId
        return message

    def send(self, out: Outgoing) -> Delivery:
        try:
            self._connected().send(self._message(out))
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            return _smtp_failure(code, text.decode(errors="replace") if isinstance(text, bytes) else str(text))
        except smtplib.SMTPResponseException as error:
            self._drop_if_closed(error.smtp_code)
            return _smtp_failure(error.smtp_code, error.smtp_error.decode(errors="replace"))
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # disconnected or refused: a fresh connection on the next send
            return Delivery(False, error=f"SMTP connection: {error!r}"[:500])
        return Delivery(True, provider_id=out.message_id, provider_status="accepted")

    def _drop_if_closed(self, code: int) -> None:
        if code == 421:  # the server is closing the channel
            self.close()

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()


class SmtpEmail:
    name = "smtp"

    def __init__(self, app: Flask, mail: Mail, sender: str) -> None:
        self.app, self.mail, self.sender = app, mail, sender

    @contextmanager
    def batch(self) -> Iterator[_SmtpBatch]:
        """One SMTP connection; the app context flask-mail needs comes along, so lanes can be threads."""
        with self.app.app_context():
            session = _SmtpBatch(self.mail, self.sender)
            try:
                yield session
            finally:
                session.close()


def _twilio_failure(error: TwilioRestException) -> Delivery:
    code = int(error.code) if error.code is not None else None
    permanent = code in TWILIO_PERMANENT or (400 <= error.status < 500 and error.status not in (408, 429))
    return Delivery(
        False,
        error=f"Twilio HTTP {error.status} error {code}: {error.msg}"[:500],
        permanent=permanent,
        opted_out=code == TWILIO_OPTED_OUT,
    )


class TwilioSms:
    """The Messages API through the real SDK; its HTTP client keeps one pooled session."""

    name = "twilio"

    def __init__(self, client: Client, from_number: str) -> None:
        self.client, self.from_number = client, from_number

    @contextmanager
    def batch(self) -> Iterator[TwilioSms]:
        yield self

    def send(self, out: Outgoing) -> Delivery:
        try:
            created = self.client.messages.create(
                to=out.recipient, from_=self.from_number, body=out.rendered.text, status_callback=out.status_callback
            )
        except TwilioRestException as error:
            return _twilio_failure(error)
        except (requests.RequestException, OSError) as error:
            return Delivery(False, error=f"Twilio connection: {error!r}"[:500])
        return Delivery(True, provider_id=created.sid, provider_status=created.status)


class SinkSender:
    """The embedded default: messages are stored for the staff mailbox instead of leaving.

    ``notification_sink.outbox_id`` is unique, so a second delivery of the same outbox row
    finds the first instead of storing a copy.
    """

    name = "sink"

    def __init__(self, db: Database, sender: str) -> None:
        self.db, self.sender = db, sender

    @contextmanager
    def batch(self) -> Iterator[SinkSender]:
        yield self

    def send(self, out: Outgoing) -> Delivery:
        row = SinkMessage(
            outbox_id=out.outbox_id,
            channel=out.channel,
            sender=self.sender,
            recipient=out.recipient,
            subject=out.rendered.subject,
            body_text=out.rendered.text,
            body_html=out.rendered.html,
            headers=dict(out.headers) | ({"Message-ID": out.message_id} if out.message_id else {}),
            created_at=utcnow(),
        )
        try:
            with self.db.write() as session:
                session.add(row)
        except IntegrityError:
            return Delivery(True, provider_id=f"sink-outbox-{out.outbox_id}", provider_status="delivered")
        return Delivery(True, provider_id=f"sink-{row.id}", provider_status="delivered")
