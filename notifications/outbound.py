"""Outbound webhooks: the body and signature of a delivery, and the adapter that POSTs it.

A delivery is an outbox row of channel ``webhook`` (planned by ``core.outbox.webhooks``), so the
dispatcher claims, retries with backoff and dead-letters it exactly as it does an email. Its body
is the event as ``GET /api/v1/events`` gives it (``core.queries.api.event_json``, described by the
OpenAPI document's ``webhooks``). It is signed at send time, each attempt anew, with HMAC-SHA256
of ``"<timestamp>.<body>"`` under the endpoint's secret:
``Shiplog-Signature: t=<unix seconds>,v1=<hex digest>``, so a receiver can refuse an old
(replayed) delivery; ``Shiplog-Delivery`` (the outbox row's id) stays the same on every retry, for
the receiver to fold repeats. docs/webhooks.md shows how to check both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import requests

from core.queries.api import event_json
from notifications.adapters import Delivery, Outgoing
from notifications.rendering import Rendered

SIGNATURE = "Shiplog-Signature"
USER_AGENT = "Shiplog-Webhooks/1"


class Endpoint(NamedTuple):
    url: str
    secret: str
    removed: bool


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Shiplog-Signature`` value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body(event: Any, order_number: str | None) -> str:
    return json.dumps(event_json(event, order_number), separators=(",", ":"), ensure_ascii=False)


def skip_reason(endpoint: Endpoint | None) -> str | None:
    return "not sent: the webhook endpoint was removed" if endpoint is None or endpoint.removed else None


def outgoing(row: Any, event: Any, order_number: str | None, endpoint: Endpoint) -> Outgoing:
    """One delivery, ready for ``WebhookSender`` (which signs it as it leaves)."""
    headers = {"Shiplog-Event": event.type, "Shiplog-Delivery": str(row.id)}
    rendered = Rendered("webhook", None, body(event, order_number), None)
    return Outgoing(row.id, "webhook", endpoint.url, rendered, headers, signing_secret=endpoint.secret)


class WebhookSender:
    """POSTs deliveries over one pooled HTTP session. A 2xx answer is delivered; anything else, or no
    answer within ``timeout`` seconds, is retried (a receiver that is down comes back)."""

    name = "webhook"

    def __init__(self, timeout: float = 10.0, clock: Callable[[], float] = time.time) -> None:
        self.timeout, self.clock = timeout, clock
        self.session = requests.Session()

    @contextmanager
    def batch(self) -> Iterator[WebhookSender]:
        yield self

    def close(self) -> None:
        self.session.close()  # its pools are made again on the next send

    def send(self, out: Outgoing) -> Delivery:
        data = out.rendered.text.encode()
        signature = sign(out.signing_secret or "", int(self.clock()), data)
        headers = out.headers | {"Content-Type": "application/json", "User-Agent": USER_AGENT, SIGNATURE: signature}
        try:
            answer = self.session.post(
                out.recipient, data=data, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except (requests.RequestException, OSError) as error:
            return Delivery(False, error=f"webhook: no answer: {error!r}"[:500])
        status = f"HTTP {answer.status_code}"
        if 200 <= answer.status_code < 300:
            return Delivery(True, provider_status=status)
        return Delivery(False, provider_status=status, error=f"{status}: {answer.text[:300]}")
