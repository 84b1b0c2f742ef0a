"""Real local peers for the notification tests and the bench: an SMTP server (aiosmtpd) and a
Twilio Messages API stand-in (http.server) that checks what the twilio SDK sends.
"""

from __future__ import annotations

import base64
import json
import random
import re
import socket
import ssl
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from markupsafe import escape

TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "test-auth-token-0123456789abcdef"
TWILIO_FROM = "+12025550100"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Arrival:
    rcpt_tos: list[str]
    content: bytes
    client: tuple[str, int]  # the client's address and port: one per SMTP connection


def _problems(arrival: Arrival, message: Message) -> list[str]:
    """The To header must be the envelope recipient; the List-Unsubscribe link must be in every body."""
    found = [] if [str(message["To"])] == arrival.rcpt_tos else [f"To {message['To']!r} for {arrival.rcpt_tos}"]
    link = str(message.get("List-Unsubscribe", "")).strip("<>")
    for part in message.walk() if link else []:
        body = part.get_payload(decode=True) if not part.is_multipart() else None
        wanted = str(escape(link)) if part.get_content_type() == "text/html" else link
        if body is not None and wanted.encode() not in body:
            found.append(f"{part.get_content_type()} part to {message['To']} lacks its unsubscribe link")
    return found


@dataclass
class SmtpHandler:
    """Answers RCPT with ``rcpt_reply`` (e.g. 451 or 550) and fails DATA at ``transient_rate``.

    Accepted messages are kept as bytes and parsed only when read (``received``): parsing each one
    as it arrived made the server, not the client, the bench's bottleneck."""

    rcpt_reply: str | None = None
    transient_rate: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    arrivals: list[Arrival] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _parsed: list[Message] = field(default_factory=list)

    @property
    def received(self) -> list[Message]:
        with self.lock:
            fresh = self.arrivals[len(self._parsed) :]
            self._parsed.extend(message_from_bytes(arrival.content) for arrival in fresh)
            return list(self._parsed)

    @property
    def connections(self) -> int:
        """How many SMTP connections delivered messages."""
        with self.lock:
            return len({arrival.client for arrival in self.arrivals})

    def problems(self) -> list[str]:
        """What ``_problems`` finds in each message, and repeated Message-IDs."""
        parsed = self.received
        with self.lock:
            arrivals = self.arrivals[: len(parsed)]
        found, seen = [], set()
        for arrival, message in zip(arrivals, parsed, strict=True):
            found += _problems(arrival, message)
            if message["Message-ID"] in seen:
                found.append(f"Message-ID {message['Message-ID']} twice")
            seen.add(message["Message-ID"])
        return found

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.transient_rate and self.rng.random() < self.transient_rate:
                return "451 4.3.0 Temporary failure, try again later"
            self.arrivals.append(Arrival(list(envelope.rcpt_tos), envelope.content, tuple(session.peer)))
        return "250 Message accepted"


class SmtpPeer:
    def __init__(self, handler: SmtpHandler | None = None) -> None:
        self.handler = handler or SmtpHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpPeer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Message]:
        return self.handler.received


@dataclass
class TwilioState:
    mode: str = "ok"  # ok | 429 | 500 | 21610 | 21211
    transient_rate: float = 0.0
    answer_after: float = 0.0  # seconds between accepting a message and answering: a slow API
    rng: random.Random = field(default_factory=lambda: random.Random(11))
    received: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


ERRORS = {
    "429": (429, 20429, "Too Many Requests"),
    "500": (500, 20500, "Internal Server Error"),
    "21610": (400, 21610, "Attempt to send to unsubscribed recipient"),
    "21211": (400, 21211, "The 'To' number is not a valid phone number."),
}
PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


class JsonHandler(BaseHTTPRequestHandler):
    """A quiet keep-alive handler that answers JSON (an API peer's base)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' pooled sessions expect
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stall

    def log_message(self, *args: Any) -> None:
        return None

    def _reply(self, status: int, body: Any) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class _TwilioHandler(JsonHandler):
    state: TwilioState

    def _check(self, form: dict[str, str]) -> str | None:
        match = PATH.match(urlsplit(self.path).path)
        if match is None or match.group(1) != TWILIO_SID:
            return f"bad path {self.path}"
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return "bad basic auth"
        missing = [name for name in ("To", "From", "Body", "StatusCallback") if not form.get(name)]
        return f"missing {missing}" if missing else None

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
        problem = self._check(form)
        state = self.state
        with state.lock:
            if problem:
                state.problems.append(problem)
                return self._reply(401, {"code": 20003, "message": problem, "status": 401})
            mode = state.mode
            if mode == "ok" and state.transient_rate and state.rng.random() < state.transient_rate:
                mode = state.rng.choice(["429", "500"])
            if mode != "ok":
                status, code, message = ERRORS[mode]
                return self._reply(status, {"code": code, "message": message, "status": status})
            sid = "SM" + uuid.uuid4().hex
            state.received.append(form | {"sid": sid})
        if state.answer_after:  # the message is Twilio's already: a client killed meanwhile never learns its SID
            time.sleep(state.answer_after)
        self._reply(201, {"sid": sid, "status": "queued", "to": form["To"], "from": form["From"], "body": form["Body"]})


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client killed mid-request (crash tests)
            super().handle_error(request, client_address)


class LocalServer:
    """A threaded HTTP server on a free local port (``url``), serving ``handler`` inside a ``with`` block;
    over HTTPS with ``tls`` (a server context holding its certificate)."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None) -> None:
        self.server = _Server(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class TwilioPeer(LocalServer):
    def __init__(self, state: TwilioState | None = None) -> None:
        self.state = state or TwilioState()
        super().__init__(type("Handler", (_TwilioHandler,), {"state": self.state}))

    @property
    def received(self) -> list[dict[str, str]]:
        return self.state.received


def serve() -> None:
    """``python -m tests.integration.notifications.peers``: both peers in their own process (for the bench).

    Prints ``<smtp port> <twilio url>``; each ``count`` line read answers ``<emails> <texts> <problems>``
    (problems: emails whose To is not their envelope recipient or whose Message-ID repeats, and
    Twilio requests that failed the checks); EOF stops."""
    with SmtpPeer() as smtp, TwilioPeer() as twilio:
        print(smtp.port, twilio.url, flush=True)
        for line in sys.stdin:
            if line.strip() == "count":
                problems = len(smtp.handler.problems()) + len(twilio.state.problems)
                print(len(smtp.handler.arrivals), len(twilio.received), problems, flush=True)


if __name__ == "__main__":
    serve()
