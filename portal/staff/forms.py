"""Parsing staff form fields into service arguments; bad input becomes a ValidationFailed."""

from __future__ import annotations

from collections.abc import Mapping

from core import characters
from core.errors import ValidationFailed
from core.money import to_minor


def notify(form: Mapping[str, str]) -> bool:
    """Every action form has a "Don't notify the customer" checkbox named ``quiet``."""
    return form.get("quiet") not in {"1", "on", "true"}


def required(form: Mapping[str, str], name: str, label: str, limit: int = 300, *, multiline: bool = False) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        raise ValidationFailed(f"{label} is required.", field=name)
    if len(value) > limit:
        raise ValidationFailed(f"{label} can be at most {limit} characters.", field=name)
    return characters.check(value, name, multiline=multiline, label=label)


def confirmed(form: Mapping[str, str]) -> None:
    """A destructive action's form has a "confirm" box; without JavaScript, only this check holds."""
    if form.get("confirm") not in {"1", "on", "yes"}:
        raise ValidationFailed("Tick the box to confirm: this cannot be undone.", field="confirm")


def message(form: Mapping[str, str]) -> str | None:
    """The optional message to the customer (the domain checks its length and characters)."""
    return (form.get("message") or "").strip() or None


def optional(form: Mapping[str, str], name: str, limit: int = 300, *, label: str = "") -> str:
    value = (form.get(name) or "").strip()[:limit]
    return characters.check(value, name, label=label or f"The {name.replace('_', ' ')}")


def search_term(args: Mapping[str, str]) -> str:
    """The hub's ``q``: refused with a message (the page answers 400) when it holds a character no
    order, email or name can hold, rather than searched for."""
    return optional(args, "q", 200, label="The search")


def amount(form: Mapping[str, str], name: str, currency: str) -> int:
    raw = required(form, name, "An amount", 20).replace(",", "").lstrip("$€£")
    minor = to_minor(raw, currency, field=name)
    if minor <= 0:
        raise ValidationFailed("Enter an amount above zero, e.g. 12.50.", field=name)
    return minor


def quantities(form: Mapping[str, str], prefix: str, allowed: set[int]) -> dict[int, int]:
    """Fields like ``qty_12=2`` -> {12: 2}, leaving out blanks and zeros."""
    chosen: dict[int, int] = {}
    for key, raw in form.items():
        if not key.startswith(prefix) or not (raw or "").strip():
            continue
        ident = key[len(prefix) :]
        if not ident.isdigit() or int(ident) not in allowed:
            raise ValidationFailed("That line is not on this order.", field=key)
        if not raw.strip().isdigit():
            raise ValidationFailed("Quantities are whole numbers.", field=key)
        if int(raw) > 0:
            chosen[int(ident)] = int(raw)
    return chosen


def choice(form: Mapping[str, str], name: str, options: Mapping[str, str] | set[str], label: str) -> str:
    value = (form.get(name) or "").strip()
    if value not in options:
        raise ValidationFailed(f"Choose a {label} from the list.", field=name)
    return value


def whole_number(form: Mapping[str, str], name: str, label: str, *, signed: bool = False) -> int | None:
    """A typed count ("12", or "-3" when ``signed``); blank is None; anything else a ValidationFailed."""
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    digits = raw[1:] if signed and raw[:1] in "+-" else raw
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
        example = "a whole number such as 12 or -3" if signed else "a whole number such as 12"
        raise ValidationFailed(f"{label} must be {example}.", field=name)
    return int(raw)
