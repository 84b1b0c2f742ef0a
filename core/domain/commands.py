"""Inputs to the order and return services, and their validation (pure functions, no database)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from email_validator import EmailNotValidError, validate_email

from core import characters, locales
from core.errors import ValidationFailed
from core.money import check_currency, money_text
from core.risk import StoreRisk


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: int
    unit_price_minor: int | None = None  # None means "the catalogue price"
    discount_minor: int = 0
    tax_minor: int = 0  # the line's tax, as a store sent it


@dataclass(frozen=True)
class StorePayment:
    """The store took the money (``core.domain.payments.EXTERNAL``): Shiplog records it, never charges it."""

    store: str  # shopify | woocommerce
    reference: str  # "<store>:<store order id>": one payment per store order
    transactions: str | None = None  # the store's own transaction ids, when it sends them


@dataclass(frozen=True)
class AddressInput:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    region: str | None = None

    def lines(self) -> list[str]:
        return [self.line1, self.line2 or ""]


@dataclass(frozen=True)
class PlaceOrder:
    email: str
    name: str
    lines: list[LineInput]
    shipping_address: AddressInput
    billing_address: AddressInput | None = None
    phone: str | None = None  # E.164
    sms_consent: bool = False
    channel: str = "web"
    source_ref: str | None = None
    carrier: str = "usps"
    currency: str = "USD"
    locale: str | None = None  # the customer's language tag (core.locales); None: the shop's default
    shipping_minor: int = 0
    discount_minor: int = 0
    tax_minor: int = 0
    fraud_score: int = 0  # a score the caller sent: one more signal for core.risk, which can only add to it
    note: str | None = None
    card: str = "4242424242424242"  # with a processor (Stripe): its payment method id, pm_...
    payment_key: str | None = None  # the caller's key for this request: a retry authorises once
    payment_pending: bool = False  # the store has not confirmed payment yet
    placed_at: datetime | None = None
    number: str | None = None
    extra_holds: list[tuple[str, str]] = field(default_factory=list)
    client_ip: str | None = None  # the shopper's IP address, as the checkout or the store saw it
    card_fingerprint: str | None = None  # the store's (its BIN and last 4); a gateway's own wins (ordering)
    store_risk: StoreRisk | None = None  # the store's own risk assessment (Shopify's order risk)
    # A store's order is recorded as the store sent it: its prices (not the catalogue's), its name, its tax
    # lines, whether its prices include tax, and its total, which Shiplog's must equal.
    store_priced: bool = False
    store_name: str | None = None
    tax_lines: list[dict[str, object]] | None = None
    taxes_included: bool = False
    store_total_minor: int | None = None
    store_payment: StorePayment | None = None  # paid in the store (None: unpaid, or a card Shiplog charges)


@dataclass(frozen=True)
class ReturnLineInput:
    order_line_id: int
    quantity: int
    reason: str
    resolution: str = "refund"  # refund | exchange
    exchange_variant_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReturnOverride:
    """A manager taking back items the return policy refuses (final sale, window closed) because they
    arrived damaged or were the wrong item. ``reason`` is staff's words: recorded in the event, never
    shown to the customer."""

    reason: str


def normalise_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(f"That email address does not look right: {exc}", field="email") from None


class Priced(Protocol):
    """What the checks read of a line's item: the catalogue's ``Variant``, or history's ``PastItem``."""

    @property
    def price_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def listed(self) -> bool: ...


def unit_price(line: LineInput, variant: Priced, store_priced: bool) -> int:
    """What one unit of the line costs: the store's price for a store's order, else the catalogue's."""
    return line.unit_price_minor if store_priced and line.unit_price_minor is not None else variant.price_minor


def _check_catalogue_price(where: str, line: LineInput, variant: Priced, currency: str) -> None:
    if line.unit_price_minor is not None and line.unit_price_minor != variant.price_minor:
        price, sent = money_text(variant.price_minor, variant.currency), money_text(line.unit_price_minor, currency)
        raise ValidationFailed(f"{line.sku} costs {price}, but {sent} was sent.", field=f"{where}.unit_price_minor")
    if variant.currency != currency:
        raise ValidationFailed(f"{line.sku} is sold in {variant.currency}, not {currency}.", field="currency")


def _check_line(index: int, line: LineInput, variant: Priced | None, cmd: PlaceOrder) -> None:
    where, currency = f"lines[{index}]", cmd.currency
    if variant is None:
        raise ValidationFailed(f"Unknown SKU {line.sku!r}.", field=f"{where}.sku")
    if not (variant.listed or cmd.store_priced):  # a store's order records what the store did sell
        raise ValidationFailed(f"{line.sku} is no longer sold (its product is unlisted).", field=f"{where}.sku")
    if line.quantity <= 0:
        raise ValidationFailed(f"Quantity for {line.sku} must be at least 1.", field=f"{where}.quantity")
    if not cmd.store_priced:  # a store's price is what its customer paid: it is kept, not checked
        _check_catalogue_price(where, line, variant, currency)
    elif (line.unit_price_minor or 0) < 0 or line.tax_minor < 0:
        raise ValidationFailed(f"The price and tax of {line.sku} cannot be negative.", field=f"{where}.price")
    value = unit_price(line, variant, cmd.store_priced) * line.quantity
    if not 0 <= line.discount_minor <= value:
        most = money_text(value, currency)
        raise ValidationFailed(
            f"The discount on {line.sku} must be between zero and the line's value, {most}.",
            field=f"{where}.discount_minor",
        )


