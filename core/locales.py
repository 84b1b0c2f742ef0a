"""The customer's language as an order carries it: a BCP 47 language tag ("es", "es-MX", "de-AT").

One rule for every way in (the API, store webhooks, the CSV import): the tag's shape is checked here
and written in its canonical case; which tags the shop can actually speak is the web layer's business.
"""

from __future__ import annotations

import re

from core.errors import ValidationFailed

# language (2-3 letters), then an optional script (4 letters), region (2 letters or 3 digits) and
# variants; "_" is taken for "-" as many stores write "de_DE". Private-use and extensions are not kept.
PATTERN = r"[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?(?:[-_](?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
MAX_LENGTH = 35  # the longest tag RFC 5646 asks implementations to keep
_TAG = re.compile(PATTERN)


def _case(index: int, part: str) -> str:
    if index == 0:
        return part.lower()
    if len(part) == 4 and part.isalpha():
        return part.title()  # script
    return part.upper() if len(part) == 2 or part.isdigit() else part.lower()


def canonical(raw: str, *, field: str = "locale") -> str:
    """``"ES_mx"`` -> ``"es-MX"``; anything that is not a language tag is a ValidationFailed on ``field``."""
    value = raw.strip()
    if len(value) > MAX_LENGTH or not _TAG.fullmatch(value):
        raise ValidationFailed("A locale is a language tag such as en, es-MX or de-DE.", field=field)
    return "-".join(_case(i, part) for i, part in enumerate(value.replace("_", "-").split("-")))


def canonical_or_none(raw: object) -> str | None:
    """What a store sent, cleaned rather than refused: a tag that does not parse is dropped."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return canonical(raw)
    except ValidationFailed:
        return None
