"""Email over SMTP through flask-mail: one connection per send lane, kept open from batch to batch.

Opening a connection costs a TCP handshake, the greeting, EHLO (and STARTTLS and login when
configured), so a lane that finishes a batch hands its connection back for the next one. A
connection taken back after a pause is checked with NOOP first, and one idle for longer than
``IDLE_SECONDS`` is closed instead: servers drop idle clients, and a send on a dropped
connection would be recorded as a failure and retried later.
"""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parseaddr

from flask import Flask
from flask_mail import Connection, Mail

from notifications.adapters import Delivery, Outgoing
from notifications.mime import Prototypes

IDLE_SECONDS = 30.0
MAX_IDLE_CONNECTIONS = 16


def smtp_failure(code: int, text: str) -> Delivery:
    return Delivery(False, error=f"SMTP {code}: {text}"[:500], permanent=500 <= code < 600)


class SmtpSession:
    """One SMTP connection for many messages, reopened after the server drops it."""

    def __init__(self, mail: Mail, prototypes: Prototypes) -> None:
        self.mail, self.prototypes = mail, prototypes
        self.envelope_from = parseaddr(prototypes.sender)[1] or prototypes.sender
        self.connection: Connection | None = None
        self.last_used = time.monotonic()

    def _connected(self) -> Connection:
        if self.connection is None:
            connection = self.mail.connect()
            connection.__enter__()  # opens the socket, STARTTLS and login as configured
            self.connection = connection
        return self.connection

    def send(self, out: Outgoing) -> Delivery:
        try:
            # MAIL FROM carries only the address either way; naming it saves flask-mail re-encoding the name.
            self._connected().send(self.prototypes.message(out), envelope_from=self.envelope_from)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            return smtp_failure(code, text.decode(errors="replace") if isinstance(text, bytes) else str(text))
        except smtplib.SMTPResponseException as error:
            self._drop_if_closed(error.smtp_code)
            return smtp_failure(error.smtp_code, error.smtp_error.decode(errors="replace"))
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # disconnected or refused: a fresh connection on the next send
            return Delivery(False, error=f"SMTP connection: {error!r}"[:500])
        finally:
            self.last_used = time.monotonic()
        return Delivery(True, provider_id=out.message_id, provider_status="accepted")

    def _drop_if_closed(self, code: int) -> None:
        if code == 421:  # the server is closing the channel
            self.close()

    def check(self) -> None:
        """Before reuse: close the connection if it idled too long or does not answer NOOP (the next send reopens)."""
        connection = self.connection
        if connection is None or connection.host is None:
            return
        if time.monotonic() - self.last_used > IDLE_SECONDS:
            self.close()
            return
        try:
            healthy = connection.host.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            healthy = False
        if not healthy:
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
        self.prototypes = Prototypes(sender)
        self._idle: list[SmtpSession] = []
        self._lock = threading.Lock()

    @contextmanager
    def batch(self) -> Iterator[SmtpSession]:
        """A lane's SMTP session; the app context flask-mail needs comes along, so lanes can be threads."""
        with self.app.app_context():
            session = self._take()
            try:
                yield session
            finally:
                self._give_back(session)

    def _take(self) -> SmtpSession:
        with self._lock:
            session = self._idle.pop() if self._idle else None
        if session is None:
            return SmtpSession(self.mail, self.prototypes)
        session.check()
        return session

    def _give_back(self, session: SmtpSession) -> None:
        with self._lock:
            if session.connection is not None and len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(session)
                return
        session.close()

    def close(self) -> None:
        """Close the connections kept for the next batch (at the end of a drain, or before a pause)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for session in idle:
            session.close()
