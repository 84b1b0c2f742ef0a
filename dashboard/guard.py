"""Every request under /dashboard/ needs a signed-in staff member whose role may read the dashboard
(``dashboard.view``), Dash's own routes included.

A page request without a session is sent to the sign-in page; anything else (callbacks, layout,
dependencies, scripts, assets, JSON) gets a 401, so no data and no code leaves without a login.
A member whose role lacks ``dashboard.view`` gets a 403 everywhere under it.
Dash sends its callback POSTs with the CSRF token it reads from a cookie; we set that cookie here,
and the dashboard's own CSP.
"""

from __future__ import annotations

from flask import Flask, Response, abort, redirect, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from core.permissions import Permission
from web import staffnav
from web.auth import sign_in_url
from web.security import CSP

PREFIX = "/dashboard"
CSRF_COOKIE = "shiplog_dash_csrf"
# Dash renders its layout with inline styles; the page is staff-only and still refuses inline script.
DASH_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def _is_page(path: str) -> bool:
    tail = path[len(PREFIX) :].lstrip("/")
    return request.method == "GET" and not tail.startswith(("_", "api/", "export/", "assets/"))


def install(app: Flask) -> None:
    staffnav.add(app, staffnav.NavLink("Dashboard", PREFIX + "/", 80, Permission.DASHBOARD_VIEW))

    @app.before_request
    def require_staff() -> Response | None:
        path = request.path
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            return None
        if current_user.is_authenticated:
            if not current_user.may(Permission.DASHBOARD_VIEW):
                abort(403, description="Your role may not read the dashboard; ask a manager.")
            return None
        if _is_page(path):
            return redirect(sign_in_url(request.full_path.rstrip("?")))
        abort(401, description="Sign in as staff to use the dashboard.")

    # Run before CSRF checking, so an anonymous callback POST is told to sign in (401), not "bad form".
    funcs = app.before_request_funcs.setdefault(None, [])
    funcs.insert(0, funcs.pop(funcs.index(require_staff)))

    @app.after_request
    def dash_csp(response: Response) -> Response:
        if request.path.startswith(PREFIX):
            response.headers.setdefault("Content-Security-Policy", DASH_CSP)
        return response

    @app.after_request
    def hand_csrf_token_to_dash(response: Response) -> Response:
        if request.path.startswith(PREFIX + "/") and current_user.is_authenticated and _is_page(request.path):
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                path=PREFIX + "/",
                samesite="Strict",
                secure=app.config.get("SESSION_COOKIE_SECURE", False),
                httponly=False,  # Dash's JavaScript reads it and echoes it in the X-CSRFToken header
            )
        return response
