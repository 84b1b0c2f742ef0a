"""Core's customer-facing English in the reader's language, for pages and messages alike.

Core marks what a customer reads (``core.wording.translatable``); these functions translate it with
the translations they are handed (a page's, or a message's) and fill in values formatted for the
reader (``web.formats``). English stays exactly what core wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from core.events.catalogue import EVENT_TYPES, EXCEPTION_TEXT, HOLD_REASON_TEXT, describe
from core.policies import ELIGIBILITY_TEXT, RETURN_REASONS, LineEligibility
from web import formats


class Gettext(Protocol):
    """What a translations object offers (babel's ``Translations`` or ``NullTranslations``)."""

    def gettext(self, message: str) -> str: ...


def event_text(code: str, values: Mapping[str, Any], tr: Gettext, language: str, currency: str | None = None) -> str:
    """A timeline headline: the catalogue's text translated, its placeholders filled for the reader."""
    kind = EVENT_TYPES.get(code)
    if kind is None:
        return describe(code, values)
    filled = dict(values)
    if filled.get("exception_text"):
        filled["exception_text"] = tr.gettext(str(filled["exception_text"]))
    amount = filled.get("amount_minor", filled.get("refund_minor"))
    if currency and isinstance(amount, int):
        filled["amount_text"] = formats.money(amount, currency, language)
    try:
        return replace(kind, text=tr.gettext(kind.text)).describe(filled)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):  # a slip in a translation
        return describe(code, values)


def text(message: str | None, tr: Gettext) -> str:
    """A core text (a timeline detail, an error message) in the reader's language when the catalogue
    has it; anything else (a carrier's words, staff's message) as it was written."""
    return tr.gettext(message) if message else ""


def exception(reason: str | None, tr: Gettext, fallback: tuple[str, str]) -> tuple[str, str]:
    """(headline, what happens next) of a shipment exception."""
    headline, next_step = EXCEPTION_TEXT.get(reason or "", fallback)
    return tr.gettext(headline), tr.gettext(next_step)


def hold_reason(reason: str | None, tr: Gettext) -> str:
    found = HOLD_REASON_TEXT.get(reason or "")
    return tr.gettext(found) if found else str(reason or "")


def return_reasons(tr: Gettext) -> dict[str, str]:
    return {code: tr.gettext(words) for code, words in RETURN_REASONS.items()}


def return_reason(code: str, tr: Gettext) -> str:
    found = RETURN_REASONS.get(code)
    return tr.gettext(found) if found else code


def eligibility(found: LineEligibility, tr: Gettext, language: str) -> str:
    """Whether a line can go back, in the policy's words, with the window's last day written for the reader."""
    wording = ELIGIBILITY_TEXT.get(found.code)
    if wording is None:
        return tr.gettext(found.message)
    closes = formats.calendar_date(found.window_closes_on, language) if found.window_closes_on else ""
    try:
        return tr.gettext(wording).format(date=closes)
    except (IndexError, KeyError, ValueError):  # a slip in a translation
        return found.message
