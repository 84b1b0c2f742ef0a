"""Which characters free text may hold: the one rule, for every way text comes in.

Refused: control characters (Unicode category Cc: C0, DEL and C1) and unpaired surrogates (Cs).
PostgreSQL cannot store NUL in text or JSON at all, no driver can encode a surrogate as UTF-8,
and no person types the other controls: they come from broken or hostile clients. Multi-line
text (notes) may also hold tab, line feed and carriage return.

Format characters (Cf: zero-width joiners, right-to-left marks) are allowed: names in Arabic
or Hebrew and emoji sequences need them, and they store and display safely.

Input we control the shape of (the API, staff and customer forms, CSV imports) is refused with
a message naming the field (``check``). Text from stores and carriers, which the sender cannot
fix in time and which must not cost an order, is cleaned instead (``clean``).
"""

from __future__ import annotations

import re

from core.errors import ValidationFailed

# Written as regex escapes, not characters, so the same text is a valid pattern for Python's
# ``re`` and for JSON Schema's ECMA-262 regexes (the OpenAPI document publishes it).
_CONTROLS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"  # every Cc but tab, LF and CR
_LINE_BREAKS = "\\t\\n\\r"
_SURROGATES = "\\ud800-\\udfff"

# For the API's JSON Schema patterns: the rule without the surrogates, which ECMA-262 and other
# JSON Schema regex engines cannot name, and which msgspec refuses as malformed JSON anyway.
LINE_CHARACTER = f"[^{_CONTROLS}{_LINE_BREAKS}]"
"""A character a single line of JSON text may hold: no control character at all."""
LINES_CHARACTER = f"[^{_CONTROLS}]"
"""A character several lines of JSON text may hold: tab, line feed and carriage return too."""

_IN_LINE = re.compile(f"[{_CONTROLS}{_LINE_BREAKS}{_SURROGATES}]")
_IN_LINES = re.compile(f"[{_CONTROLS}{_SURROGATES}]")
_BREAKS = re.compile(f"[{_LINE_BREAKS}]+")


def _refused(multiline: bool) -> re.Pattern[str]:
    return _IN_LINES if multiline else _IN_LINE


def refused(value: str, *, multiline: bool = False) -> str | None:
    """The first character of ``value`` this rule refuses, or None."""
    if value.isprintable():  # every refused character is unprintable, and this check costs less than the regex
        return None
    found = _refused(multiline).search(value)
    return found.group() if found else None


def describe(character: str) -> str:
    """``U+0000 (a control character)``: how a refused character is named in messages."""
    kind = "an unpaired surrogate" if 0xD800 <= ord(character) <= 0xDFFF else "a control character"
    return f"U+{ord(character):04X} ({kind})"


def check(value: str, field: str, *, multiline: bool = False, label: str = "") -> str:
    """``value`` itself, or ``ValidationFailed`` naming ``field`` and the first refused character
    (the message starts with ``label``, for a page that shows it away from the field)."""
    bad = refused(value, multiline=multiline)
    if bad is not None:
        words = f"{label} contains" if label else "Contains"
        raise ValidationFailed(f"{words} a character that is not allowed: {describe(bad)}.", field=field)
    return value


def clean(value: str, *, multiline: bool = False) -> str:
    """``value`` with every refused character taken out; on a single line, tabs and line breaks
    become one space, so that words on either side stay apart."""
    if not multiline:
        value = _BREAKS.sub(" ", value)
    return _refused(multiline).sub("", value)


def visible(value: str) -> str:
    """``value`` with every refused character but tab and line breaks shown as an escape
    (``\\x00``, ``\\ud800``), for staff inspecting what a sender really sent."""
    return _IN_LINES.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), value)
