"""Small parsing helpers shared by the store and carrier adapters."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core import characters
from core.domain.commands import AddressInput, LineInput
from core.errors import ValidationFailed
from core.money import to_minor
from core.services.subscriptions import normalise_phone

# Tracking company names as stores send them -> Shiplog carrier codes.
CARRIER_NAMES: dict[str, str] = {
    "ups": "ups",
    "usps": "usps",
    "united states postal service": "usps",
    "fedex": "fedex",
    "federal express": "fedex",
    "dhl": "dhl",
    "dhl express": "dhl",
}


def load_json(body: bytes) -> dict[str, Any]:
    """The delivery body as a JSON object, or a ValidationFailed saying why not."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # not UTF-8 (nor UTF-16 or -32), not JSON, or nested too deep
        raise ValidationFailed("The body is not JSON.", field="body") from None
    if not isinstance(value, dict):
        raise ValidationFailed("The body is not a JSON object.", field="body")
    return value


def parse_time(value: object) -> datetime | None:
    """ISO 8601 text (with or without offset; without one means UTC) or a Unix time."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def text(value: object, limit: int = 200, *, multiline: bool = False) -> str:
    """A store's or carrier's value as text we can keep: every value read from their JSON comes
    through here, cleaned of what ``core.characters`` refuses. Their text is cleaned, not refused:
    the sender cannot fix it in time, and an order or a scan must not be lost for a stray NUL."""
    return "" if value is None else characters.clean(str(value), multiline=multiline).strip()[:limit]


def full_name(person: dict[str, Any]) -> str:
    """First and last name, together no longer than a name column holds (each may be long)."""
    return text(" ".join(text(person.get(k)) for k in ("first_name", "last_name")), 200)


def carrier_code(name: object, default: str = "usps") -> str:
    """A store's carrier name ("UPS", "DHL Express") as a Shiplog carrier code."""
    cleaned = text(name, 60).lower()
    if not cleaned or cleaned in {"null", "none", "other"}:
        return default
    if cleaned in CARRIER_NAMES:
        return CARRIER_NAMES[cleaned]
    for word, code in CARRIER_NAMES.items():
        if word in cleaned:
            return code
    return "".join(ch for ch in cleaned if ch.isalnum())[:32] or default


def phone_or_none(raw: object, country: str = "US") -> str | None:
    """E.164 when the number is valid; a bad phone must not stop an order."""
    if not text(raw):
        return None
    try:
        return normalise_phone(text(raw, 40), country or "US")
    except ValidationFailed:
        return None


def ip_or_none(raw: object) -> str | None:
    """A shopper's IP address as a store sends it; anything else is dropped (it must not stop an order)."""
    try:
        return str(ipaddress.ip_address(text(raw, 45))) if text(raw) else None
    except ValueError:
        return None


def address(raw: object, *, name: str, field: str) -> AddressInput:
    """A store address with the keys both platforms share, after renaming."""
    if not isinstance(raw, dict):
        raise ValidationFailed("The address is missing.", field=field)
    country = text(raw.get("country_code") or raw.get("country"), 2).upper()
    return AddressInput(
        name=text(raw.get("name")) or full_name(raw) or name,
        line1=text(raw.get("address1") or raw.get("address_1")),
        line2=text(raw.get("address2") or raw.get("address_2")) or None,
        city=text(raw.get("city"), 100),
        region=text(raw.get("province_code") or raw.get("province") or raw.get("state"), 100) or None,
        postal_code=text(raw.get("zip") or raw.get("postcode"), 20),
        country=country,
    )


def amounts(items: object, key: str, currency: str, field: str) -> int:
    """The sum of ``key`` over a store's list of objects (tax lines, allocations), in minor units."""
    if not isinstance(items, list):
        return 0
    return sum(to_minor(item.get(key), currency, field=field) for item in items if isinstance(item, dict))


def tax_lines(items: object, amount_key: str, rate_key: str, currency: str) -> list[dict[str, Any]]:
    """A store's tax lines as the order keeps them: title, rate and amount in minor units."""
    found: list[dict[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            amount = to_minor(item.get(amount_key), currency, field="tax_lines")
            title = text(item.get("title") or item.get("label"), 60)
            found.append({"title": title, "rate": text(item.get(rate_key), 20), "amount_minor": amount})
    return found


LineMoney = Callable[[dict[str, Any], int], tuple[int, int, int]]  # item, index -> (unit price, discount, tax)


def _sku(item: object, index: int) -> str:
    sku = text(item.get("sku"), 64) if isinstance(item, dict) else ""
    if not sku:
        raise ValidationFailed(f"Line item {index} has no SKU.", field=f"line_items[{index}].sku")
    return sku


def priced_lines(items: object, money: LineMoney) -> list[LineInput]:
    """A store's line items with the store's prices, one per SKU (repeated SKUs at one price are merged)."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed("The order has no line items.", field="line_items")
    merged: dict[str, LineInput] = {}
    for index, item in enumerate(items):
        sku = _sku(item, index)
        price, discount, tax = money(item, index)
        line = LineInput(sku, int(item.get("quantity") or 0), price, discount, tax)
        before = merged.get(sku)
        if before is not None and before.unit_price_minor != price:
            raise ValidationFailed(f"{sku} is on the order twice at different prices.", field=f"line_items[{index}]")
        if before is not None:
            line = LineInput(sku, before.quantity + line.quantity, price, before.discount_minor + discount,
                             before.tax_minor + tax)  # fmt: skip
        merged[sku] = line
    return list(merged.values())
