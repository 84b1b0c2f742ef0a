"""The page shell's assets: front-end packages installed from npm (no CDN), the shop's theme, the layout's links."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, send_from_directory, url_for
from flask.blueprints import BlueprintSetupState

from web import contrast
from web.config import ROOT

bp = Blueprint("assets", __name__)
log = logging.getLogger("shiplog.theme")

# What the shop's colours are drawn against (app.css, staff.css, the email layouts): each must reach 4.5:1
# with all of these. The brand carries white text and is the colour of links on cards and on the canvas; the
# emails' accent button carries dark text.
THEME = {
    "SHOP_PRIMARY_COLOR": ("#1f4f82", ("#ffffff", "#f4f6f9")),
    "SHOP_ACCENT_COLOR": ("#f2a900", ("#111827",)),
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


@bp.record_once
def check_theme(state: BlueprintSetupState) -> None:
    """At start-up: a shop colour that is unreadable where it is drawn is logged and replaced by the nearest
    accessible one, which the pages and the messages then use."""
    app: Flask = state.app
    for setting, (default, against) in THEME.items():
        configured = str(app.config.get(setting) or default)
        if contrast.parse(configured) is None:
            log.warning("%s %r is not a #rgb or #rrggbb colour; using %s instead", setting, configured, default)
            configured = default
        app.config[setting], finding = contrast.check(setting, configured, against)
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
    brand = _safe_color(current_app.config["SHOP_PRIMARY_COLOR"])
    accent = _safe_color(current_app.config["SHOP_ACCENT_COLOR"])
    css = f":root{{--brand:{brand};--accent:{accent}}}"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


def _safe_color(value: str) -> str:
    text = value.strip()
    ok = text.startswith("#") and len(text) in (4, 7) and all(c in "0123456789abcdefABCDEF" for c in text[1:])
    return text if ok else "#1f4f82"


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
            "home": url_for("customer.lookup"),  # the shop's front page, served by the portal
        }
    return {"layout_urls": urls}
