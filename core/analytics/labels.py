"""The words for the codes the analytics carry (reasons, carriers, statuses), from core's own catalogues.

The dashboard's charts, drill-down table and exports show these, never the codes: a hold reason reads
as the hub reads it (``core.events.catalogue``), a return reason as the customer chose it
(``core.policies``), a carrier by its display name (``core.carriers``).
"""

from __future__ import annotations

from core.carriers import carrier
from core.events.catalogue import EXCEPTION_TEXT, HOLD_REASON_TEXT
from core.policies import RETURN_REASONS


def spelled(code: str | None) -> str:
    """A code with no catalogue entry, as words: ``on_hold`` → "On hold"; none → "Unknown"."""
    words = str(code or "unknown").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def hold_reason(code: str | None) -> str:
    found = HOLD_REASON_TEXT.get(code or "")
    return _first_up(found) if found else spelled(code)


def return_reason(code: str | None) -> str:
    return RETURN_REASONS.get(code or "") or spelled(code)


def exception_reason(code: str | None) -> str:
    found = EXCEPTION_TEXT.get(code or "")
    return found[0] if found else spelled(code)


def carrier_name(code: str | None) -> str:
    return carrier(code).name if code else "Unknown"


def carrier_service(code: str | None, service: str | None) -> str:
    """``dhl`` + ``Express Worldwide`` → "DHL Express Worldwide" (a word both share is said once)."""
    name = carrier_name(code)
    if not service:
        return name
    last, first = name.split()[-1], service.split()[0]
    return f"{name} {service.split(' ', 1)[1]}" if last == first and " " in service else f"{name} {service}"
