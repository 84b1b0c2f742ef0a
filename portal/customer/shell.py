"""The public page shell: the layout of a page without per-visitor content, rendered once per app and language."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import current_app, render_template, request
from markupsafe import escape

from web.i18n import NEXT_SLOT, current_language, order_decides
from web.rendering import render_block

_TITLE, _CONTENT = "@@SHIPLOG_TITLE@@", "@@SHIPLOG_CONTENT@@"


def _shell() -> str:
    """The layout in the page's language, with or without the language switcher (absent where the
    order's locale decides): each rendered once, then reused."""
    shells: dict[tuple[str, bool], str] = current_app.extensions.setdefault("customer.public_shell", {})
    key = (current_language(), order_decides())
    if key not in shells:
        shells[key] = render_template("customer/_public_shell.html", language_next=NEXT_SLOT)
    return shells[key]


def public_page(template_name: str, title: str, **context: Any) -> str:
    """A public page (no per-visitor token): its content block inside a layout rendered once per app.

    The layout (head, header, footer) is the same bytes for every public page in one language, so
    rendering it again for each one would only repeat work; the page's own block and path are spliced in.
    """
    shell = _shell().replace(NEXT_SLOT, quote(request.path, safe="/"))
    head, _, tail = shell.replace(_TITLE, str(escape(title)), 1).partition(_CONTENT)
    return head + render_block(template_name, "content", **context) + tail
