"""The JSON API under /api/v1 (see ``portal.api.openapi`` for the document)."""

from __future__ import annotations

from flask import Blueprint

from web.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # API keys, not cookies: there is no session to forge
limiter.exempt(bp)  # per key instead (portal.api.quota): callers hold keys we issued

from portal.api import actions, catalog, gate, views  # noqa: E402,F401  (registers the gate and the routes)
