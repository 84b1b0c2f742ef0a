"""The customer's language: the catalogues, which language a page speaks, and the switcher.

A customer page speaks, in this order: the order's own locale (set by the store or the API) when the
page belongs to an order, then the language chosen on the page (the switcher, kept in a cookie), then
the browser's ``Accept-Language``, then the shop's ``SHOP_LOCALE``. Staff pages stay English. A
message speaks the order's locale, else the shop's (``for_message``): no request is involved.

The catalogues are ``translations/<lang>/LC_MESSAGES/messages.po`` (``scripts/i18n.sh`` extracts and
updates them); they are compiled at start-up into the instance folder, never committed compiled.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import flask_babel
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, current_app, g, redirect, request, url_for
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response

from web.config import ROOT
from web.formats import language_name

SOURCE = ROOT / "translations"
DOMAIN = "messages"
COOKIE = "shiplog_lang"
ENGLISH = "en"
_LOCALISED = "shiplog.localised_blueprints"
_ORDER_LOCALE = "shiplog_order_locale"

babel = flask_babel.Babel()
bp = Blueprint("language", __name__)


def languages(source: Path = SOURCE) -> tuple[str, ...]:
    """English, then every language with a catalogue, in a stable order."""
    found = sorted(p.parent.parent.name for p in source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (ENGLISH, *[code for code in found if code != ENGLISH])


def compile_catalogues(source: Path, target: Path) -> None:
    """Each ``.po`` into a ``.mo`` under ``target``, when missing or older; written whole, then renamed,
    so workers starting together never read half a file."""
    for po in source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        fd, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, mo)


def best(tag: str | None, offered: tuple[str, ...]) -> str | None:
    """The language of ``offered`` that a tag ("es-MX", "de_AT", "de") asks for, if any."""
    if not tag:
        return None
    language = tag.replace("_", "-").split("-", 1)[0].lower()
    return language if language in offered else None


def offered() -> tuple[str, ...]:
    return tuple(current_app.config["SHIPLOG_LANGUAGES"])


def shop_language() -> str:
    return message_language(None, offered(), current_app.config.get("SHOP_LOCALE"))


def localise(app: Flask, *blueprints: Blueprint) -> None:
    """Pages of ``blueprints`` speak the customer's language (every other page is staff's: English)."""
    app.extensions[_LOCALISED] = app.extensions.get(_LOCALISED, frozenset()) | {b.name for b in blueprints}


def customer_facing() -> bool:
    """A page of a localised blueprint, or one no route matched (a customer's mistyped link)."""
    return request.blueprint is None or request.blueprint in current_app.extensions.get(_LOCALISED, ())


def use_order_locale(tag: str | None) -> None:
    """This page belongs to an order: its locale comes first (when the shop speaks it)."""
    setattr(g, _ORDER_LOCALE, tag)
    flask_babel.refresh()


def order_decides() -> bool:
    """Does the order's locale choose this page's language (so the switcher would change nothing)?"""
    return best(g.get(_ORDER_LOCALE), offered()) is not None


def select_language() -> str:
    """Order locale, then the visitor's language; English for staff pages."""
    if not request or not customer_facing():
        return ENGLISH
    return best(g.get(_ORDER_LOCALE), offered()) or visitor_language()


def visitor_language() -> str:
    """What a customer page speaks when no order decides: page choice (cookie), Accept-Language, shop default."""
    config = current_app.config
    return language_of(
        request.cookies.get(COOKIE), request.headers.get("Accept-Language", ""), offered(), config.get("SHOP_LOCALE")
    )


def language_of(chosen: str | None, accept_language: str, choices: tuple[str, ...], shop_default: str | None) -> str:
    """The rule behind ``visitor_language``, on plain values: the public tracking page's stored copy is
    looked for in this language before Flask sees the request (``portal.customer.stored``)."""
    return (
        best(chosen, choices)
        or _browser_language(accept_language, choices)
        or message_language(None, choices, shop_default)
    )


@lru_cache(maxsize=512)
def _browser_language(header: str, choices: tuple[str, ...]) -> str | None:
    """The best of ``choices`` for an Accept-Language header; browsers send a handful of distinct ones."""
    return parse_accept_header(header, LanguageAccept).best_match(choices) if header else None


def current_language() -> str:
    found = flask_babel.get_locale()
    return found.language if found is not None else ENGLISH


COMPILED = ROOT / "instance" / "translations"  # where init_app compiles to for the usual instance folder


@lru_cache(maxsize=32)
def catalogue(language: str, folder: str | None = None) -> NullTranslations:
    """The compiled catalogue of ``language`` (English: none, the msgids are English), for code that
    renders without a request: messages. Compiles first if the catalogues have changed."""
    where = Path(folder) if folder else COMPILED
    if folder is None:
        compile_catalogues(SOURCE, where)
    return Translations.load(str(where), [language], DOMAIN)


@lru_cache(maxsize=256)
def message_language(tag: str | None, spoken: tuple[str, ...], shop_default: str | None) -> str:
    """A message speaks the order's locale when the shop speaks it, else the shop's language."""
    return best(tag, spoken) or best(shop_default, spoken) or ENGLISH


def for_message(tag: str | None, app: Flask | None = None) -> tuple[str, NullTranslations]:
    """(language, translations) of a message to an order with locale ``tag``."""
    config = (app or current_app).config
    language = message_language(tag, tuple(config["SHIPLOG_LANGUAGES"]), config.get("SHOP_LOCALE"))
    return language, catalogue(language, config["BABEL_TRANSLATION_DIRECTORIES"])


def _safe_next(raw: str | None) -> str:
    """A path on this site only: an absolute or scheme-relative URL goes home instead."""
    target = (raw or "/")[:2000]
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("customer.lookup")
    return target


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    """The switcher: remember the language in a cookie and go back to the page (works without JavaScript)."""
    back = redirect(_safe_next(request.args.get("next")), code=303)
    language = best(code[:16], offered())
    if language is not None:
        secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))
        back.set_cookie(COOKIE, language, max_age=365 * 86400, secure=secure, httponly=True, samesite="Lax")
    return back


