"""Page-or-block rendering for the hub: an htmx request gets the page's block, a plain one the page."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request


def is_htmx() -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def render_block(template_name: str, block: str, **context: Any) -> str:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(template_name)
    app.update_template_context(context)
    return "".join(template.blocks[block](template.new_context(context)))


def page(template_name: str, block: str, **context: Any) -> str:
    """The whole page, or only ``block`` of it for an htmx request."""
    if is_htmx():
        return render_block(template_name, block, **context)
    return render_template(template_name, **context)
