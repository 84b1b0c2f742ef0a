"""Money rules: integer minor units per currency, store amounts to minor units, and money as people read it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import ValidationFailed

# ISO 4217 currencies without minor units; everything else is taken to have two.
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV"})
LIMIT = Decimal(10) ** 12  # far above any order; keeps arithmetic exact and bounded
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
# ISO 4217 codes in circulation (funds and precious metals left out): a price in anything else is a typo.
_ISO_4217 = """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD
CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD
HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"""
CURRENCIES = frozenset(_ISO_4217.split())


def exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def check_currency(code: str, *, field: str = "currency") -> str:
    """``code`` if it is an ISO 4217 currency in circulation (upper case, as stored); else a ValidationFailed."""
    if not (len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
        raise ValidationFailed("Currency must be a three-letter ISO code such as USD.", field=field)
    if code not in CURRENCIES:
        raise ValidationFailed(f"{code} is not an ISO 4217 currency in use.", field=field)
    return code


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


def money_text(amount_minor: int, currency: str) -> str:
    """1234 USD -> "$12.34"; 1234 JPY -> "1,234 JPY" (the currency's own minor units)."""
    places = exponent(currency)
    whole, part = divmod(abs(amount_minor), 10**places)
    text = f"{whole:,}.{part:0{places}d}" if places else f"{whole:,}"
    sign = "-" if amount_minor < 0 else ""
    symbol = SYMBOLS.get(currency.upper(), "")
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def paid_unit_minor(unit_price_minor: int, quantity: int, line_discount_minor: int) -> int:
    """What one unit of a line actually cost after the line discount, rounded down."""
    return (unit_price_minor * quantity - line_discount_minor) // quantity


def decimal_text(amount_minor: int, currency: str) -> str:
    """1234 USD -> "12.34", as APIs take amounts (Shopify's Money, WooCommerce's amount): ``to_minor`` reversed."""
    places = exponent(currency)
    return str((Decimal(amount_minor) / (10**places)).quantize(Decimal(1).scaleb(-places)))
