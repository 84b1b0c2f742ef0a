"""HTTP clients for the twilio SDK: a pooled one for production, and one that talks to another base URL.

``requests`` re-reads the proxy and CA-bundle environment variables on every request (a scan
of ``os.environ`` that cost more CPU than building the request itself), and re-derives each
request's connection-pool key (checking on disk whether the CA bundle is a directory). Neither
changes during a worker's life, so both are worked out once per scheme and host and reused.

The SDK builds every URL as ``https://<product>.twilio.com/...``; ``RedirectingHttpClient``
swaps the scheme and host for ``base_url`` and keeps the rest, so the real SDK code path is
used against a local test peer or a proxy.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests import PreparedRequest, Session
from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

EnvKey = tuple[str, str, tuple[tuple[str, str], ...], Any, Any, Any]


class EnvironmentOnceSession(Session):
    """A ``requests`` session that reads proxy and CA settings from the environment once per host."""

    def __init__(self) -> None:
        super().__init__()
        self._settings: dict[EnvKey, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def merge_environment_settings(
        self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        parts = urlsplit(str(url))
        key: EnvKey = (parts.scheme, parts.netloc, tuple(sorted((proxies or {}).items())), stream, verify, cert)
        found = self._settings.get(key)
        if found is None:
            found = super().merge_environment_settings(url, dict(proxies or {}), stream, verify, cert)
            with self._lock:
                self._settings[key] = found
        return found | {"proxies": dict(found["proxies"])}  # callers may change the proxies they get


class PoolKeyOnceAdapter(HTTPAdapter):
    """An adapter that works out the connection-pool key of each scheme, host, CA bundle and client cert once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._keys: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]] = {}

    def build_connection_pool_key_attributes(
        self, request: PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        parts = urlsplit(str(request.url))
        key = (parts.scheme, parts.netloc, verify, cert)
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = super().build_connection_pool_key_attributes(request, verify, cert)
        return dict(found[0]), dict(found[1])  # callers may change what they get


class PooledHttpClient(TwilioHttpClient):
    """``TwilioHttpClient`` with one pooled session that reads its environment and works out pool keys once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(pool_connections=True, **kwargs)
        session = EnvironmentOnceSession()
        session.mount("https://", PoolKeyOnceAdapter(pool_maxsize=min(32, (os.cpu_count() or 1) + 4)))
        session.mount("http://", PoolKeyOnceAdapter())
        self.session = session


class RedirectingHttpClient(PooledHttpClient):
    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target = urlsplit(base_url)
        self._scheme, self._netloc = target.scheme, target.netloc

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        parts = urlsplit(url)
        if parts.netloc.endswith("twilio.com"):
            url = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)