# Longest text each column holds: longer input is refused with a message, not a database error.
_ORDER_LIMITS = {"name": 200, "phone": 20, "channel": 20, "source_ref": 64, "number": 32, "carrier": 32}
_ORDER_LIMITS |= {"client_ip": 45, "card_fingerprint": 64}
_ADDRESS_LIMITS = {"name": 200, "line1": 200, "line2": 200, "city": 100, "region": 100, "postal_code": 20}
_ADDRESS_REQUIRED = ("name", "line1", "city", "postal_code")


def _check_text(owner: object, limits: dict[str, int], prefix: str = "") -> None:
    for name, limit in limits.items():
        value = getattr(owner, name)
        if value is None:
            continue
        characters.check(value, prefix + name)
        if len(value) > limit:
            raise ValidationFailed(f"{prefix}{name} is too long (at most {limit} characters).", field=prefix + name)


def validate_text(cmd: PlaceOrder) -> None:
    """Raise ``ValidationFailed`` for text no column may hold: too long, or with a character
    ``core.characters`` refuses. Before any lookup: PostgreSQL cannot even compare a NUL."""
    for index, line in enumerate(cmd.lines):
        characters.check(line.sku, f"lines[{index}].sku")
    _check_text(cmd, _ORDER_LIMITS)
    if cmd.note is not None:
        characters.check(cmd.note, "note", multiline=True)
    for prefix, address in (("shipping_address.", cmd.shipping_address), ("billing_address.", cmd.billing_address)):
        if address is not None:
            _check_text(address, _ADDRESS_LIMITS, prefix)


def _check_address(address: AddressInput, prefix: str) -> None:
    for name in _ADDRESS_REQUIRED:
        if not (getattr(address, name) or "").strip():
            raise ValidationFailed(f"The address needs a {name.replace('_', ' ')}.", field=prefix + name)
    if not (len(address.country) == 2 and address.country.isalpha()):
        raise ValidationFailed("Country must be a two-letter ISO code.", field=prefix + "country")


def _check_ip(value: str | None) -> None:
    if value is None:
        return
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValidationFailed(f"{value[:45]!r} is not an IPv4 or IPv6 address.", field="client_ip") from None


def _check_header(cmd: PlaceOrder) -> None:
    if not cmd.name.strip():
        raise ValidationFailed("A customer name is required.", field="name")
    check_currency(cmd.currency)
    if cmd.locale is not None:
        locales.canonical(cmd.locale)
    for name, words in (("shipping_minor", "Shipping"), ("discount_minor", "The order discount"), ("tax_minor", "Tax")):
        if getattr(cmd, name) < 0:
            raise ValidationFailed(f"{words} cannot be negative.", field=name)
    if not 0 <= cmd.fraud_score <= 100:
        raise ValidationFailed("A fraud score runs from 0 to 100.", field="fraud_score")
    _check_ip(cmd.client_ip)
    _check_address(cmd.shipping_address, "shipping_address.")
    if cmd.billing_address is not None:
        _check_address(cmd.billing_address, "billing_address.")


def validate_order(cmd: PlaceOrder, variants: Mapping[str, Priced]) -> None:
    """Raise ``ValidationFailed`` for the first problem found; the message names the field.
    ``variants`` are the catalogue's, looked up by the SKUs once ``validate_text`` passed."""
    validate_text(cmd)
    if not cmd.lines:
        raise ValidationFailed("An order needs at least one line.", field="lines")
    for index, line in enumerate(cmd.lines):
        _check_line(index, line, variants.get(line.sku), cmd)
    if len({line.sku for line in cmd.lines}) != len(cmd.lines):
        raise ValidationFailed("Each SKU may appear on one line only.", field="lines")
    _check_header(cmd)


def order_amounts(cmd: PlaceOrder, variants: Mapping[str, Priced]) -> tuple[int, int, int]:
    """(subtotal, all discounts, total) in minor units. Tax the prices already include is not added again;
    a store's order must come to the store's own total."""
    subtotal = sum(unit_price(line, variants[line.sku], cmd.store_priced) * line.quantity for line in cmd.lines)
    discounts = cmd.discount_minor + sum(line.discount_minor for line in cmd.lines)
    total = subtotal - discounts + cmd.shipping_minor + (0 if cmd.taxes_included else cmd.tax_minor)
    if total < 0:
        raise ValidationFailed("Discounts exceed the order value.", field="discount_minor")
    if cmd.store_total_minor is not None and total != cmd.store_total_minor:
        ours, theirs = money_text(total, cmd.currency), money_text(cmd.store_total_minor, cmd.currency)
        raise ValidationFailed(f"The order comes to {ours} here but {theirs} in the store.", field="total")
    return subtotal, discounts, total
