"""The page shell's assets: front-end packages installed from npm (no CDN), the shop's theme, the layout's links."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, send_from_directory, url_for

from core import contrast
from core.settings import BACKGROUNDS, DEFAULTS
from web.config import ROOT
from web.shop_settings import settings

bp = Blueprint("assets", __name__)
log = logging.getLogger("shiplog.theme")

# The environment's colours and what each is drawn against (``core.settings.BACKGROUNDS``).
THEME = {
    "SHOP_PRIMARY_COLOR": (DEFAULTS.primary_color, BACKGROUNDS["primary_color"]),
    "SHOP_ACCENT_COLOR": (DEFAULTS.accent_color, BACKGROUNDS["accent_color"]),
}

# name -> (folder under node_modules, file)
VENDOR_FILES = {
    "htmx.min.js": ("htmx.org/dist", "htmx.min.js"),
}


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    """Serve an installed front-end package file."""
    if name not in VENDOR_FILES:
        abort(404)
    folder, filename = VENDOR_FILES[name]
    directory = Path(ROOT, "node_modules", folder)
    if not (directory / filename).exists():
        abort(404, description="Front-end packages are not installed: run `npm ci`.")
    return send_from_directory(directory, filename, max_age=86400)


def check_theme(config: dict[str, Any]) -> None:
    """At start-up: a shop colour of the environment that is unreadable where it is drawn is logged and
    replaced by the nearest accessible one, the default of the setting (a manager's choice is checked on the
    settings page instead, and refused)."""
    for setting, (default, against) in THEME.items():
        configured = str(config.get(setting) or default)
        if contrast.parse(configured) is None:
            log.warning("%s %r is not a #rgb or #rrggbb colour; using %s instead", setting, configured, default)
            configured = default
        config[setting], finding = contrast.check(setting, configured, against)
        if finding is not None:
            log.warning("%s", finding)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Nothing, on purpose: browsers ask for /favicon.ico on every page that names no icon, and a 404 there
    is a console error on each of them."""
    return Response(status=204, headers={"Cache-Control": "public, max-age=86400"})


@bp.get("/theme.css")
def theme() -> Response:
    """The shop's colours as CSS variables (a stylesheet, because the CSP forbids inline styles)."""
    current = settings()
    brand, accent = _safe_color(current.primary_color), _safe_color(current.accent_color)
    css = f":root{{--brand:{brand};--accent:{accent}}}"
    # Pages link it with the colours in its query (base.html), so a manager's new colours are a new URL.
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


def _safe_color(value: str) -> str:
    text = value.strip()
    ok = text.startswith("#") and len(text) in (4, 7) and all(c in "0123456789abcdefABCDEF" for c in text[1:])
    return text if ok else DEFAULTS.primary_color


@bp.app_context_processor
def _layout_urls() -> dict[str, object]:
    """The layout's fixed links, built once per app (every page renders them; bench/README.md)."""
    urls = current_app.extensions.get("shiplog.layout_urls")
    if urls is None:
        urls = current_app.extensions["shiplog.layout_urls"] = {
            "css": url_for("static", filename="css/app.css"),
            "theme": url_for("assets.theme"),
            "htmx": url_for("assets.vendor", name="htmx.min.js"),
            "js": url_for("static", filename="js/site.js"),
            "icon": url_for("static", filename="favicon.svg"),  # without one, browsers log a 404 on every page
            "home": url_for("customer.lookup"),  # the shop's front page, served by the portal
        }
    return {"layout_urls": urls}
