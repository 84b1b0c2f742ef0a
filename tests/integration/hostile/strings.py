"""Hostile text for the fuzz, and how each kind of request carries it.

A string may hold anything Python can: NUL and every other control character, unpaired
surrogates, right-to-left and zero-width characters, strings of 100,000 characters. A form or a
query string carries it as UTF-8 bytes (a surrogate as its WTF-8 bytes, which is all a client can
send); a JSON body as ``\\u0000``-style escapes, or as the raw bytes, 0x00 included.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from core import characters

# Each test is one request per example; the fuzz as a whole stays around a minute a backend.
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)

NASTY = [
    "\x00",
    "A\x00B",
    "\x00" * 8,
    "tab\there",
    "line\nbreak\r\n",
    "\x01\x02\x1b[31mred\x7f",
    "next\x85line",
    "\u2028\u2029",
    "\ud800",
    "x\udfffy",
    "\ud83d",
    "\u202egnp.exe",
    "zero\u200bwidth\u200c\u200d\ufeff",
    "مرحبا بالعالم",
    "Zoë 👩\u200d👩\u200d👧 🚚",
    "\U0010ffff\ufffe\uffff",
    "%00",
    "\\u0000",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "",
    " ",
]
LONG_UNITS = ["x", "\x00", "é", "🚚", "\u200b", "\ud800", "\u202e"]

hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Zl", "Zp", "Co"]), min_size=1, max_size=12),
    st.text(max_size=40),
    st.builds(lambda before, bad, after: before + bad + after, st.text(max_size=6), st.sampled_from(NASTY), st.text(max_size=6)),
    st.builds(lambda unit: unit * 100_000, st.sampled_from(LONG_UNITS)),
)  # fmt: skip
"""Any hostile string."""


def refused(value: str, *, multiline: bool = False) -> bool:
    return characters.refused(value, multiline=multiline) is not None


def wire(value: str) -> bytes:
    """What a client can send of ``value``: UTF-8, surrogates as their WTF-8 bytes."""
    return value.encode("utf-8", "surrogatepass")


def arrived(value: str) -> str:
    """What a form field holds of ``value`` once the app has decoded it (a surrogate's bytes are
    not UTF-8: werkzeug keeps them percent-encoded), read with the app's own parser."""
    sent = EnvironBuilder(method="POST", data=form({"v": value}), content_type="application/x-www-form-urlencoded")
    return sent.get_request().form["v"]


def form(fields: dict[str, str]) -> bytes:
    """An application/x-www-form-urlencoded body."""
    return "&".join(f"{quote(wire(k), safe='')}={quote(wire(v), safe='')}" for k, v in fields.items()).encode()


URL_BYTES = 4000  # gunicorn refuses a request line over 4094 bytes: a longer query never reaches the app


def query(fields: dict[str, str]) -> str:
    """A query string, each value cut to what a request line can carry (perhaps mid-character)."""
    return "&".join(f"{quote(wire(k), safe='')}={quote(wire(v)[:URL_BYTES], safe='')}" for k, v in fields.items())


def in_url(value: str) -> str:
    """What a query parameter holds of ``value`` once cut and decoded by the app's own parser."""
    return EnvironBuilder(query_string=query({"v": value})).get_request().args["v"]


def segment(value: str) -> str:
    """A path segment of ``value``, cut the same way; never empty."""
    return quote(wire(value)[:URL_BYTES], safe="") or "x"


def json_body(document: Any, *, raw: bool = False) -> bytes:
    """``document`` as JSON, every character escaped (``\\u0000``, ``\\ud800``); with ``raw``,
    the UTF-8 bytes themselves, NUL and other controls unescaped (not JSON any more)."""
    escaped = json.dumps(document).encode()
    if not raw:
        return escaped
    text = json.dumps(document, ensure_ascii=False)
    for point in [*range(0x20), 0x7F]:  # json.dumps escapes C0 even without ensure_ascii
        text = text.replace(f"\\u{point:04x}", chr(point))
    return wire(text)
