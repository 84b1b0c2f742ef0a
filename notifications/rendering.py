"""One rendering path for sending and for previews.

Templates live in ``notifications/templates/<code>/``: ``email.txt.j2`` (blocks
``subject`` and ``text``), ``email.html.j2`` (the HTML body) and ``sms.txt.j2``.
Layouts in ``_layout/`` add the branding, the order link, and the unsubscribe
link or STOP hint, so no single template can forget them. Only ``.html.j2`` files
are autoescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from notifications import gsm

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHANNELS = ("email", "sms")


@dataclass(frozen=True)
class Rendered:
    channel: str
    subject: str | None
    text: str
    html: str | None

    @property
    def sms_segments(self) -> int:
        return gsm.segments(self.text)


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith(".html.j2"))


class Renderer:
    """A compiled-template cache; build one per process and reuse it."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        self.env = Environment(
            loader=FileSystemLoader(folder),
            autoescape=_autoescape,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )

    def codes(self) -> list[str]:
        """Every notification code that has templates."""
        return sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith("_"))

    def render(self, code: str, channel: str, context: dict[str, Any]) -> Rendered:
        if channel == "email":
            return self._email(code, context)
        if channel == "sms":
            return self._sms(code, context)
        raise ValueError(f"unknown channel {channel!r}: use email or sms")

    def _block(self, template: Template, name: str, context: dict[str, Any]) -> str:
        return "".join(template.blocks[name](template.new_context(context))).strip()

    def _email(self, code: str, context: dict[str, Any]) -> Rendered:
        source = self.env.get_template(f"{code}/email.txt.j2")
        subject = " ".join(self._block(source, "subject", context).split())
        text_body = self._block(source, "text", context)
        html_body = self.env.get_template(f"{code}/email.html.j2").render(context)
        framed = context | {"subject": subject}
        text = self.env.get_template("_layout/email.txt.j2").render(framed | {"content": text_body})
        html = self.env.get_template("_layout/email.html.j2").render(framed | {"content": Markup(html_body)})
        return Rendered("email", subject, text.strip() + "\n", html)

    def _sms(self, code: str, context: dict[str, Any]) -> Rendered:
        """Shop name, message, order link, STOP hint; the name goes if that alone keeps it to one segment."""
        content = gsm.to_gsm7(self.env.get_template(f"{code}/sms.txt.j2").render(context))
        layout = self.env.get_template("_layout/sms.txt.j2")
        branded = gsm.to_gsm7(layout.render(context | {"content": content, "brand": True}))
        if gsm.segments(branded) > 1:
            plain = gsm.to_gsm7(layout.render(context | {"content": content, "brand": False}))
            branded = plain if gsm.segments(plain) == 1 else branded
        return Rendered("sms", None, branded, None)
