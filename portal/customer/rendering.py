"""Page-or-block rendering (htmx template fragments) and redirects that work with and without htmx."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, render_template, request
from markupsafe import escape
from werkzeug.utils import redirect
from werkzeug.wrappers import Response


def is_htmx() -> bool:
    """An htmx request wants the page's block; a history restore wants the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def render_block(template_name: str, block: str, **context: Any) -> str:
    """Render one named block of a template with the app's usual context."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(template_name)
    app.update_template_context(context)
    return "".join(template.blocks[block](template.new_context(context)))


def page(template_name: str, block: str = "content", **context: Any) -> str:
    """The whole page, or just ``block`` of it for an htmx request."""
    if is_htmx():
        return render_block(template_name, block, **context)
    return render_template(template_name, **context)


def go(url: str, target: str = "#main") -> Response:
    """Post/redirect/get: a 303 for a browser, an in-place load (HX-Location) for htmx."""
    if is_htmx():
        response = Response("", status=200)
        response.headers["HX-Location"] = json.dumps({"path": url, "target": target})
        return response
    return redirect(url, code=303)


_TITLE, _CONTENT = "@@SHIPLOG_TITLE@@", "@@SHIPLOG_CONTENT@@"


def public_page(template_name: str, title: str, **context: Any) -> str:
    """A public page (no per-visitor token): its content block inside a layout rendered once per app.

    The layout (head, header, footer) is the same bytes for every public page, so rendering
    it again for each one would only repeat work; the page's own block is spliced in.
    """
    shell = current_app.extensions.get("customer.public_shell")
    if shell is None:
        shell = current_app.extensions["customer.public_shell"] = render_template("customer/_public_shell.html")
    head, _, tail = shell.replace(_TITLE, str(escape(title)), 1).partition(_CONTENT)
    return head + render_block(template_name, "content", **context) + tail
