"""The one rule for the characters free text may hold (core.characters)."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from core import characters
from core.errors import ValidationFailed

EVERY_CHARACTER = [chr(point) for point in range(sys.maxunicode + 1)]
LINE_BREAKS = {"\t", "\n", "\r"}


def test_refused_characters_are_exactly_the_controls_and_the_surrogates() -> None:
    refused = {c for c in EVERY_CHARACTER if unicodedata.category(c) in {"Cc", "Cs"}}
    assert {c for c in EVERY_CHARACTER if characters.refused(c)} == refused
    assert {c for c in EVERY_CHARACTER if characters.refused(c, multiline=True)} == refused - LINE_BREAKS


def test_the_json_patterns_are_the_same_rule_without_the_surrogates() -> None:
    """The API publishes these in its OpenAPI document; msgspec refuses surrogates before them."""
    for pattern, multiline in ((characters.LINE_CHARACTER, False), (characters.LINES_CHARACTER, True)):
        allowed = re.compile(pattern)
        for c in EVERY_CHARACTER:
            if unicodedata.category(c) != "Cs":
                assert bool(allowed.fullmatch(c)) == (characters.refused(c, multiline=multiline) is None), repr(c)


@pytest.mark.parametrize(
    "kept",
    [
        "Ada Lovelace",
        "Zoë Ünal-Ørsted",
        "مرحبا بالعالم",  # right to left
        "\u202eevil\u202c",  # a bidi override: stored and shown as text, never refused
        "zero\u200bwidth\u200djoiner\ufeff",
        "👩\u200d👩\u200d👧 🚚",
        "\U0010fffd",
    ],
)
def test_people_s_text_passes_untouched(kept: str) -> None:
    assert characters.check(kept, "name") == kept
    assert characters.clean(kept) == kept


@pytest.mark.parametrize(
    ("sent", "named"),
    [
        ("a\x00b", "U+0000 (a control character)"),
        ("tab\there", "U+0009 (a control character)"),
        ("del\x7f", "U+007F (a control character)"),
        ("next\x85line", "U+0085 (a control character)"),
        ("half \ud83d pair", "U+D83D (an unpaired surrogate)"),
    ],
)
def test_a_refused_character_is_named_with_the_field(sent: str, named: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        characters.check(sent, "shipping_address.city", label="The city")
    assert refused.value.field == "shipping_address.city"
    assert str(refused.value) == f"The city contains a character that is not allowed: {named}."


def test_several_lines_keep_their_breaks_but_no_other_control() -> None:
    assert characters.check("line one\r\n\tline two", "note", multiline=True) == "line one\r\n\tline two"
    with pytest.raises(ValidationFailed):
        characters.check("line one\x00", "note", multiline=True)


def test_clean_takes_refused_characters_out_and_keeps_words_apart() -> None:
    assert characters.clean("Ada\x00 Love\ud800lace\x1b[31m") == "Ada Lovelace[31m"
    assert characters.clean("12 Main St\nApt 4\t\tBack") == "12 Main St Apt 4 Back"
    assert characters.clean("Leave it\r\nwith the neighbour\x00", multiline=True) == "Leave it\r\nwith the neighbour"


def test_visible_shows_what_was_sent_as_escapes() -> None:
    assert characters.visible('{"a": "x\x00y\ud800\x85"}\n') == '{"a": "x\\x00y\\ud800\\x85"}\n'
