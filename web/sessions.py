"""Flask's signed-cookie sessions, minus the work a request without a session does for nothing.

Most requests (public tracking pages, polls, assets) come without a session cookie and leave
without one. Flask builds the cookie's signing serializer (a key derivation set-up) before it
looks for the cookie, and works out every cookie setting before it sees that there is nothing
to save. Here both happen only when there is a cookie to read or to write; what Flask does with
a cookie, and the ``Vary: Cookie`` of a session that was looked at, are unchanged.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin


class CookieSessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()  # what Flask opens for a request without the cookie
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified:  # nothing to write and no cookie to delete
            if session.accessed:
                _vary_cookie(response)
            return
        super().save_session(app, session, response)


def _vary_cookie(response: Response) -> None:
    """``Vary: Cookie``, written directly when the response varies on nothing else yet (parsing and
    re-serialising the header set, as ``response.vary.add`` does, cost more than the rest of this)."""
    if "Vary" in response.headers:
        response.vary.add("Cookie")
    else:
        response.headers["Vary"] = "Cookie"
