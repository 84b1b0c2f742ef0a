"""Page-or-block rendering (htmx template fragments) and redirects that work with and without htmx.

A page's ``content`` block is what fills ``<main id="main">``: an htmx navigation swaps it in there
(``hx-target="#main"``), along with the page's ``<title>``. A smaller block (a polled status, a form)
replaces only its own element. Every answer that differs between the two says so (``Vary:
HX-Request``), so a browser never shows a cached block as a whole page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from flask import Flask, current_app, make_response, render_template, request
from markupsafe import escape
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from web.shop_settings import settings

P = ParamSpec("P")


def is_htmx() -> bool:
    """An htmx request wants the page's block; a history restore wants the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def render_block(template_name: str, block: str, **context: Any) -> str:
    """Render one named block of a template with the app's usual context."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(template_name)
    app.update_template_context(context)
    return "".join(template.blocks[block](template.new_context(context)))


def _title(template_name: str, context: dict[str, Any]) -> str:
    """The page's ``<title>``, as the layout writes it, for htmx to put in the document."""
    template = current_app.jinja_env.get_template(template_name)
    if "title" not in template.blocks:
        return ""
    own = "".join(template.blocks["title"](template.new_context(context))).strip()
    return f"<title>{own} · {escape(settings().shop_name)}</title>\n"


def page(template_name: str, block: str = "content", **context: Any) -> str:
    """The whole page, or just ``block`` of it for an htmx request (with its title for ``content``)."""
    if not is_htmx():
        return render_template(template_name, **context)
    html = render_block(template_name, block, **context)
    return _title(template_name, context) + html if block == "content" else html


def go(url: str, target: str = "#main") -> Response:
    """Post/redirect/get: a 303 for a browser, an in-place load (HX-Location) for htmx."""
    if is_htmx():
        response = Response("", status=200)
        response.headers["HX-Location"] = json.dumps({"path": url, "target": target, "swap": "innerHTML"})
        return response
    return redirect(url, code=303)


def no_store(view: Callable[P, Any]) -> Callable[P, Response]:
    """Never kept by the browser: Back asks the server again, which knows what has happened since
    (a confirmed return shows as confirmed, not as a form still waiting to be sent)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapped


def install(app: Flask) -> None:
    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
        return response
