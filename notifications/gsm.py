"""GSM-7: the SMS alphabet that fits 160 characters in one segment (UCS-2 fits only 70).

Rendering maps common typographic characters to GSM equivalents so one curly quote
does not silently turn a one-segment text into three.
"""

from __future__ import annotations

import re

_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENDED = "^{}\\[~]|€\f"  # each costs two characters (escape + char)
GSM7 = frozenset(_BASIC) | frozenset(_EXTENDED)

_REPLACEMENTS = {
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "•": "-",
    "×": "x",
    "\u00a0": " ",
    "\u2009": " ",
}
_SPACES = re.compile(r"[ \t]+")

SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153  # concatenated messages spend 7 characters on the header


def to_gsm7(text: str) -> str:
    """Typographic punctuation to plain GSM, whitespace collapsed to single spaces."""
    mapped = "".join(_REPLACEMENTS.get(char, char) for char in text)
    return _SPACES.sub(" ", " ".join(mapped.split())).strip()


def is_gsm7(text: str) -> bool:
    return all(char in GSM7 for char in text)


def length(text: str) -> int:
    """Characters as the network counts them: extended ones take two."""
    return sum(2 if char in _EXTENDED else 1 for char in text)


def segments(text: str) -> int:
    """How many SMS segments ``text`` is billed as."""
    if not is_gsm7(text):
        units = len(text.encode("utf-16-le")) // 2
        return 1 if units <= 70 else -(-units // 67)
    size = length(text)
    return 1 if size <= SINGLE_SEGMENT else -(-size // MULTI_SEGMENT)
