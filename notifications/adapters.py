"""Email and SMS adapters: SMS through the twilio SDK and the local sink here, SMTP in ``smtp``.

Every adapter opens a *batch* (one SMTP connection, one pooled HTTP session) and answers
each send with a ``Delivery``: sent, or failed transiently (retry later) or permanently
(stop now). Adapters never raise for a delivery problem; they classify it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
from sqlalchemy.exc import IntegrityError
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from core.clock import utcnow
from core.db import Database
from core.models import SinkMessage
from notifications.rendering import Rendered, Stencil

# Twilio error codes that will never succeed on retry: the number opted out (21610), is not a
# valid number (21211), cannot receive SMS (21614), or is not permitted (21408, 21612).
TWILIO_PERMANENT = frozenset({21610, 21211, 21614, 21408, 21612})
TWILIO_OPTED_OUT = 21610


@dataclass(frozen=True)
class Outgoing:
    """One rendered message, ready for an adapter."""

    outbox_id: int | None  # None: a message that is no outbox row
    channel: str
    recipient: str
    rendered: Rendered
    headers: dict[str, str] = field(default_factory=dict)
    message_id: str = ""  # the email Message-ID: the same on every retry of one outbox row
    status_callback: str | None = None  # SMS delivery reports
    # The rendering this message shares with the event's other recipients, filled in with ``link``
    # (its unsubscribe link): lets the SMTP adapter build the MIME structure once for all of them.
    stencil: Stencil | None = None
    link: str | None = None
    signing_secret: str | None = field(default=None, repr=False)  # a webhook's: signed as it leaves


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

    def close(self) -> None: ...  # drop connections kept open between batches


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

    def close(self) -> None:
        return None  # the SDK's pooled HTTP session is kept for the life of the process

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

    def close(self) -> None:
        return None

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
