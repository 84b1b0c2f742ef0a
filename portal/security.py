"""Security headers on every response, and a CSP that allows no inline script."""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Dash renders its layout with inline styles and needs eval for its callbacks' JSON parsing
# in some components; it is staff-only and still refuses inline script.
DASH_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def _headers(response: Response, csp: str) -> Response:
    response.headers.setdefault("Content-Security-Policy", csp)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def install(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        from flask import request

        csp = DASH_CSP if request.path.startswith("/dashboard") else CSP
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return _headers(response, csp)
