"""Public tracking pages rendered ahead, answered before Flask builds a request (issue 14 §5).

A first view of a parcel whose page was rendered ahead (``portal.customer.ahead``) needs nothing of
the web stack: no session, no form, no template; only the one select that finds the parcel and its
stored page, by the very decisions the view makes (``tracking_lookup`` for whether a stored page is
current, ``language_of`` for which language, ``formats.today`` for which day). So a plain GET of
``/track/<number>`` that carries nothing per visitor (no query, no htmx, no cookie but the language
one) is answered here, with the headers the Flask view would send; anything else, and any number
without a current stored page, goes on to Flask unchanged. ``tests/integration/portal/
test_stored_pages.py`` checks both ways answer alike, byte for byte and header for header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask
from werkzeug.http import parse_cookie

from core.queries.tracking import tracking_lookup
from portal.customer.forms import tracking_number
from web import formats, security
from web.extensions import shop
from web.i18n import COOKIE, language_of
from web.shop_settings import settings

PREFIX = "/track/"
VARY = ("Vary", "HX-Request, Cookie")  # what the view's page varies on: htmx gets a block, a session its notices
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class StoredTrackingPages:
    """WSGI middleware in front of the app: stored pages for anonymous first views, else the app."""

    def __init__(self, app: Flask, wrapped: WSGIApp) -> None:
        self.app, self.wrapped = app, wrapped
        extra = [security.HSTS] if security.secure_transport(app) else []
        self.headers = [("Content-Type", "text/html; charset=utf-8"), VARY, *security.DEFAULT_HEADERS, *extra]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        page = self.page(environ)
        if page is None:
            return self.wrapped(environ, start_response)
        body = page.encode()
        start_response("200 OK", [*self.headers[:1], ("Content-Length", str(len(body))), *self.headers[1:]])
        return [body]

    def page(self, environ: dict[str, Any]) -> str | None:
        """The stored page this request would get from the view, if it is one that may be answered here."""
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or environ.get("REQUEST_METHOD") != "GET":
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        rest = path[len(PREFIX) :]
        number = tracking_number(rest[:200]) if _anonymous(environ, cookies) and "/" not in rest else None
        if number is None:
            return None
        config = self.app.config
        language = language_of(
            cookies.get(COOKIE),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            tuple(config["SHIPLOG_LANGUAGES"]),
            config.get("SHOP_LOCALE"),
        )
        today = formats.today(settings(self.app).timezone)
        found = tracking_lookup(shop(self.app).db.engine, number, language, today)
        return None if found is None else found.page


def _anonymous(environ: dict[str, Any], cookies: Mapping[str, str]) -> bool:
    """Nothing in the request that could make the view's answer differ from the stored page."""
    if environ.get("QUERY_STRING") or "HTTP_HX_REQUEST" in environ:
        return False
    return set(cookies) <= {COOKIE}


def install(app: Flask) -> None:
    app.wsgi_app = StoredTrackingPages(app, app.wsgi_app)  # type: ignore[method-assign]
