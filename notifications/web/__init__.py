"""HTTP endpoints of the notifications feature: unsubscribe, Twilio callbacks, staff mailbox and previews."""

from __future__ import annotations

from flask import Response

# Rendered emails are shown to staff in a sandboxed frame: no script, no forms, no plugins,
# only the inline styles email HTML needs, and images from anywhere email images come from.
EMAIL_FRAME_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'"


def email_frame(html: str) -> Response:
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_FRAME_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response
