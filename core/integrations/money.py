"""Decimal amounts as stores send them ("409.94") to integer minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import ValidationFailed

# ISO 4217 currencies without minor units; everything else is taken to have two.
LIMIT = Decimal(10) ** 12  # far above any order; keeps arithmetic exact and bounded
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV"})


def exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def to_minor(value: object, currency: str, *, field: str) -> int:
    """ "12.30" / 12.3 / None -> 1230 / 0; anything else is a ValidationFailed on ``field``."""
    if value is None or value == "":
        return 0
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(f"{value!r} is not an amount.", field=field) from None
    if not amount.is_finite() or abs(amount) >= LIMIT:
        raise ValidationFailed(f"{value!r} is not an amount.", field=field)
    scaled = (amount * (10 ** exponent(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(scaled)
