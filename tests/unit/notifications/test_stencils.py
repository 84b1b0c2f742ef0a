"""One rendering per event, filled in per recipient, must equal rendering each recipient in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from notifications.rendering import Renderer, Stencil
from tests.unit.notifications.test_rendering import CODES, context

RENDERER = Renderer()
LINKS = [
    "https://shop.example.com/unsubscribe/eyJjIjoiZW1haWwifQ.awKL6g.tY42YbgAmQrgOe9UDjafELtUP4w",
    "https://shop.example.com/u?a=1&b=<2>;c,d",  # needs HTML escaping
    "x",
]


def _shared() -> dict[str, object]:
    found = context()
    del found["recipient"], found["unsubscribe_url"]
    return found


def _stencil(code: str, channel: str, renderer: Renderer = RENDERER) -> Stencil:
    stencil = renderer.stencil(code, channel, _shared())
    assert stencil is not None
    return stencil


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("link", LINKS)
def test_an_email_stencil_filled_in_is_the_full_rendering(code: str, link: str) -> None:
    stencil = _stencil(code, "email")
    full = RENDERER.render(code, "email", context(unsubscribe_url=link))
    assert stencil.fits(link)
    assert stencil.fill(link) == full
    assert stencil.placeholder is not None
    assert stencil.placeholder in stencil.rendered.text  # where each recipient's own link goes


@pytest.mark.parametrize("code", CODES)
def test_an_sms_stencil_is_the_same_for_every_number(code: str) -> None:
    stencil = _stencil(code, "sms")
    full = RENDERER.render(code, "sms", context(recipient={"channel": "sms", "address": "+12025550143"}))
    assert stencil.placeholder is None
    assert stencil.fill(None) == full


@pytest.mark.parametrize("link", ["", "https://shop.example.com/a b", " https://shop.example.com/a", None])
def test_links_that_whitespace_handling_would_change_are_rendered_in_full(link: str | None) -> None:
    assert not _stencil("shipped", "email").fits(link)


def _folder(tmp_path: Path, text_layout: str, html_layout: str = "{{ content }}", sms: str = "{{ content }}") -> Path:
    for name, body in {
        "_layout/email.txt.j2": text_layout,
        "_layout/email.html.j2": html_layout,
        "_layout/sms.txt.j2": sms,
        "_layout/parts.j2": "{% macro link() %}{{ unsubscribe_url }}{% endmacro %}",
        "demo/email.txt.j2": "{% block subject %}Hello{% endblock %}{% block text %}Body{% endblock %}",
        "demo/email.html.j2": "<p>Body</p>",
        "demo/sms.txt.j2": "Body",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body)
    return tmp_path


@pytest.mark.parametrize(
    "layout",
    [
        "{{ content }} {{ unsubscribe_url|upper }}",  # a filter
        "{{ content }}{% if unsubscribe_url %} stop: {{ unsubscribe_url }}{% endif %}",  # a test
        "{{ content }} {{ recipient.address }}",  # the recipient
        '{% import "_layout/parts.j2" as p with context %}{{ content }} {{ p.link() }}',  # inside a macro
        "{% filter upper %}{{ content }} {{ unsubscribe_url }}{% endfilter %}",  # inside a filter block
        "{% set where = unsubscribe_url %}{{ content }} {{ where }}",  # passed on
        "{% include name_chosen_later %}",  # a template chosen at run time
    ],
)
def test_templates_that_use_the_recipient_otherwise_get_no_stencil(tmp_path: Path, layout: str) -> None:
    renderer = Renderer(_folder(tmp_path, layout))
    assert renderer.stencil("demo", "email", _shared()) is None


def test_sms_templates_that_mention_the_link_at_all_get_no_stencil(tmp_path: Path) -> None:
    renderer = Renderer(_folder(tmp_path, "{{ content }}", sms="{{ content }} {{ unsubscribe_url }}"))
    assert renderer.stencil("demo", "sms", _shared()) is None
    assert renderer.stencil("demo", "email", _shared()) is not None


def test_a_plainly_printed_link_gets_a_stencil(tmp_path: Path) -> None:
    renderer = Renderer(
        _folder(tmp_path, "{{ content }}\nStop: {{ unsubscribe_url }}", '<a href="{{ unsubscribe_url }}">')
    )
    stencil = renderer.stencil("demo", "email", _shared())
    assert stencil is not None
    assert stencil.fill("https://x.example/?a&b") == renderer.render(
        "demo", "email", _shared() | {"unsubscribe_url": "https://x.example/?a&b", "recipient": {}}
    )
