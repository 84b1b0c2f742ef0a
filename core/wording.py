"""Marking the English a customer reads in core, so the translation catalogue picks it up.

Core stays free of any translation machinery: ``translatable`` returns its text unchanged, and
``babel.cfg`` lists it as a keyword, so the string lands in ``translations/messages.pot``. Pages and
messages translate such a text where they show it (``web.wording``), in the reader's language.
"""

from __future__ import annotations


def translatable(text: str) -> str:
    """``text`` itself; marked for the catalogue (a customer reads it, in their language)."""
    return text