NEXT_SLOT = "@@SHIPLOG_NEXT@@"  # where a page rendered once for many (the public shell) puts its own path


def _here() -> str:
    """Where the switcher comes back to: this page, or for a form's answer the page the form was on."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    came_from = urlsplit(request.referrer or "")
    return came_from.path if came_from.netloc == request.host and came_from.path else "/"


def language_links(next_path: str | None = None) -> list[dict[str, object]]:
    """The switcher's links, each language named in its own words; none on staff pages, nor where
    the order's locale decides (the switcher would change nothing there)."""
    if not customer_facing() or order_decides() or len(offered()) < 2:
        return []
    here = current_language()
    back = next_path if next_path == NEXT_SLOT else quote(next_path or _here(), safe="/")
    return [
        {"code": code, "name": language_name(code), "url": f"{url_for('language.choose', code=code)}?next={back}",
         "current": code == here}
        for code in offered()
    ]  # fmt: skip


def customer_language(tag: str | None) -> str:
    """How a staff page (English) names an order's locale, and the language its messages are in."""
    heard = language_name(message_language(tag, offered(), current_app.config.get("SHOP_LOCALE")), ENGLISH)
    if not tag:
        return f"Not given: messages in {heard}, the shop's language"
    named = f"{language_name(tag, ENGLISH)} ({tag})"
    if best(tag, offered()) is None:
        return f"{named}: not offered, so messages are in {heard}, the shop's language"
    return f"{named}: its pages and messages are in {heard}"


def _context() -> dict[str, object]:
    return {"page_language": current_language(), "language_links": language_links}


def init_app(app: Flask) -> None:
    """Compile the catalogues into the instance folder, then install Flask-Babel with the selector."""
    target = Path(app.instance_path) / "translations"
    compile_catalogues(SOURCE, target)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    app.config["SHIPLOG_LANGUAGES"] = languages()
    babel.init_app(app, default_locale=ENGLISH, locale_selector=select_language)
    app.context_processor(_context)
    app.add_template_global(customer_language)
    app.register_blueprint(bp)
    localise(app, bp)
