"""GSM-7: the SMS alphabet that fits 160 characters in one segment (UCS-2 fits only 70).

Rendering maps common typographic characters, and accented letters GSM-7 lacks (Spanish á, í, ó, ú),
to GSM equivalents so one curly quote or accent does not silently turn a one-segment text into three.
Every SMS, in every language shipped, stays within ``BUDGET`` segments (``within_budget``).
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
    "„": '"',
    "«": '"',
    "»": '"',
    "‚": "'",
}
# Letters GSM-7 does not have, read as the plain letter, as carriers' own "smart encoding" does:
# GSM-7 has é, ñ, ü, ä, ö, ß, ¿ and ¡, but not Spanish á, í, ó, ú.
_REPLACEMENTS |= dict(zip("áíóúÁÍÓÚâêîôûëïçÀÂÊÎÔÛËÏÈ", "aiouAIOUaeioueiÇAAEIOUEIE", strict=True))
_SPACES = re.compile(r"[ \t]+")

SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153  # concatenated messages spend 7 characters on the header
BUDGET = 1  # segments one SMS may cost, in every language (tests/unit/notifications/test_sms_budget.py)


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


def within_budget(text: str) -> bool:
    """Does ``text`` cost no more than the budget? The one rule rendering and its tests apply."""
    return segments(text) <= BUDGET
