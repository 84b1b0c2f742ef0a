"""The public page shell: the layout of a page without per-visitor content, rendered once per app."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from markupsafe import escape

from web.rendering import render_block

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
