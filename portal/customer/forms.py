"""Parsing and validating customer forms: anything malformed becomes a message, never an exception.

Every text is length-capped and checked for the characters ``core.characters`` refuses before it
reaches a query, so huge, binary or NUL-laden input is refused here with a 4xx.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers
from flask_babel import gettext

from core import characters
from core.domain.commands import ReturnLineInput, normalise_email
from core.errors import ValidationFailed
from core.policies import RETURN_REASONS
from core.services.subscriptions import normalise_phone

ORDER_NUMBER = re.compile(r"[A-Z0-9-]{3,32}")
TRACKING_NUMBER = re.compile(r"[A-Z0-9-]{6,64}")
CLIENT_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_QUANTITY = 1000


def text(form: Mapping[str, str], name: str, limit: int, *, multiline: bool = False) -> str:
    """The field's value, stripped; refuses over-long text and control characters."""
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        raise ValidationFailed(gettext("That is too long: at most %(limit)s characters.", limit=limit), field=name)
    if characters.refused(value, multiline=multiline) is not None:
        raise ValidationFailed(gettext("That contains characters we cannot accept."), field=name)
    return value


def email_address(raw: str, field: str = "email") -> str:
    """Normalised as orders store it; refused in the page's language (the validator's own detail is English)."""
    try:
        return normalise_email(raw)
    except ValidationFailed:
        raise ValidationFailed(
            gettext("That email address does not look right. Check it and try again."), field=field
        ) from None


def order_number(raw: str) -> str:
    number = raw.strip().upper().lstrip("#")
    if not ORDER_NUMBER.fullmatch(number):
        raise ValidationFailed(
            gettext("Enter the order number from your confirmation email, e.g. SL12345678."), field="number"
        )
    return number


def tracking_number(raw: str) -> str | None:
    number = raw.strip().upper().replace(" ", "")
    return number if TRACKING_NUMBER.fullmatch(number) else None


@dataclass(frozen=True)
class Lookup:
    number: str
    channel: str  # email | phone
    contact: str  # normalised


def parse_lookup(form: Mapping[str, str]) -> Lookup:
    """Order number plus email or phone; the contact is normalised the way orders store it."""
    number = order_number(text(form, "number", 64))
    contact = text(form, "contact", 254)
    if not contact:
        raise ValidationFailed(gettext("Enter the email address or phone number used for the order."), field="contact")
    if "@" in contact:
        return Lookup(number, "email", email_address(contact))
    return Lookup(number, "phone", lookup_phone(contact))


def lookup_phone(raw: str) -> str:
    """E.164 for comparison. Lenient: a possible-but-unassigned number (a 555 demo number)
    may still be what the store sent us, so only a number that cannot exist is refused."""
    try:
        return normalise_phone(raw)
    except ValidationFailed:
        try:
            number = phonenumbers.parse(raw.strip()[:40], "US")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_possible_number(number):
            raise
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_subscription(form: Mapping[str, str]) -> tuple[list[tuple[str, str]], str]:
    """([(channel, address)], scope). Both addresses are checked before anything is saved."""
    email, phone = text(form, "email", 254), text(form, "phone", 40)
    scope = form.get("scope") or "all"
    if scope not in {"all", "delivery"}:
        raise ValidationFailed(gettext("Choose all updates, or delivery updates only."), field="scope")
    if not email and not phone:
        raise ValidationFailed(gettext("Enter an email address, a mobile number, or both."), field="email")
    if form.get("consent") != "yes":
        raise ValidationFailed(gettext("Please tick the box to agree to receive updates."), field="consent")
    found = [("email", email_address(email))] if email else []
    if phone:
        found.append(("sms", normalise_phone(phone)))
    return found, scope


def client_token(form: Mapping[str, str]) -> str:
    token = form.get("client_token") or ""
    if not CLIENT_TOKEN.fullmatch(token):
        raise ValidationFailed(gettext("This form has expired. Please start your return again."), field="client_token")
    return token


def _quantity(form: Mapping[str, str], line_id: int) -> int:
    raw = (form.get(f"qty-{line_id}") or "0").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_QUANTITY:
        raise ValidationFailed(gettext("Choose how many of each item to return."), field=f"qty-{line_id}")
    return int(raw)


def _exchange_variant(form: Mapping[str, str], line_id: int, allowed: set[int]) -> int:
    raw = (form.get(f"variant-{line_id}") or "").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) not in allowed:
        raise ValidationFailed(
            gettext("Choose a size or colour that is in stock for the exchange."), field=f"variant-{line_id}"
        )
    return int(raw)


def _line(form: Mapping[str, str], line_id: int, quantity: int, exchange_ids: set[int]) -> ReturnLineInput:
    reason = form.get(f"reason-{line_id}") or ""
    if reason not in RETURN_REASONS:
        raise ValidationFailed(gettext("Choose a reason for each item you return."), field=f"reason-{line_id}")
    resolution = form.get(f"resolution-{line_id}") or "refund"
    if resolution not in {"refund", "exchange"}:
        raise ValidationFailed(gettext("Choose a refund or an exchange."), field=f"resolution-{line_id}")
    variant = _exchange_variant(form, line_id, exchange_ids) if resolution == "exchange" else None
    note = text(form, f"note-{line_id}", 500, multiline=True) or None
    return ReturnLineInput(line_id, quantity, reason, resolution, variant, note)


def parse_return(
    form: Mapping[str, str], returnable: Mapping[int, int], exchanges: Mapping[int, set[int]]
) -> tuple[list[ReturnLineInput], str | None]:
    """The chosen lines (``returnable`` maps line id to the most that can go back) and the note."""
    items = []
    for line_id, most in returnable.items():
        quantity = _quantity(form, line_id)
        if quantity > most:
            raise ValidationFailed(
                gettext("You can return up to %(most)s of that item.", most=most), field=f"qty-{line_id}"
            )
        if quantity:
            items.append(_line(form, line_id, quantity, exchanges.get(line_id, set())))
    if not items:
        raise ValidationFailed(gettext("Choose at least one item to return."), field="lines")
    return items, text(form, "note", 2000, multiline=True) or None
