"""One rendering path for sending and for previews.

Templates live in ``notifications/templates/<code>/``: ``email.txt.j2`` (blocks
``subject`` and ``text``), ``email.html.j2`` (the HTML body) and ``sms.txt.j2``.
Layouts in ``_layout/`` add the branding, the order link, and the unsubscribe
link or STOP hint, so no single template can forget them. Only ``.html.j2`` files
are autoescaped.

Those are the order-level messages, for the order's own contact. A parcel-level recipient
(anyone else: ``core.outbox``) gets ``_parcel/<code>/`` in ``_parcel/_layout/``, rendered from a
context that holds one parcel's public status and no part of the order
(``notifications.context.parcel_context``); a code with no parcel version has no such message.

Every recipient of one event gets the same message but for the unsubscribe link, so
the event is rendered once (a ``Stencil``) with a placeholder where the link goes, and
each recipient's link is filled in; ``template_scan`` checks that the templates allow
this (and when they do not, each recipient is rendered in full).

Templates speak through gettext (``{{ _("...") }}``, ``{% trans %}``): a context's ``language`` (the
order's, else the shop's: ``context.Branding.voice``) picks the catalogue, one compiled-template
environment per language. An SMS stays within ``gsm.BUDGET`` segments in every language.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from core.outbox import ORDER, PARCEL
from notifications import gsm, template_scan
from web.i18n import ENGLISH, catalogue

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHANNELS = ("email", "sms")
# Letters and digits only, so escaping, GSM mapping and whitespace clean-up all leave it as it is;
# random per process, so no message text can contain it by accident.
PLACEHOLDER = "shiplogLink" + secrets.token_hex(12)
_WHITESPACE = re.compile(r"\s")
FOLDERS = {ORDER: "", PARCEL: "_parcel/"}  # where each level's templates and layouts are


@dataclass(frozen=True)
class Rendered:
    channel: str
    subject: str | None
    text: str
    html: str | None

    @property
    def sms_segments(self) -> int:
        return gsm.segments(self.text)


@dataclass(frozen=True)
class Stencil:
    """One rendering shared by every recipient of an event; ``placeholder`` marks each one's unsubscribe link."""

    rendered: Rendered
    placeholder: str | None  # None: nothing in the message depends on the recipient

    def fits(self, link: str | None) -> bool:
        """Filling in ``link`` gives exactly what rendering with it would: rendering trims and collapses
        whitespace, which a link with spaces or an empty one would be caught up in."""
        return self.placeholder is None or (bool(link) and not _WHITESPACE.search(link or ""))

    def fill(self, link: str | None) -> Rendered:
        if self.placeholder is None or link is None:
            return self.rendered
        mark, shown = self.placeholder, self.rendered
        html = shown.html.replace(mark, str(escape(link))) if shown.html is not None else None
        subject = shown.subject.replace(mark, link) if shown.subject is not None else None
        return Rendered(shown.channel, subject, shown.text.replace(mark, link), html)


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith(".html.j2"))


class Renderer:
    """A compiled-template cache per language; build one per process and reuse it."""

    def __init__(self, folder: Path = TEMPLATES, catalogues: Callable[[str], NullTranslations] = catalogue) -> None:
        self.folder, self.catalogues = folder, catalogues
        self._envs: dict[str, Environment] = {}
        self._shareable: dict[tuple[str, str, str], bool] = {}

    @property
    def env(self) -> Environment:
        """The English environment (which templates share a rendering does not depend on the language)."""
        return self.environment(ENGLISH)

    def environment(self, language: str) -> Environment:
        found = self._envs.get(language)
        if found is None:
            found = Environment(
                loader=FileSystemLoader(self.folder),
                autoescape=_autoescape,
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,
                extensions=["jinja2.ext.i18n"],
            )
            found.install_gettext_translations(self.catalogues(language), newstyle=True)  # type: ignore[attr-defined]
            self._envs[language] = found
        return found

    def codes(self, level: str = ORDER) -> list[str]:
        """Every notification code that has templates at ``level``."""
        folder = self.folder / FOLDERS[level]
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("_"))

    def stencil(self, code: str, channel: str, shared: dict[str, Any], level: str = ORDER) -> Stencil | None:
        """Render ``shared`` (the event's context) once for all its recipients; None if the templates need each one."""
        email = channel == "email"
        key = (code, channel, level)
        if key not in self._shareable:
            names = self._names(code, channel, level)
            self._shareable[key] = template_scan.shareable(self.env, names, link_allowed=email)
        if not self._shareable[key]:
            return None
        link = PLACEHOLDER if email else None
        context = shared | {"recipient": {"channel": channel, "address": ""}, "unsubscribe_url": link}
        return Stencil(self.render(code, channel, context, level), link)

    def _names(self, code: str, channel: str, level: str) -> list[str]:
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}: use email or sms")
        at = FOLDERS[level]
        kinds = ("email.txt.j2", "email.html.j2") if channel == "email" else ("sms.txt.j2",)
        return [f"{at}{folder}/{kind}" for folder in (code, "_layout") for kind in kinds]

    def render(self, code: str, channel: str, context: dict[str, Any], level: str = ORDER) -> Rendered:
        """The message for ``code`` at ``level`` (``core.outbox.ORDER`` or ``PARCEL``)."""
        env = self.environment(str(context.get("language") or ENGLISH))
        if channel == "email":
            return self._email(env, FOLDERS[level], code, context)
        if channel == "sms":
            return self._sms(env, FOLDERS[level], code, context)
        raise ValueError(f"unknown channel {channel!r}: use email or sms")

    def _block(self, template: Template, name: str, context: dict[str, Any]) -> str:
        return "".join(template.blocks[name](template.new_context(context))).strip()

    def _email(self, env: Environment, at: str, code: str, context: dict[str, Any]) -> Rendered:
        source = env.get_template(f"{at}{code}/email.txt.j2")
        subject = " ".join(self._block(source, "subject", context).split())
        text_body = self._block(source, "text", context)
        html_body = env.get_template(f"{at}{code}/email.html.j2").render(context)
        framed = context | {"subject": subject}
        text = env.get_template(f"{at}_layout/email.txt.j2").render(framed | {"content": text_body})
        html = env.get_template(f"{at}_layout/email.html.j2").render(framed | {"content": Markup(html_body)})
        return Rendered("email", subject, text.strip() + "\n", html)

    def _sms(self, env: Environment, at: str, code: str, context: dict[str, Any]) -> Rendered:
        """Shop name, message, link, STOP hint; the name goes if that alone keeps it within the budget."""
        content = gsm.to_gsm7(env.get_template(f"{at}{code}/sms.txt.j2").render(context))
        layout = env.get_template(f"{at}_layout/sms.txt.j2")
        branded = gsm.to_gsm7(layout.render(context | {"content": content, "brand": True}))
        if not gsm.within_budget(branded):
            plain = gsm.to_gsm7(layout.render(context | {"content": content, "brand": False}))
            branded = plain if gsm.within_budget(plain) else branded
        return Rendered("sms", None, branded, None)
