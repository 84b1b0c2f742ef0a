"""Page-or-block rendering (htmx template fragments) and redirects that work with and without htmx."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, render_template, request
from werkzeug.utils import redirect
from werkzeug.wrappers import Response


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
