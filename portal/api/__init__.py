"""The JSON API under /api/v1 (see ``portal.api.openapi`` for the document)."""

from __future__ import annotations

from flask import Blueprint

from portal.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # API keys, not cookies: there is no session to forge

from portal.api import views  # noqa: E402,F401  (registers the routes)
