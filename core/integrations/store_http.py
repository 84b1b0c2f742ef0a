"""The HTTP calls of the store sync, on the standard library (no store SDK is a dependency).

A 429 or a 5xx, a timeout or a refused connection is tried again after ``Retry-After`` or a growing
pause; a 401/403 or 404 is a clear ``StoreError`` at once (wrong credentials or address), as is a
store that keeps failing.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import DomainError

RETRIED = frozenset({429, 500, 502, 503, 504})
ATTEMPTS = 5
TIMEOUT = 20.0
MAX_WAIT = 30.0


class StoreError(DomainError):
    """The store could not be read: the message says what to fix."""

    code = "store_error"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Client:
    """``sleep`` and ``timeout`` are set by tests, so retries take no real time."""

    name: str
    headers: dict[str, str]
    sleep: Callable[[float], None] = time.sleep
    timeout: float = TIMEOUT

    def call(self, method: str, url: str, body: dict[str, Any] | None = None) -> Answer:
        for attempt in range(1, ATTEMPTS + 1):
            outcome = self._once(method, url, body)
            if isinstance(outcome, Answer):
                return outcome
            if attempt == ATTEMPTS:
                raise StoreError(f"{self.name} kept failing ({outcome[0]}) after {ATTEMPTS} tries: {url}")
            self.sleep(outcome[1] if outcome[1] is not None else min(2.0**attempt / 2, MAX_WAIT))
        raise AssertionError("unreachable")

    def _once(self, method: str, url: str, body: dict[str, Any] | None) -> Answer | tuple[str, float | None]:
        """The answer, or (why, how long to wait or None) for one worth trying again."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = self.headers | ({"Content-Type": "application/json"} if data is not None else {})
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers.items()), _decoded(self.name, response.read()))
        except urllib.error.HTTPError as error:
            if error.code in RETRIED:
                return f"HTTP {error.code}", _retry_after(error.headers.get("Retry-After"))
            raise StoreError(_refusal(self.name, error.code, url)) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            return f"no answer: {getattr(error, 'reason', error)}", None


def _decoded(name: str, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise StoreError(f"{name} answered with something that is not JSON.") from None


def _retry_after(value: str | None) -> float | None:
    try:
        return min(max(float(value), 0.0), MAX_WAIT) if value else None
    except ValueError:
        return None


def _refusal(name: str, status: int, url: str) -> str:
    if status in (401, 403):
        return f"{name} refused the credentials (HTTP {status}): check the access token or keys in the environment."
    if status == 404:
        return f"{name} has nothing at {url} (HTTP 404): check the store's address and API version."
    return f"{name} refused the request (HTTP {status}): {url}"
